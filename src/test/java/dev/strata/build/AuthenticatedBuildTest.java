package dev.strata.build;

import dev.strata.plan.Action;
import dev.strata.plan.Desired;
import dev.strata.reconcile.Applier;
import dev.strata.registry.Credentials;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds pushed to a registry that wants a login (htpasswd), with the credentials a user's
 * {@code docker login} left in a config.json; the base lives in the same registry. Run through the
 * Applier with a real state store, as {@code strata build} does, to check what is recorded.
 */
class AuthenticatedBuildTest {
    static final String PASSWORD = "pw-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    static final String WRONG = "wrong-" + Long.toHexString(Double.doubleToLongBits(Math.random()));

    @RegisterExtension
    static final RegistryExtension LOCKED = RegistryExtension.withLogin("alice", PASSWORD);

    static final Instant COMMIT = Instant.parse("2026-03-01T10:00:00Z");
    static String baseDigest;

    @TempDir
    Path tmp;

    @BeforeAll
    static void pushBase() throws Exception {
        baseDigest = FcosLikeBase.of("43.20260201.3.0", Instant.parse("2026-02-01T08:00:00Z"))
                .push(LOCKED.registry(), "fedora/fedora-coreos:stable");
    }

    private BuildFixture fleet() throws Exception {
        BuildFixture f = new BuildFixture(tmp.resolve("repo"), LOCKED.registry()).fleet("fleet", "fedora/fedora-coreos", baseDigest);
        f.write("images/dc.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: dc}
                spec:
                  from: {stream: fcos}
                  layers: [{name: l, files: [{path: /etc/motd, content: "locked\\n"}]}]
                """);
        return f;
    }

    /** Runs the BUILD action of dc through the Applier into a fresh state file. */
    private Applier.Outcome apply(BuildFixture f, Credentials credentials, Path state) throws Exception {
        Desired desired = f.desired("rev-1");
        JibImageBuilder builder = f.builder(COMMIT, tmp.resolve("work"), Optional.empty(), credentials, List.of());
        var action = new Action.BuildImage("dc", desired.inputs().get("dc").digest(), Action.BuildCause.NEW_IMAGE, List.of(), "test");
        try (StateStore store = SqliteStateStore.open(state)) {
            return new Applier(store, Optional.of(builder::build)).applyBuilds(List.of(action), desired, COMMIT,
                    Applier.BuildListener.NONE);
        }
    }

    private static int recordedBuilds(Path state) {
        try (StateStore store = SqliteStateStore.open(state)) {
            return store.builds().size();
        }
    }

    @Test
    void pushesWithTheCredentialsOfADockerConfigFolder() throws Exception {
        TestRegistry r = LOCKED.registry();
        Path home = tmp.resolve("home");
        r.writeDockerConfig(home.resolve("docker"), "alice", PASSWORD);
        Credentials credentials = Credentials.fromEnvironment(Map.of("DOCKER_CONFIG", home.resolve("docker").toString()), home);
        BuildFixture f = fleet();
        Path state = tmp.resolve("state.db");

        Applier.Outcome o = apply(f, credentials, state);

        assertThat(o.failed()).isEmpty();
        assertThat(String.join("\n", f.log)).doesNotContain(PASSWORD);
        String tag = Labels.inputsTag(f.desired("rev-1").inputs().get("dc").digest());
        assertThat(Skopeo.labels(r, "fleet/dc:" + tag)).containsEntry("dev.strata.image", "dc")
                .containsEntry("org.opencontainers.image.base.digest", baseDigest);
        try (StateStore store = SqliteStateStore.open(state)) {
            var build = store.builds().values().iterator().next();
            assertThat(build.imageDigest()).isEqualTo(Skopeo.digest(r, "fleet/dc:" + tag));
        }
    }

    @Test
    void aWrongPasswordFailsTheImageNamingRegistryAndRepositoryAndRecordsNothing() throws Exception {
        TestRegistry r = LOCKED.registry();
        Path home = tmp.resolve("home");
        r.writeDockerConfig(home.resolve(".docker"), "alice", WRONG); // ~/.docker/config.json
        BuildFixture f = fleet();
        Path state = tmp.resolve("state.db");

        Applier.Outcome o = apply(f, Credentials.fromEnvironment(Map.of(), home), state);

        assertThat(o.applied()).isEmpty();
        assertThat(o.failed()).singleElement().asString()
                .startsWith("+ dc: build failed:").contains("registry " + r.host()).contains("repository fleet/dc")
                .contains("HTTP 401").contains(home.resolve(".docker/config.json").toString())
                .doesNotContain(WRONG).doesNotContain(PASSWORD);
        assertThat(String.join("\n", f.log)).doesNotContain(WRONG);
        assertThat(recordedBuilds(state)).as("builds recorded").isZero();
    }

    @Test
    void noCredentialsAtAllFailsTheImageTheSameWay() throws Exception {
        TestRegistry r = LOCKED.registry();
        BuildFixture f = fleet();
        Path state = tmp.resolve("state.db");

        Applier.Outcome o = apply(f, Credentials.fromEnvironment(Map.of(), tmp.resolve("empty-home")), state);

        assertThat(o.failed()).singleElement().asString().contains(r.host()).contains("fleet/dc");
        assertThat(recordedBuilds(state)).isZero();
    }
}
