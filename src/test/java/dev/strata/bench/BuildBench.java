package dev.strata.bench;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Helpers for scripts/bench-build, run as a source file with target/strata.jar (which holds jib-core)
 * on the class path:
 * <pre>
 *   java -cp target/strata.jar BuildBench.java relay LISTEN_PORT CONTROL_PORT REGISTRY_PORT
 *   java -cp target/strata.jar BuildBench.java base REFERENCE DIR LAYERS MIB_PER_LAYER SEED
 * </pre>
 * {@code relay} is a TCP relay in front of the registry that counts the bytes each way: every client
 * under test talks to the registry through it, so "bytes up" is exactly what the client sent (request
 * lines, headers and bodies: blob uploads, manifests) and "bytes down" what it downloaded. A client
 * that connects to CONTROL_PORT reads one line, {@code UP DOWN}, the totals so far. It counts on the
 * wire rather than in the registry's storage because storage does not grow when a client uploads a
 * blob the registry already holds (blobs are stored once per registry), which is exactly the waste to
 * catch. {@code base} pushes a synthetic Fedora CoreOS-like base of LAYERS layers of incompressible
 * random data (a fixed seed) and prints its manifest digest.
 */
public final class BuildBench {
    private BuildBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "relay" -> relay(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "base" -> System.out.println(base(args[1], Path.of(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Long.parseLong(args[5])));
            default -> {
                System.err.println("usage: BuildBench relay LISTEN CONTROL TARGET | base REFERENCE DIR LAYERS MIB SEED");
                System.exit(64);
            }
        }
    }

    // ---- relay

    private static final AtomicLong UP = new AtomicLong();
    private static final AtomicLong DOWN = new AtomicLong();

    static void relay(int listen, int control, int target) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        ServerSocket ctl = new ServerSocket(control, 50, lo);
        Thread t = new Thread(() -> {
            while (true) {
                try (Socket s = ctl.accept(); OutputStream o = s.getOutputStream()) {
                    o.write((UP.get() + " " + DOWN.get() + "\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the reader went away
                }
            }
        }, "control");
        t.start();
        try (ServerSocket server = new ServerSocket(listen, 200, lo)) {
            System.out.println("relay listening on " + listen);
            System.out.flush();
            while (true) {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket(lo, target);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger(2);
                pump(client, upstream, UP, open);
                pump(upstream, client, DOWN, open);
            }
        }
    }

    private static void pump(Socket from, Socket to, AtomicLong counter, java.util.concurrent.atomic.AtomicInteger open) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[256 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    counter.addAndGet(n);
                }
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
            } finally {
                if (open.decrementAndGet() == 0) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }
        }, "pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    // ---- base

    static String base(String reference, Path dir, int layers, int mibPerLayer, long seed) throws Exception {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        String kernel = "6.17.7-300.fc43.x86_64";
        String version = "43.20261110.3.0";
        Path osRelease = Files.writeString(dir.resolve("os-release"), "NAME=\"Fedora Linux\"\nID=fedora\nVARIANT_ID=coreos\n"
                + "VERSION_ID=43\nOSTREE_VERSION='" + version + "'\n");
        Path unit = Files.writeString(dir.resolve("zincati.service"),
                "[Unit]\nDescription=Zincati\n[Install]\nWantedBy=multi-user.target\n");
        JibContainerBuilder image = Jib.fromScratch().setFormat(ImageFormat.OCI)
                .setCreationTime(Instant.parse("2026-11-10T00:00:00Z"))
                .setLabels(new TreeMap<>(java.util.Map.of("containers.bootc", "1", "ostree.bootable", "1",
                        "org.opencontainers.image.version", version, "com.coreos.stream", "stable",
                        "com.coreos.osname", "fedora-coreos", "ostree.linux", kernel)));
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < layers; i++) {
            Path data = dir.resolve(String.format("layer-%02d.bin", i));
            try (OutputStream out = Files.newOutputStream(data)) {
                for (int m = 0; m < mibPerLayer; m++) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
            FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("ostree-" + i)
                    .addEntry(entry(data, String.format("/usr/share/bench/layer-%02d.bin", i)));
            if (i == 0) {
                layer.addEntry(entry(osRelease, "/usr/lib/os-release"))
                        .addEntry(entry(osRelease, "/usr/lib/modules/" + kernel + "/vmlinuz"))
                        .addEntry(entry(unit, "/usr/lib/systemd/system/zincati.service"))
                        .addEntry(entry(unit, "/etc/systemd/system/multi-user.target.wants/zincati.service"));
            }
            image.addFileEntriesLayer(layer.build());
        }
        Containerizer to = Containerizer.to(RegistryImage.named(reference))
                .setAllowInsecureRegistries(true)
                .setToolName("fcos-like").setToolVersion("1")
                .setBaseImageLayersCache(dir.resolve("cache-base"))
                .setApplicationLayersCache(dir.resolve("cache-app"));
        return image.containerize(to).getDigest().toString();
    }

    private static FileEntry entry(Path source, String path) {
        return new FileEntry(source, AbsoluteUnixPath.get(path), FilePermissions.fromOctalString("644"),
                Instant.EPOCH.plusSeconds(1), "0:0");
    }
}
