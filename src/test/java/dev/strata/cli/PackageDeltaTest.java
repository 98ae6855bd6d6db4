package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.plan.Build;
import dev.strata.plan.Packages;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.ShellBase;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Package deltas end to end: two versions of a packages image (Debian packages made here with dpkg-deb,
 * installed by the base's dpkg in a containerfile layer) built by buildah against the real registry; the
 * package list of each build is recorded with it, and the second build's delta (one package added, one
 * upgraded) shows in {@code strata status} and in the next preview, as text, Markdown and JSON. An image
 * with no containerfile layer records no list: its packages are its base's.
 */
class PackageDeltaTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static CliRun strata(String... args) {
        return CliRun.of(args);
    }

    @Test
    void aSecondBuildShowsThePackagesAddedAndUpgradedInStatusAndPreview() throws Exception {
        TestRegistry r = REGISTRY.registry();
        String base = ShellBase.push(r, "pkgbase/fcos:stable", "43.1");
        Path repo = tmp.resolve("repo"), state = tmp.resolve("work/state.db");
        write(repo, "fleet.yaml", "apiVersion: strata.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec:\n  registry: "
                + r.reference("pk") + "\n  insecureRegistries: [\"" + r.host() + "\"]\n");
        write(repo, "streams/fcos.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Stream
                metadata: {name: fcos}
                spec: {image: %s, tag: stable, pin: "%s"}
                """.formatted(r.reference("pkgbase/fcos"), base));
        write(repo, "images/tools.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: tools}
                spec:
                  from: {stream: fcos}
                  layers:
                    - name: packages
                      containerfile: {path: tools/Containerfile}
                """);
        write(repo, "images/plain.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: plain}
                spec:
                  from: {stream: fcos}
                  layers:
                    - name: files
                      files: [{path: /etc/plain, content: "plain\\n"}]
                """);
        write(repo, "images/tools/Containerfile", """
                ARG STRATA_BASE
                FROM ${STRATA_BASE}
                COPY debs/ /tmp/debs/
                RUN dpkg -i /tmp/debs/*.deb && rm -rf /tmp/debs
                """);
        deb(repo.resolve("images/tools/debs"), "greet", "1.0-1");
        commit(repo, "tools with greet 1.0", 0);
        String[] opts = {"--repo", repo.toString(), "--state", state.toString(), "--insecure-registry", r.host()};

        CliRun first = strata(plus(new String[]{"build"}, opts));
        assertThat(first.exit()).as("%s", first).isZero();
        Build v1 = latest(state, "tools");
        try (StateStore s = SqliteStateStore.open(state)) {
            assertThat(s.packages(v1.inputsDigest())).as("recorded with the build")
                    .contains(new Packages("dpkg", List.of(new Packages.Package("greet", "1.0-1", "all"))));
            assertThat(s.packages(latest(state, "plain").inputsDigest())).as("no containerfile layer: the base's packages").isEmpty();
        }

        Files.delete(repo.resolve("images/tools/debs/greet_1.0-1_all.deb"));
        deb(repo.resolve("images/tools/debs"), "greet", "2.0-1");
        deb(repo.resolve("images/tools/debs"), "hello", "1.0-1");
        commit(repo, "tools: greet 2.0, and hello", 1);
        CliRun second = strata(plus(new String[]{"build"}, opts));
        assertThat(second.exit()).as("%s", second).isZero();
        Build v2 = latest(state, "tools");
        assertThat(v2.imageDigest()).isNotEqualTo(v1.imageDigest());
        // The pushed image, as a user would check it: its dpkg database says what the recorded list says.
        var files = dev.strata.testing.OciImage.read(Skopeo.copyToOciDir(r, "pk/tools@" + v2.imageDigest(), tmp.resolve("oci"))).files();
        assertThat(files.get("var/lib/dpkg/status").text()).contains("Package: greet\nVersion: 2.0-1\n",
                "Package: hello");
        assertThat(files.get("usr/share/hello/version").text()).isEqualTo("1.0-1\n");

        CliRun status = strata(plus(new String[]{"status"}, opts));
        assertThat(status.exit()).as("%s", status).isZero();
        assertThat(status.out()).contains("    packages: 1 added, 0 removed, 1 changed version ("
                        + v1.imageDigest().substring(0, 19) + " -> " + v2.imageDigest().substring(0, 19) + ")\n"
                        + "      + hello.all 1.0-1\n"
                        + "      ~ greet.all 1.0-1 -> 2.0-1\n");
        JsonNode statusJson = JSON.readTree(strata(plus(new String[]{"status", "--format", "json"}, opts)).out());
        JsonNode tools = statusJson.path("images").get(1);
        assertThat(tools.path("image").asText()).isEqualTo("tools");
        assertThat(tools.path("packages").path("previousDigest").asText()).isEqualTo(v1.imageDigest());
        assertThat(tools.path("packages").path("added").get(0).path("name").asText()).isEqualTo("hello");
        assertThat(tools.path("packages").path("changed").get(0).path("to").asText()).isEqualTo("2.0-1");
        assertThat(statusJson.path("images").get(0).has("packages")).as("plain").isFalse();

        String[] preview = plus(new String[]{"plan", "--base", "HEAD~1", "--head", "HEAD"}, opts);
        CliRun md = strata(plus(preview, "--format", "markdown"));
        assertThat(md.exit()).as("%s", md).isZero();
        assertThat(md.out()).contains("<summary>= tools (no changes)</summary>",
                "**Packages** of the last build: 1 added, 0 removed, 1 changed version (",
                "```diff\n+ hello.all 1.0-1\n! greet.all 1.0-1 -> 2.0-1\n```");
        JsonNode planJson = JSON.readTree(strata(plus(preview, "--format", "json")).out());
        JsonNode delta = planJson.path("preview").path("packages").get(0);
        assertThat(delta.path("image").asText()).isEqualTo("tools");
        assertThat(delta.path("digest").asText()).isEqualTo(v2.imageDigest());
        assertThat(JSON.writeValueAsString(delta.path("changed")))
                .isEqualTo("[{\"name\":\"greet\",\"arch\":\"all\",\"from\":\"1.0-1\",\"to\":\"2.0-1\"}]");
    }

    private static Build latest(Path state, String image) {
        try (StateStore s = SqliteStateStore.open(state)) {
            return s.builds().values().stream().filter(b -> b.image().equals(image))
                    .max(java.util.Comparator.comparing(Build::builtAt)).orElseThrow();
        }
    }

    /** A real Debian package NAME_VERSION_all.deb in {@code dir}, made with the host's dpkg-deb. */
    private void deb(Path dir, String name, String version) throws IOException, InterruptedException {
        Path root = tmp.resolve("deb-" + name + "-" + version);
        write(root, "DEBIAN/control", "Package: " + name + "\nVersion: " + version + "\nArchitecture: all\n"
                + "Maintainer: Strata tests <tests@localhost>\nDescription: test package " + name + "\n");
        write(root, "usr/share/" + name + "/version", version + "\n");
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", root.toString(),
                dir.resolve(name + "_" + version + "_all.deb").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    private static void write(Path dir, String path, String content) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private static void commit(Path dir, String message, int n) throws Exception {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.add().addFilepattern(".").setUpdate(true).call();
            PersonIdent who = new PersonIdent("t", "t@localhost", Instant.parse("2026-04-01T10:00:00Z").plusSeconds(60L * n), ZoneOffset.UTC);
            git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
        }
    }

    private static String[] plus(String[] a, String... more) {
        String[] out = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, out, a.length, more.length);
        return out;
    }
}
