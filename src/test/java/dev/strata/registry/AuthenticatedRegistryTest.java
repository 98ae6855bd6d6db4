package dev.strata.registry;

import dev.strata.registry.Resolution.Failed;
import dev.strata.registry.Resolution.Reason;
import dev.strata.registry.Resolution.Resolved;
import dev.strata.registry.StreamResolver.Options;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.strata.registry.Specs.followed;
import static dev.strata.registry.Specs.insecure;
import static org.assertj.core.api.Assertions.assertThat;

/** A registry that wants a login (htpasswd, basic auth), with credentials from docker and podman auth files. */
class AuthenticatedRegistryTest {
    private static final String PASSWORD = "s3cret-Pa55word";
    private static final String WRONG = "wr0ng-Pa55word";

    @RegisterExtension
    static final RegistryExtension REGISTRY = RegistryExtension.withLogin("alice", PASSWORD);

    private static String pushed;

    @TempDir
    Path home;

    @BeforeAll
    static void pushAnImage() throws Exception {
        pushed = REGISTRY.registry().push("private/fcos:stable", "private");
    }

    private TestRegistry registry() {
        return REGISTRY.registry();
    }

    private Resolution resolveWith(Credentials credentials) {
        return new RegistryStreamResolver(credentials, Retry.immediate(2))
                .resolve(List.of(followed("fcos", registry().reference("private/fcos"), "stable")),
                        insecure(registry().host()), Options.online())
                .get("fcos").orElseThrow();
    }

    @Test
    void credentialsFromADockerConfigResolveTheDigestSkopeoReports() throws Exception {
        registry().writeDockerConfig(home.resolve("docker"), "alice", PASSWORD);
        Credentials credentials = Credentials.fromEnvironment(Map.of("DOCKER_CONFIG", home.resolve("docker").toString()), home);
        assertThat(resolveWith(credentials)).isInstanceOfSatisfying(Resolved.class,
                ok -> assertThat(ok.resolution().digest()).isEqualTo(pushed));
        assertThat(pushed).isEqualTo(Skopeo.digest(registry(), "private/fcos:stable"));
    }

    @Test
    void credentialsFromTheDefaultDockerConfigInHomeAreFound() throws Exception {
        registry().writeDockerConfig(home.resolve(".docker"), "alice", PASSWORD);
        assertThat(resolveWith(Credentials.fromEnvironment(Map.of(), home))).isInstanceOf(Resolved.class);
    }

    @Test
    void credentialsFromPodmansAuthFileAreFound() throws Exception {
        Path runtime = home.resolve("run");
        Path written = registry().writeDockerConfig(runtime.resolve("containers"), "alice", PASSWORD);
        Files.move(written, runtime.resolve("containers/auth.json"));
        assertThat(resolveWith(Credentials.fromEnvironment(Map.of("XDG_RUNTIME_DIR", runtime.toString()), home)))
                .isInstanceOf(Resolved.class);
    }

    @Test
    void podmansAuthFileComesBeforeDockersConfig() throws Exception {
        Path written = registry().writeDockerConfig(home.resolve(".config/containers"), "alice", PASSWORD);
        Files.move(written, home.resolve(".config/containers/auth.json"));
        registry().writeDockerConfig(home.resolve(".docker"), "alice", WRONG);
        assertThat(resolveWith(Credentials.fromEnvironment(Map.of(), home))).isInstanceOf(Resolved.class);
    }

    @Test
    void registryAuthFileIsTheOnlyFileReadWhenSet() throws Exception {
        Path authFile = registry().writeDockerConfig(home.resolve("elsewhere"), "alice", WRONG);
        registry().writeDockerConfig(home.resolve(".docker"), "alice", PASSWORD);
        assertThat(resolveWith(Credentials.fromEnvironment(Map.of("REGISTRY_AUTH_FILE", authFile.toString()), home)))
                .isInstanceOfSatisfying(Failed.class, f -> assertThat(f.message()).contains(authFile.toString()));
    }

    @Test
    void wrongCredentialsFailNamingRegistryRepositoryAndFileButNotThePassword() throws Exception {
        Path config = registry().writeDockerConfig(home.resolve("docker"), "alice", WRONG);
        Failed f = (Failed) resolveWith(Credentials.fromFiles(List.of(config)));
        assertThat(f.reason()).isEqualTo(Reason.UNAUTHORIZED);
        assertThat(f.message()).contains("registry " + registry().host(), "repository private/fcos", config.toString(),
                "docker login " + registry().host());
        assertThat(f.toString()).doesNotContain(WRONG).doesNotContain(PASSWORD);
    }

    @Test
    void noCredentialsFailSayingWhereTheyWereLookedFor() {
        Credentials credentials = Credentials.fromEnvironment(Map.of(), home);
        Failed f = (Failed) resolveWith(credentials);
        assertThat(f.reason()).isEqualTo(Reason.UNAUTHORIZED);
        assertThat(f.message()).contains("refused anonymous access", "repository private/fcos",
                home.resolve(".docker/config.json").toString(), "podman login " + registry().host());
    }
}
