package dev.strata.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Writes a large, valid fleet for the validate benchmark (scripts/bench-validate). Deterministic for
 * a seed: the same arguments always write the same bytes.
 *
 * <p>Layout, as a big fleet repository would be organised:
 * <pre>
 *   fleet.yaml
 *   streams/streams.yaml          a few Streams, one file, several documents
 *   images/images-NNN.yaml        10 Images per file; chains of images built from each other
 *   images/files/...              the files images name in 'source'
 *   groups/GROUP.yaml             one MachineGroup per file, machines as one flow mapping per line
 * </pre>
 *
 * <p>Uses only the JDK, so it runs as {@code java FleetGenerator.java OUT} without a build.
 * Usage: {@code FleetGenerator OUT [--seed N] [--images N] [--groups N] [--machines N]} where
 * {@code --machines} is per group.
 */
public final class FleetGenerator {
    static final String API = "apiVersion: strata.dev/v1alpha1\n";
    /** A hidden file, so the loader skips it; marks a folder the generator may replace. */
    static final String MARKER = ".generated-by-fleet-generator";
    static final int IMAGES_PER_FILE = 10;
    /** Every CHAIN-th image is built from a stream or digest; the ones after it from their predecessor. */
    static final int CHAIN = 5;
    static final int SOURCE_FILES = 40;
    static final int RACKS_PER_GROUP = 20;
    static final List<String> STREAMS = List.of("fcos-stable", "fcos-testing", "fcos-next", "centos-bootc-10");
    static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC",
            "Europe/London", "America/Los_Angeles");
    static final List<String> SITES = List.of("fra", "ams", "nyc", "sfo", "tyo", "sin", "lon", "par");
    static final List<String> DAYS = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");

    private final Random random;
    private final int imageCount;
    private final int groupCount;
    private final int machinesPerGroup;
    private final Set<String> machineIds = new HashSet<>();

    FleetGenerator(long seed, int imageCount, int groupCount, int machinesPerGroup) {
        this.random = new Random(seed);
        this.imageCount = imageCount;
        this.groupCount = groupCount;
        this.machinesPerGroup = machinesPerGroup;
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println("usage: FleetGenerator OUT [--seed N] [--images N] [--groups N] [--machines N-per-group]");
            System.exit(64);
        }
        Path out = Path.of(args[0]);
        long seed = 42;
        int images = 1000, groups = 200, machines = 500;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--images" -> images = Integer.parseInt(args[i + 1]);
                case "--groups" -> groups = Integer.parseInt(args[i + 1]);
                case "--machines" -> machines = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (images < CHAIN) throw new IllegalArgumentException("at least " + CHAIN + " images");
        long started = System.nanoTime();
        new FleetGenerator(seed, images, groups, machines).write(out);
        System.err.printf(Locale.ROOT, "generated %d images, %d groups, %d machines in %s (%d ms)%n",
                images, groups, (long) groups * machines, out, (System.nanoTime() - started) / 1_000_000);
    }

    void write(Path out) throws IOException {
        replaceFolder(out);
        write(out.resolve("fleet.yaml"), fleet());
        write(out.resolve("streams/streams.yaml"), streams());
        for (int k = 0; k < SOURCE_FILES; k++) write(out.resolve("images/files/" + sourceFile(k)), sourceContent(k));
        for (int first = 0; first < imageCount; first += IMAGES_PER_FILE) {
            StringBuilder b = new StringBuilder("# Images " + imageName(first) + " .. "
                    + imageName(Math.min(imageCount, first + IMAGES_PER_FILE) - 1) + "\n");
            for (int i = first; i < Math.min(imageCount, first + IMAGES_PER_FILE); i++) image(b, i);
            write(out.resolve(String.format(Locale.ROOT, "images/images-%03d.yaml", first / IMAGES_PER_FILE)), b.toString());
        }
        for (int g = 0; g < groupCount; g++) write(out.resolve("groups/" + groupName(g) + ".yaml"), group(g));
    }

    private static String fleet() {
        return "# The fleet: where derived images go, and where bases are pulled from.\n" + API
                + "kind: Fleet\nmetadata:\n  name: bench\nspec:\n"
                + "  registry: registry.example.com/fleet\n"
                + "  insecureRegistries: [\"build-cache.internal:5000\"]\n"
                + "  mirrors:\n"
                + "    - from: quay.io/fedora\n      to: mirror.example.com/fedora\n"
                + "    - from: quay.io/centos-bootc\n      to: mirror.example.com/centos-bootc\n";
    }

    private String streams() {
        StringBuilder b = new StringBuilder();
        for (String s : STREAMS) {
            boolean fcos = s.startsWith("fcos");
            b.append("---\n").append(API).append("kind: Stream\nmetadata:\n  name: ").append(s).append("\nspec:\n")
                    .append("  image: ").append(fcos ? "quay.io/fedora/fedora-coreos" : "quay.io/centos-bootc/centos-bootc")
                    .append("\n  tag: ").append(fcos ? s.substring(5) : "stream10").append('\n');
            if (s.equals("fcos-stable")) {
                b.append("  pin: sha256:").append(hex(64)).append("\n  version: \"43.20260413.3.2\"\n")
                        .append("  barriers: [\"42.20250901.3.0\"]\n  deadEnds: []\n")
                        .append("  updateMetadata: https://builds.coreos.fedoraproject.org/updates/stable.json\n");
            }
        }
        return b.toString();
    }

    static String imageName(int i) {
        return String.format(Locale.ROOT, "img-%04d", i);
    }

    /**
     * Every fifth chain is Zincati's (when there are five or more), and bootc groups stay off it: the
     * agent layer goes into an image and every image built on it, so groups sharing a chain must agree
     * on their delivery (agent.image-shared). Zincati groups run the chain's head, which has no kernel
     * arguments.
     */
    private int zincatiHead(int drawnChain) {
        int chains = imageCount / CHAIN;
        return (chains < 5 ? drawnChain : drawnChain / 5 * 5 + 4 < chains ? drawnChain / 5 * 5 + 4 : 4) * CHAIN;
    }

    /** A bootc group's image: any image outside the Zincati chains, as near the one drawn as can be. */
    private int bootcImage(int drawn) {
        int chains = imageCount / CHAIN;
        boolean zincatiChain = chains >= 5 && drawn / CHAIN < chains && drawn / CHAIN % 5 == 4;
        return zincatiChain ? drawn - CHAIN : drawn;
    }

    /** Chain heads (no kernel arguments anywhere in their chain) are what Zincati groups run. */
    static boolean chainHead(int i) {
        return i % CHAIN == 0;
    }

    private void image(StringBuilder b, int i) {
        String name = imageName(i);
        b.append("---\n").append(API).append("kind: Image\nmetadata:\n  name: ").append(name).append("\nspec:\n");
        if (!chainHead(i)) {
            b.append("  from: {image: ").append(imageName(i - 1)).append("}\n");
        } else if (i % (CHAIN * 10) == CHAIN * 5) {
            b.append("  from: {ref: \"quay.io/fedora/fedora-coreos@sha256:").append(hex(64)).append("\"}\n");
        } else {
            b.append("  from: {stream: ").append(STREAMS.get(i / CHAIN % STREAMS.size())).append("}\n");
        }
        b.append("  labels:\n    org.opencontainers.image.description: \"bench image ").append(i).append("\"\n")
                .append("    team: team-").append(i % 17).append('\n');
        b.append("  layers:\n");
        // Network and time: inline content and files from the repository.
        b.append("    - name: base-config\n      files:\n");
        b.append("        - path: /etc/chrony.d/").append(name).append(".conf\n")
                .append("          content: |\n            server ntp").append(i % 3 + 1)
                .append(".example.com iburst\n            makestep 1.0 3\n");
        b.append("        - {path: /etc/sysctl.d/90-").append(name).append(".conf, content: \"vm.swappiness = ")
                .append(i % 60).append("\\nnet.core.somaxconn = 4096\\n\"}\n");
        int k = random.nextInt(SOURCE_FILES);
        b.append("        - {path: /etc/").append(name).append("/app.conf, source: files/").append(sourceFile(k & ~1))
                .append(", mode: \"0640\", owner: \"0:0\"}\n");
        b.append("        - {path: /etc/NetworkManager/system-connections/bond0-").append(name)
                .append(".nmconnection, source: files/").append(sourceFile(k | 1))
                .append(", mode: \"0600\", secret: true}\n");
        // A service with its unit file, a state directory and an enabled unit.
        String unit = "svc-" + name + ".service";
        b.append("    - name: services\n      files:\n")
                .append("        - path: /etc/systemd/system/").append(unit).append('\n')
                .append("          content: |\n            [Unit]\n            Description=bench service ").append(i)
                .append("\n            [Service]\n            ExecStart=/usr/local/bin/svc-").append(i)
                .append("\n            [Install]\n            WantedBy=multi-user.target\n")
                .append("        - {path: /usr/local/bin/svc-").append(i).append(", content: \"#!/bin/sh\\nexec sleep infinity\\n\", mode: \"0755\"}\n")
                .append("      directories:\n")
                .append("        - {path: /etc/").append(name).append("/conf.d, mode: \"0750\", owner: \"0:0\"}\n")
                .append("        - {path: /usr/lib/").append(name).append("}\n")
                .append("      systemd:\n        enable: [").append(unit).append(", node-exporter.service]\n")
                .append("        disable: [dnf-makecache.timer]\n");
        if (i % 3 == 0) b.append("        mask: [systemd-resolved.service]\n");
        if (!chainHead(i)) {
            b.append("      kernelArguments: [\"console=ttyS0,115200\", \"mitigations=auto\"]\n");
        }
    }

    static String sourceFile(int k) {
        return k % 2 == 0 ? String.format(Locale.ROOT, "app-%02d.conf", k) : String.format(Locale.ROOT, "net/bond-%02d.nmconnection", k);
    }

    private static String sourceContent(int k) {
        return k % 2 == 0
                ? "# app config " + k + "\nlisten = 0.0.0.0:" + (8000 + k) + "\nworkers = " + (k % 8 + 1) + "\n"
                : "[connection]\nid=bond0\ntype=bond\ninterface-name=bond0\n[bond]\nmode=802.3ad\nmiimon=" + (100 + k) + "\n";
    }

    static String groupName(int g) {
        return String.format(Locale.ROOT, "%s-%03d", SITES.get(g % SITES.size()), g);
    }

    private String group(int g) {
        String name = groupName(g);
        boolean zincati = g % 5 == 4;
        int image = zincati ? zincatiHead(random.nextInt(imageCount / CHAIN)) : bootcImage(random.nextInt(imageCount));
        StringBuilder b = new StringBuilder(machinesPerGroup * 96 + 1024);
        b.append("# ").append(machinesPerGroup).append(" machines in ").append(RACKS_PER_GROUP).append(" racks\n")
                .append(API).append("kind: MachineGroup\nmetadata:\n  name: ").append(name).append("\nspec:\n")
                .append("  image: ").append(imageName(image)).append("\n  delivery: ").append(zincati ? "zincati" : "bootc")
                .append("\n  machines:\n");
        for (int m = 0; m < machinesPerGroup; m++) {
            b.append("    - {id: ").append(machineId()).append(", name: ").append(machineName(name, m))
                    .append(", labels: {rack: r").append(m % RACKS_PER_GROUP).append(", zone: ")
                    .append(name, 0, 3).append('-').append(m % 3 + 1).append("}}\n");
        }
        String day1 = DAYS.get(g % 5), day2 = DAYS.get(g % 5 + 1);
        b.append("  rollout:\n    waves:\n")
                .append("      - {name: canary, machines: [").append(machineName(name, 0)).append("]}\n")
                .append("      - {name: early, percent: ").append(5 + g % 20).append(", successThreshold: \"95%\"}\n")
                .append("      - {name: rest, percent: 100}\n")
                .append("    maxUnavailable: \"").append(2 + g % 8).append("%\"\n")
                .append("    disruptionBudget: {groupBy: [rack], maxUnavailable: 1}\n")
                .append("    bakeTime: ").append(g % 2 == 0 ? "30m" : "1h30m").append('\n')
                .append("    timeZone: ").append(ZONES.get(g % ZONES.size())).append('\n')
                .append("    windows:\n")
                .append("      - {days: [").append(day1).append(", ").append(day2).append("], start: \"0").append(g % 4 + 1)
                .append(":00\", length: 4h}\n")
                .append("      - {days: [Sat], start: \"22:30\", length: 6h}\n")
                .append("    updateTimeout: 1h\n")
                .append("    failurePolicy: {maxFailures: ").append(1 + g % 3).append(", action: ")
                .append(g % 2 == 0 ? "halt" : "rollback").append("}\n");
        if (g % 10 == 0) b.append("    holdAfter: canary\n");
        return b.toString();
    }

    private static String machineName(String group, int m) {
        return String.format(Locale.ROOT, "%s-m%04d", group, m);
    }

    /** A fresh 32-hex id; duplicates (vanishingly rare) are drawn again so the fleet stays valid. */
    private String machineId() {
        String id;
        do {
            id = hex(32);
        } while (!machineIds.add(id));
        return id;
    }

    private String hex(int digits) {
        StringBuilder b = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) b.append(Character.forDigit(random.nextInt(16), 16));
        return b.toString();
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Empties {@code out}, but only a folder this generator wrote (it carries a marker) or an empty one. */
    private static void replaceFolder(Path out) throws IOException {
        Path marker = out.resolve(MARKER);
        if (Files.isDirectory(out)) {
            boolean empty;
            try (var entries = Files.list(out)) {
                empty = entries.findAny().isEmpty();
            }
            if (!empty && !Files.exists(marker)) {
                throw new IOException(out + " is not empty and was not written by FleetGenerator; refusing to replace it");
            }
            deleteTree(out);
        }
        Files.createDirectories(out);
        Files.writeString(marker, "written by dev.strata.bench.FleetGenerator; replaced on every run\n");
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
