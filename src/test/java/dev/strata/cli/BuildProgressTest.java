package dev.strata.cli;

import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.StrataChild;
import dev.strata.testing.TestRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * strata build's progress as a terminal shows it ({@code --progress tty}) and as a log does, for builds into
 * a registry that wants a login: layers and bytes per image, and never the password.
 */
class BuildProgressTest {
    static final String PASSWORD = "pw-" + Long.toHexString(Double.doubleToLongBits(Math.random()));

    @RegisterExtension
    static final RegistryExtension LOCKED = RegistryExtension.withLogin("alice", PASSWORD);

    @TempDir
    Path tmp;

    @Test
    void aTerminalSeesLayersAndBytesPerImageAndNoCredential() throws Exception {
        TestRegistry r = LOCKED.registry();
        FcosLikeBase.of("43.20260201.3.0", Instant.parse("2026-02-01T08:00:00Z")).withPayload(2, 64 * 1024)
                .push(r, "fedora/fedora-coreos:stable");
        Path repo = tmp.resolve("repo");
        write(repo, "fleet.yaml", "apiVersion: strata.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec:\n  registry: "
                + r.reference("fleet") + "\n");
        write(repo, "streams/fcos.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Stream
                metadata: {name: fcos}
                spec: {image: quay.io/fedora/fedora-coreos, tag: stable}
                """);
        for (String name : List.of("one", "two")) {
            write(repo, "images/" + name + ".yaml", """
                    apiVersion: strata.dev/v1alpha1
                    kind: Image
                    metadata: {name: %s}
                    spec:
                      from: {stream: fcos}
                      layers: [{name: l, files: [{path: /etc/motd, content: "%s\\n"}]}]
                    """.formatted(name, name));
        }
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("T", "t@example.com", Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
            git.commit().setMessage("fleet").setAuthor(who).setCommitter(who).setSign(false).call();
        }
        Path home = tmp.resolve("home");
        r.writeDockerConfig(home.resolve(".docker"), "alice", PASSWORD);
        List<String> jvm = List.of("-Duser.home=" + home);
        String[] common = {"--repo", repo.toString(), "--mirror", "quay.io/fedora=" + r.reference("fedora"),
                "--insecure-registry", r.host()};

        StrataChild.Result tty = StrataChild.run(Duration.ofSeconds(120), jvm, concat(new String[]{"build", "--progress", "tty",
                "--state", tmp.resolve("state-1/state.db").toString()}, common));
        assertThat(tty.exitCode()).as(tty.out() + tty.err()).isZero();
        assertThat(tty.out()).contains("\033[?7l").contains("\033[J")
                .containsPattern("one +placing base \\d/3 layers")
                .containsPattern("base 3/3 layers · pushing blobs \\d/2, ")
                .containsPattern("\\+ one: " + r.reference("fleet/one") + "@sha256:[0-9a-f]{64} \\(\\d+\\.\\ds; 2 blobs, [0-9.]+ KiB pushed;"
                        + " 3 base layers in place\\)")
                .contains("Build: 2 built, 0 failed.");
        assertThat(tty.out() + tty.err()).doesNotContain(PASSWORD);

        StrataChild.Result plain = StrataChild.run(Duration.ofSeconds(120), jvm, concat(new String[]{"build", "--progress", "plain",
                "--state", tmp.resolve("state-2/state.db").toString(), "--registry", r.reference("again")}, common));
        assertThat(plain.exitCode()).as(plain.out() + plain.err()).isZero();
        assertThat(plain.out()).doesNotContain("\033[").contains("… one: building (new image)")
                .containsPattern("\\+ two: \\S+ \\(\\d+\\.\\ds; 2 blobs, [0-9.]+ KiB pushed; 3 base layers in place\\)");
        assertThat(plain.out() + plain.err()).doesNotContain(PASSWORD);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void write(Path dir, String path, String content) throws Exception {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
