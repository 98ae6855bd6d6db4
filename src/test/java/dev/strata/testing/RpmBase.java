package dev.strata.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * An RPM-based stand-in for Fedora CoreOS: real noarch RPMs made at test time with the host's
 * {@code rpmbuild}, installed with the host's {@code rpm --root} into a root folder whose RPM database sits
 * where Fedora CoreOS keeps it ({@link #FCOS_DB}, sqlite, with {@link #SYSIMAGE_LINK} linked to it as
 * rpm-ostree does), and that root pushed as one more layer on the shell stand-in base
 * ({@link ShellBase}: demo/stand-in-base, with busybox and a kernel folder), so containerfile layers can RUN on it. Needs rpm and
 * rpmbuild (Debian package rpm) and root, as CI has.
 */
public final class RpmBase {
    public static final String FCOS_DB = "usr/share/rpm";
    public static final String SYSIMAGE_LINK = "usr/lib/sysimage/rpm";

    private RpmBase() {
    }

    /** A package to build: {@code epoch} 0 means none. Its one file is /usr/share/NAME/version, holding [epoch:]version-release. */
    public record Rpm(String name, int epoch, String version, String release) {
        public String evr() {
            return (epoch == 0 ? "" : epoch + ":") + version + "-" + release;
        }
    }

    /** Builds {@code rpm} as a noarch RPM under {@code work} with rpmbuild; returns the .rpm file. */
    public static Path build(Path work, Rpm rpm) throws IOException, InterruptedException {
        Path top = Files.createDirectories(work.resolve("rpmbuild-" + rpm.name() + "-" + rpm.evr().replace(':', '_')));
        Path spec = Files.writeString(top.resolve(rpm.name() + ".spec"), """
                Name: %s
                %sVersion: %s
                Release: %s
                Summary: Strata test package %s
                License: MIT
                BuildArch: noarch

                %%description
                A test package made by Strata's tests.

                %%install
                mkdir -p %%{buildroot}/usr/share/%s
                echo '%s' > %%{buildroot}/usr/share/%s/version

                %%files
                /usr/share/%s/version
                """.formatted(rpm.name(), rpm.epoch() == 0 ? "" : "Epoch: " + rpm.epoch() + "\n", rpm.version(), rpm.release(),
                rpm.name(), rpm.name(), rpm.evr(), rpm.name(), rpm.name()));
        run(List.of("rpmbuild", "-bb", "--nodeps", "--define", "_topdir " + top, "--define", "_build_id_links none",
                spec.toString()));
        Path out = top.resolve("RPMS/noarch/" + rpm.name() + "-" + rpm.version() + "-" + rpm.release() + ".noarch.rpm");
        if (!Files.isRegularFile(out)) throw new IOException("rpmbuild wrote no " + out);
        return out;
    }

    /**
     * A new RPM database in {@code root} at {@code dbPath} ({@code rpm --initdb}), with {@code rpms}
     * installed into {@code root} (their files and database entries; no dependencies, no scripts).
     */
    public static Path install(Path root, String dbPath, List<Path> rpms) throws IOException, InterruptedException {
        Files.createDirectories(root);
        List<String> base = List.of("rpm", "--root", root.toString(), "--dbpath", "/" + dbPath);
        run(plus(base, "--initdb"));
        if (!rpms.isEmpty()) {
            List<String> install = new ArrayList<>(plus(base, "-i", "--nodeps", "--noscripts", "--notriggers"));
            rpms.forEach(r -> install.add(r.toString()));
            run(install);
        }
        Files.deleteIfExists(root.resolve(dbPath).resolve(".rpm.lock"));
        return root;
    }

    /**
     * The Fedora CoreOS shape: {@code rpms} installed with their database in /usr/share/rpm, and
     * /usr/lib/sysimage/rpm a relative link to it.
     */
    public static Path fcosRoot(Path root, List<Path> rpms) throws IOException, InterruptedException {
        install(root, FCOS_DB, rpms);
        Path link = root.resolve(SYSIMAGE_LINK);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of("../../share/rpm"));
        return root;
    }

    /**
     * The stand-in base (demo/stand-in-base), which has a shell, with {@code root}'s files as a second layer, pushed
     * to {@code repositoryAndTag}; returns its manifest digest.
     */
    public static String push(TestRegistry registry, String repositoryAndTag, String version, Path root)
            throws IOException, InterruptedException {
        Path out = registry.scratch().resolve("base");
        run(List.of("demo/stand-in-base", out.toString(), version));
        ObjectMapper json = new ObjectMapper();
        Path index = out.resolve("index.json");
        ObjectNode indexNode = (ObjectNode) json.readTree(index.toFile());
        ObjectNode manifestRef = (ObjectNode) indexNode.path("manifests").get(0);
        ObjectNode manifest = (ObjectNode) json.readTree(blob(out, manifestRef.path("digest").asText()).toFile());
        ObjectNode config = (ObjectNode) json.readTree(blob(out, manifest.path("config").path("digest").asText()).toFile());

        Path tarFile = out.resolve("rpm-layer.tar");
        List<String> tar = new ArrayList<>(List.of("tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@1",
                "-C", root.toString(), "-cf", tarFile.toString()));
        try (Stream<Path> tops = Files.list(root)) {
            tops.map(p -> p.getFileName().toString()).sorted().forEach(tar::add);
        }
        run(tar);
        byte[] layer = Files.readAllBytes(tarFile);
        Files.delete(tarFile);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(layer);
        }
        byte[] gzipped = gz.toByteArray();
        ((ArrayNode) config.path("rootfs").path("diff_ids")).add(digest(layer));
        ((ArrayNode) config.path("history")).addObject().put("created", config.path("created").asText())
                .put("created_by", "RpmBase (test): RPMs and their database");
        byte[] configBytes = json.writeValueAsBytes(config);
        ((ObjectNode) manifest.path("config")).put("digest", put(out, configBytes)).put("size", configBytes.length);
        ((ArrayNode) manifest.path("layers")).addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip")
                .put("digest", put(out, gzipped)).put("size", gzipped.length);
        byte[] manifestBytes = json.writeValueAsBytes(manifest);
        manifestRef.put("digest", put(out, manifestBytes)).put("size", manifestBytes.length);
        Files.write(index, json.writeValueAsBytes(indexNode));

        Path digestFile = out.resolveSibling("digest");
        run(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--digestfile", digestFile.toString(),
                "oci:" + out + ":stable", "docker://" + registry.reference(repositoryAndTag)));
        return Files.readString(digestFile).strip();
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static String put(Path layout, byte[] content) throws IOException {
        String digest = digest(content);
        Files.write(blob(layout, digest), content);
        return digest;
    }

    private static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> plus(List<String> a, String... more) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
