package dev.strata.cli;

import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.TestRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same inputs at the same commit give the same digest: two separate JVMs that differ in TMPDIR,
 * umask, time zone and locale build into two repositories, and both get the digest committed here.
 */
class ReproducibleBuildTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();

    /** What any machine builds for the fleet below; change it only with a new image layout version. */
    static final String EXPECTED = "sha256:3486d45f4db867c0b03ecac847c5afad67093e85d58e52f6c3b3cda4708a07e3";

    @TempDir
    Path tmp;

    @Test
    void twoJvmsWithDifferentEnvironmentsBuildTheCommittedDigest() throws Exception {
        TestRegistry r = REGISTRY.registry();
        FcosLikeBase.of("43.20260201.3.0", Instant.parse("2026-02-01T08:00:00Z")).push(r, "fedora/fedora-coreos:stable");
        Path repo = tmp.resolve("repo");
        write(repo, "fleet.yaml", "apiVersion: strata.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec: {}\n");
        write(repo, "streams/fcos.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Stream
                metadata: {name: fcos}
                spec: {image: quay.io/fedora/fedora-coreos, tag: stable}
                """);
        write(repo, "images/files/keyfile", "[connection]\nid=bond0\n");
        write(repo, "images/dc.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: dc}
                spec:
                  from: {stream: fcos}
                  layers:
                    - name: config
                      files:
                        - {path: /etc/NetworkManager/system-connections/bond0.nmconnection, source: files/keyfile, mode: "0600"}
                        - {path: /etc/chrony.d/dc.conf, content: "server ntp1 iburst\\n"}
                      directories: [{path: /etc/node-exporter, mode: "0750"}]
                      systemd: {enable: [fstrim.timer], mask: [systemd-resolved.service]}
                      kernelArguments: ["console=ttyS0"]
                """);
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("T", "t@example.com", Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
            git.commit().setMessage("fleet").setAuthor(who).setCommitter(who).setSign(false).call();
        }
        String a = build(repo, r, "jvm-a", "022", "UTC", "C.UTF-8", "en");
        String b = build(repo, r, "jvm-b", "077", "Pacific/Chatham", "tr_TR.UTF-8", "tr");
        assertThat(b).isEqualTo(a);
        assertThat(a).isEqualTo(EXPECTED);
    }

    private String build(Path repo, TestRegistry r, String name, String umask, String tz, String locale, String language)
            throws Exception {
        Path tmpdir = Files.createDirectories(tmp.resolve("tmp-" + name));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "umask " + umask + " && exec '" + java + "' -Djava.io.tmpdir='" + tmpdir + "' -Duser.language="
                + language + " -cp '" + System.getProperty("java.class.path") + "' dev.strata.cli.Main build"
                + " --repo '" + repo + "' --state '" + tmp.resolve("state-" + name + "/state.db") + "'"
                + " --registry " + r.reference(name) + " --insecure-registry " + r.host()
                + " --mirror quay.io/fedora=" + r.reference("fedora");
        ProcessBuilder pb = new ProcessBuilder(List.of("sh", "-c", command)).redirectErrorStream(true);
        pb.environment().put("TMPDIR", tmpdir.toString());
        pb.environment().put("TZ", tz);
        pb.environment().put("LC_ALL", locale);
        pb.environment().put("LANG", locale);
        pb.environment().put("HOME", Files.createDirectories(tmp.resolve("home-" + name)).toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Matcher m = Pattern.compile("\\+ dc: \\S+@(sha256:[0-9a-f]{64})").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    private static void write(Path dir, String path, String content) throws Exception {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
