package dev.strata.inputs;

import dev.strata.spec.FleetSpec;
import dev.strata.spec.MachineGroup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The layer of Strata's host agent (docs/agent.md), which builds add on top of an image's own layers
 * when a group runs the image with the agent enabled: for bootc delivery the agent with its timer and
 * connectivity check, and masks for the updaters it replaces; for zincati delivery only the check,
 * rolling back with rpm-ostree. The files are resources of this jar, so they are part of the image's
 * inputs digest: a changed agent rebuilds exactly the images that carry it.
 */
public record AgentLayer(Kind kind, List<File> files) {
    /** The layer's name in plans; a spec layer cannot have it (its names have no ':'). */
    public static final String NAME = "strata:agent";
    static final String RESOURCES = "/dev/strata/agent/";
    static final String SCRIPT = "/usr/libexec/strata/strata-agent";
    static final String UNITS = "/usr/lib/systemd/system/";

    public enum Kind {
        /** The whole agent: stage, lock, reboot, check, report. */
        BOOTC,
        /** Zincati updates the host; only the connectivity check runs. */
        ZINCATI
    }

    /** One file the layer writes, root-owned. Sorted by path. */
    public record File(String path, int mode, byte[] bytes) {
        public File {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof File f && path.equals(f.path) && mode == f.mode && Arrays.equals(bytes, f.bytes);
        }

        @Override
        public int hashCode() {
            return path.hashCode();
        }
    }

    private static final AgentLayer BOOTC = new AgentLayer(Kind.BOOTC, List.of(
            file("/etc/systemd/system/bootc-fetch-apply-updates.timer", 0644, null), // masked: the agent decides when
            file("/etc/systemd/system/zincati.service", 0644, null), // masked: one updater per host
            file(UNITS + "multi-user.target.d/strata-enable-strata-agent-check.service.conf", 0644,
                    "enable-strata-agent-check.service.conf"),
            file(UNITS + "strata-agent-check.service", 0644, "strata-agent-check.service"),
            file(UNITS + "strata-agent.service", 0644, "strata-agent.service"),
            file(UNITS + "strata-agent.timer", 0644, "strata-agent.timer"),
            file(UNITS + "timers.target.d/strata-enable-strata-agent.timer.conf", 0644, "enable-strata-agent.timer.conf"),
            file(SCRIPT, 0755, "strata-agent")));

    private static final AgentLayer ZINCATI = new AgentLayer(Kind.ZINCATI, List.of(
            file(UNITS + "multi-user.target.d/strata-enable-strata-agent-check.service.conf", 0644,
                    "enable-strata-agent-check.service.conf"),
            file(UNITS + "strata-agent-check.service", 0644, "strata-agent-check.service"),
            file(UNITS + "strata-agent-check.service.d/10-zincati.conf", 0644, "check-zincati.conf"),
            file(SCRIPT, 0755, "strata-agent")));

    public AgentLayer {
        files = List.copyOf(files);
    }

    public static AgentLayer of(Kind kind) {
        return kind == Kind.BOOTC ? BOOTC : ZINCATI;
    }

    /**
     * The agent layer {@code image} gets: the bootc agent when a bootc group with the agent enabled runs
     * it, else the check when such a zincati group does, else none. Validation ({@code agent.image-shared})
     * makes sure the groups of one image agree.
     */
    public static Optional<AgentLayer> forImage(FleetSpec fleet, String image) {
        Optional<AgentLayer> out = Optional.empty();
        for (MachineGroup g : fleet.groups()) {
            if (!g.image().equals(image) || !g.agent().enabled()) continue;
            if (g.delivery() == MachineGroup.Delivery.BOOTC) return Optional.of(BOOTC);
            out = Optional.of(ZINCATI);
        }
        return out;
    }

    /** {@code resource} null: an empty file (a masked unit). */
    private static File file(String path, int mode, String resource) {
        if (resource == null) return new File(path, mode, new byte[0]);
        try (InputStream in = AgentLayer.class.getResourceAsStream(RESOURCES + resource)) {
            if (in == null) throw new IllegalStateException("agent file " + resource + " is not packaged");
            return new File(path, mode, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read agent file " + resource, e);
        }
    }
}
