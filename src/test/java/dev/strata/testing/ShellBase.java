package dev.strata.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's stand-in Fedora CoreOS base ({@code demo/stand-in-base OUT VERSION}), which has a shell:
 * Debian's static busybox with its applets, /usr/lib/modules/{@link #KERNEL}/vmlinuz and an empty dpkg
 * database, so containerfile layers can RUN on it. Pushed with skopeo, as the demo does.
 */
public final class ShellBase {
    public static final String KERNEL = "6.17.7-300.fc43.x86_64";

    private ShellBase() {
    }

    /** Pushes it to {@code repository:tag}; returns its manifest digest. */
    public static String push(TestRegistry registry, String repositoryAndTag, String version) throws IOException, InterruptedException {
        Path out = registry.scratch().resolve("base");
        String digest = run(List.of("demo/stand-in-base", out.toString(), version)).strip();
        run(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci:" + out + ":stable",
                "docker://" + registry.reference(repositoryAndTag)));
        return digest;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
        return out;
    }
}
