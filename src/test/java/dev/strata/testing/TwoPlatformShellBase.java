package dev.strata.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A two-platform stand-in base, pushed as an OCI image index with skopeo: linux/amd64 is the demo's
 * stand-in base ({@link ShellBase}: busybox, kernel {@link ShellBase#KERNEL}); linux/arm64 has the same
 * labels, an os-release and the kernel folder {@link #ARM_KERNEL}, and no shell (this x86 machine could
 * not run an arm64 one anyway). Each platform has its own kernel, so a layer built for the wrong one shows.
 */
public final class TwoPlatformShellBase {
    public static final String ARM_KERNEL = "6.17.7-300.fc43.aarch64";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TwoPlatformShellBase() {
    }

    /** Pushes it to {@code repository:tag}; returns the index digest. */
    public static String push(TestRegistry registry, String repositoryAndTag, String version) throws IOException, InterruptedException {
        Path out = registry.scratch().resolve("base2");
        run(List.of("demo/stand-in-base", out.toString(), version));
        Path blobs = out.resolve("blobs/sha256");
        ObjectNode amdDescriptor = (ObjectNode) JSON.readTree(out.resolve("index.json").toFile()).path("manifests").get(0);
        amdDescriptor.remove("annotations");
        ObjectNode amdManifest = (ObjectNode) JSON.readTree(blob(blobs, amdDescriptor.path("digest").asText()));
        ObjectNode config = (ObjectNode) JSON.readTree(blob(blobs, amdManifest.path("config").path("digest").asText()));

        Path root = out.resolve("arm-root");
        Files.createDirectories(root.resolve("usr/lib/modules/" + ARM_KERNEL));
        Files.writeString(root.resolve("usr/lib/os-release"), "NAME=\"Strata stand-in for Fedora CoreOS (arm64)\"\nOSTREE_VERSION='"
                + version + "'\n");
        Files.writeString(root.resolve("usr/lib/modules/" + ARM_KERNEL + "/vmlinuz"), "not a kernel: " + ARM_KERNEL + "\n");
        Path tar = out.resolve("arm.tar");
        run(List.of("tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@1", "-C", root.toString(),
                "-cf", tar.toString(), "usr"));
        String diffId = "sha256:" + sha256(Files.readAllBytes(tar));
        run(List.of("gzip", "-n", "-9", tar.toString()));
        byte[] layer = Files.readAllBytes(out.resolve("arm.tar.gz"));

        config.put("architecture", "arm64");
        ((ArrayNode) config.withArray("/rootfs/diff_ids")).removeAll().add(diffId);
        byte[] armConfig = JSON.writeValueAsBytes(config);
        ObjectNode armManifest = amdManifest.deepCopy();
        descriptor((ObjectNode) armManifest.path("config"), put(blobs, armConfig), armConfig.length);
        descriptor((ObjectNode) armManifest.path("layers").get(0), put(blobs, layer), layer.length);
        byte[] armBytes = JSON.writeValueAsBytes(armManifest);

        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.index.v1+json");
        amdDescriptor.putObject("platform").put("architecture", "amd64").put("os", "linux");
        ObjectNode armDescriptor = index.putArray("manifests").add(amdDescriptor).addObject()
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        descriptor(armDescriptor, put(blobs, armBytes), armBytes.length);
        armDescriptor.putObject("platform").put("architecture", "arm64").put("os", "linux");
        byte[] indexBytes = JSON.writeValueAsBytes(index);
        String indexDigest = put(blobs, indexBytes);
        ObjectNode top = JSON.createObjectNode().put("schemaVersion", 2);
        descriptor(top.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.index.v1+json"),
                indexDigest, indexBytes.length).putObject("annotations").put("org.opencontainers.image.ref.name", "multi");
        Files.write(out.resolve("index.json"), JSON.writeValueAsBytes(top));
        run(List.of("skopeo", "copy", "--quiet", "--all", "--dest-tls-verify=false", "oci:" + out + ":multi",
                "docker://" + registry.reference(repositoryAndTag)));
        return indexDigest;
    }

    private static ObjectNode descriptor(ObjectNode node, String digest, long size) {
        return node.put("digest", digest).put("size", size);
    }

    private static byte[] blob(Path blobs, String digest) throws IOException {
        return Files.readAllBytes(blobs.resolve(digest.substring("sha256:".length())));
    }

    private static String put(Path blobs, byte[] bytes) throws IOException {
        String hex = sha256(bytes);
        Files.write(blobs.resolve(hex), bytes);
        return "sha256:" + hex;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
    }
}
