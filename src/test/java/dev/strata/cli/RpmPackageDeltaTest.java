package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.plan.Build;
import dev.strata.plan.Packages;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.OciImage;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.RpmBase;
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
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Package deltas on the RPM route, the one Fedora CoreOS takes: an RPM-based stand-in base (noarch RPMs built
 * here with rpmbuild, installed with rpm into a sqlite RPM database at /usr/share/rpm, /usr/lib/sysimage/rpm
 * linked to it, as on Fedora CoreOS; plus the busybox shell) in the real registry; an image with a
 * containerfile layer built on it by Strata with buildah; its package list read from the build with the
 * host's {@code rpm --root}. A second base with one package upgraded and one added shows as that delta in
 * {@code strata status}, as text and JSON.
 */
class RpmPackageDeltaTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static CliRun strata(String... args) {
        return CliRun.of(args);
    }

    @Test
    void theListComesFromTheRpmDatabaseAndANewBaseShowsItsUpgradeAndAdditionInStatus() throws Exception {
        TestRegistry r = REGISTRY.registry();
        Path rpms = tmp.resolve("rpms");
        Path greet1 = RpmBase.build(rpms, new RpmBase.Rpm("greet", 0, "1.0", "1"));
        Path greet2 = RpmBase.build(rpms, new RpmBase.Rpm("greet", 0, "2.0", "1"));
        Path hello = RpmBase.build(rpms, new RpmBase.Rpm("hello", 1, "1.0", "1"));
        String base1 = RpmBase.push(r, "rpmbase/fcos:43.1", "43.1", RpmBase.fcosRoot(tmp.resolve("root1"), List.of(greet1)));
        String base2 = RpmBase.push(r, "rpmbase/fcos:43.2", "43.2", RpmBase.fcosRoot(tmp.resolve("root2"), List.of(greet2, hello)));

        Path repo = tmp.resolve("repo"), state = tmp.resolve("work/state.db");
        write(repo, "fleet.yaml", "apiVersion: strata.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec:\n  registry: "
                + r.reference("rp") + "\n  insecureRegistries: [\"" + r.host() + "\"]\n");
        write(repo, "images/tools.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: tools}
                spec:
                  from: {stream: fcos}
                  layers:
                    - name: greeting
                      containerfile: {path: tools/Containerfile}
                """);
        write(repo, "images/tools/Containerfile", """
                ARG STRATA_BASE
                FROM ${STRATA_BASE}
                RUN cat /usr/share/greet/version > /etc/greet-version
                """);
        stream(repo, r, base1);
        commit(repo, "tools on 43.1", 0);
        String[] opts = {"--repo", repo.toString(), "--state", state.toString(), "--insecure-registry", r.host()};

        CliRun first = strata(plus(new String[]{"build"}, opts));
        assertThat(first.exit()).as("%s", first).isZero();
        assertThat(first.err()).as("%s", first).contains("tools: 1 packages (rpm)").doesNotContain("no package list recorded");
        Build v1 = latest(state);
        try (StateStore s = SqliteStateStore.open(state)) {
            assertThat(s.packages(v1.inputsDigest())).as("read from the RPM database, not the base's empty dpkg status")
                    .contains(new Packages("rpm", List.of(new Packages.Package("greet", "1.0-1", "noarch"))));
        }

        stream(repo, r, base2);
        commit(repo, "fcos 43.2: greet 2.0, and hello", 1);
        CliRun second = strata(plus(new String[]{"build"}, opts));
        assertThat(second.exit()).as("%s", second).isZero();
        assertThat(second.err()).as("%s", second).contains("tools: 2 packages (rpm)");
        Build v2 = latest(state);
        assertThat(v2.imageDigest()).isNotEqualTo(v1.imageDigest());
        try (StateStore s = SqliteStateStore.open(state)) {
            assertThat(s.packages(v2.inputsDigest())).contains(new Packages("rpm", List.of(
                    new Packages.Package("greet", "2.0-1", "noarch"), new Packages.Package("hello", "1:1.0-1", "noarch"))));
        }
        // The pushed image, as a user would check it: the containerfile layer ran on the new base's files.
        var files = OciImage.read(Skopeo.copyToOciDir(r, "rp/tools@" + v2.imageDigest(), tmp.resolve("oci"))).files();
        assertThat(files.get("etc/greet-version").text()).isEqualTo("2.0-1\n");
        assertThat(files.get("usr/share/hello/version").text()).isEqualTo("1:1.0-1\n");

        CliRun status = strata(plus(new String[]{"status"}, opts));
        assertThat(status.exit()).as("%s", status).isZero();
        assertThat(status.out()).contains("    packages: 1 added, 0 removed, 1 changed version ("
                + v1.imageDigest().substring(0, 19) + " -> " + v2.imageDigest().substring(0, 19) + ")\n"
                + "      + hello.noarch 1:1.0-1\n"
                + "      ~ greet.noarch 1.0-1 -> 2.0-1\n");
        CliRun json = strata(plus(new String[]{"status", "--format", "json"}, opts));
        assertThat(json.exit()).as("%s", json).isZero();
        JsonNode packages = JSON.readTree(json.out()).path("images").get(0).path("packages");
        assertThat(packages.path("previousDigest").asText()).isEqualTo(v1.imageDigest());
        assertThat(packages.path("digest").asText()).isEqualTo(v2.imageDigest());
        assertThat(JSON.writeValueAsString(packages.path("added")))
                .isEqualTo("[{\"name\":\"hello\",\"version\":\"1:1.0-1\",\"arch\":\"noarch\"}]");
        assertThat(JSON.writeValueAsString(packages.path("removed"))).isEqualTo("[]");
        assertThat(JSON.writeValueAsString(packages.path("changed")))
                .isEqualTo("[{\"name\":\"greet\",\"arch\":\"noarch\",\"from\":\"1.0-1\",\"to\":\"2.0-1\"}]");
    }

    private static void stream(Path repo, TestRegistry r, String digest) throws IOException {
        write(repo, "streams/fcos.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Stream
                metadata: {name: fcos}
                spec: {image: %s, tag: stable, pin: "%s"}
                """.formatted(r.reference("rpmbase/fcos"), digest));
    }

    private static Build latest(Path state) {
        try (StateStore s = SqliteStateStore.open(state)) {
            return s.builds().values().stream().filter(b -> b.image().equals("tools"))
                    .max(Comparator.comparing(Build::builtAt)).orElseThrow();
        }
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
