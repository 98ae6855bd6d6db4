package dev.strata.testing;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What skopeo, a tool users have, says about an image in a {@link TestRegistry}: a cross-check. */
public final class Skopeo {
    private Skopeo() {
    }

    /** The {@code Digest} {@code skopeo inspect} reports for {@code repository:tag}. */
    public static String digest(TestRegistry registry, String repositoryAndTag) throws IOException, InterruptedException {
        byte[] json = inspect(registry, repositoryAndTag, false);
        return new ObjectMapper().readTree(json).path("Digest").asText();
    }

    /** sha256 of the manifest bytes {@code skopeo inspect --raw} prints: the tag's manifest (or index) digest. */
    public static String rawDigest(TestRegistry registry, String repositoryAndTag) throws IOException, InterruptedException {
        try {
            byte[] raw = inspect(registry, repositoryAndTag, true);
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The manifest (or index) bytes {@code skopeo inspect --raw} prints for {@code repository:tag}. */
    public static byte[] rawManifest(TestRegistry registry, String repositoryAndTag) throws IOException, InterruptedException {
        return inspect(registry, repositoryAndTag, true);
    }

    /** Copies {@code repository:tag} to an OCI layout folder, as a user checking an image would. */
    public static java.nio.file.Path copyToOciDir(TestRegistry registry, String repositoryAndTag, java.nio.file.Path dir)
            throws IOException, InterruptedException {
        return copyToOciDir(registry, repositoryAndTag, dir, null);
    }

    /** As above; from an index, its image for {@code arch} (as a machine of that architecture would pull), when given. */
    public static java.nio.file.Path copyToOciDir(TestRegistry registry, String repositoryAndTag, java.nio.file.Path dir,
                                                  String arch) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--src-tls-verify=false"));
        if (arch != null) command.addAll(List.of("--override-arch", arch));
        registry.login().ifPresent(l -> command.addAll(List.of("--src-creds", l.user() + ":" + l.password())));
        command.add("docker://" + registry.reference(repositoryAndTag));
        command.add("oci:" + dir + ":image");
        run(command);
        return dir;
    }

    /** The JSON {@code skopeo inspect} prints for {@code transport:reference} (e.g. {@code oci-archive:/x.tar}). */
    public static com.fasterxml.jackson.databind.JsonNode inspect(String reference) throws IOException, InterruptedException {
        return new ObjectMapper().readTree(run(List.of("skopeo", "inspect", reference)));
    }

    /** The labels {@code skopeo inspect} shows for {@code repository:tag}. */
    public static java.util.Map<String, String> labels(TestRegistry registry, String repositoryAndTag)
            throws IOException, InterruptedException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        new ObjectMapper().readTree(inspect(registry, repositoryAndTag, false)).path("Labels").fields()
                .forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        return out;
    }

    /**
     * The JSON {@code skopeo inspect [--raw] --override-arch ARCH} prints for {@code repository:tag}: without
     * {@code raw}, an index's image of that architecture, as a machine of it would pull; {@code --raw} prints
     * the index itself.
     */
    public static com.fasterxml.jackson.databind.JsonNode inspectArch(TestRegistry registry, String repositoryAndTag,
                                                                      String arch, boolean raw)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("skopeo", "inspect", "--tls-verify=false", "--override-arch", arch));
        if (raw) command.add("--raw");
        registry.login().ifPresent(l -> command.addAll(List.of("--creds", l.user() + ":" + l.password())));
        command.add("docker://" + registry.reference(repositoryAndTag));
        return new ObjectMapper().readTree(run(command));
    }

    private static byte[] run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + err);
        }
        return out;
    }

    private static byte[] inspect(TestRegistry registry, String repositoryAndTag, boolean raw)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("skopeo", "inspect", "--tls-verify=false"));
        if (raw) command.add("--raw");
        registry.login().ifPresent(l -> command.addAll(List.of("--creds", l.user() + ":" + l.password())));
        command.add("docker://" + registry.reference(repositoryAndTag));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new IllegalStateException("skopeo is not installed: the registry tests cross-check digests with it."
                    + " Install it (Debian/Ubuntu: sudo apt-get install -y --no-install-recommends skopeo), or run .ci/run", e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("skopeo inspect " + repositoryAndTag + " failed: " + err);
        }
        return out;
    }
}
