package dev.strata.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * fleet-example/ as tests use it: where it is, which of its image specs have containerfile layers, and
 * its package folder served on loopback for edge-wifi's {@code PACKAGE_REPO} (fleet-example/README.md).
 */
public final class ExampleFleet {
    public static final Path DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("fleet-example");
    /** edge-wifi's {@code PACKAGE_REPO} as shipped; a test puts its own {@link PackageFolder#url()} in its copy. */
    public static final String PACKAGE_REPO = "PACKAGE_REPO: http://127.0.0.1:8089";
    public static final String PACKAGE = "strata-wifi_1.0_all.deb";

    private ExampleFleet() {
    }

    /**
     * Whether {@code file} (relative to fleet-example/) is an image spec with containerfile layers: built with
     * buildah on a base with a shell, and from a package folder. Tests about rollouts, on a base without a
     * shell, leave these images out of their copy; ContainerfileExamplesTest and ExampleFleetApplyTest build them.
     */
    public static boolean containerfileImage(Path file) {
        if (!file.startsWith("images") || !file.toString().endsWith(".yaml")) return false;
        try {
            return Files.readString(DIR.resolve(file), StandardCharsets.UTF_8).contains("\n      containerfile:\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds the .deb from fleet-example/packages/strata-wifi with dpkg-deb and serves its folder on a loopback port. */
    public static PackageFolder servePackages(Path folder) throws IOException, InterruptedException {
        Files.createDirectories(folder);
        List<String> command = List.of("dpkg-deb", "--root-owner-group", "--build",
                DIR.resolve("packages/strata-wifi").toString(), folder.resolve(PACKAGE).toString());
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("dpkg-deb is needed to build the example's package (apt-get install dpkg)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Path file = folder.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            boolean ok = file.startsWith(folder) && Files.isRegularFile(file);
            exchange.sendResponseHeaders(ok ? 200 : 404, ok ? Files.size(file) : -1);
            try (OutputStream body = exchange.getResponseBody()) {
                if (ok) Files.copy(file, body);
            }
        });
        server.start();
        return new PackageFolder(server);
    }

    /** The package folder's web server; {@link #close()} stops it. */
    public record PackageFolder(HttpServer server) implements AutoCloseable {
        public String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        /** The {@code PACKAGE_REPO} line of edge-wifi.yaml for this folder. */
        public String packageRepoLine() {
            return "PACKAGE_REPO: " + url();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
