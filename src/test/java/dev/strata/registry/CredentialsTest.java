package dev.strata.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialsTest {
    @TempDir
    Path tmp;

    private final Path home = Path.of("/home/u");

    @Test
    void podmanFilesComeBeforeDockersAsPodmanAndSkopeoReadThem() {
        Credentials c = Credentials.fromEnvironment(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), home);
        assertThat(c.files()).containsExactly(
                Path.of("/run/user/1000/containers/auth.json"),
                Path.of("/home/u/.config/containers/auth.json"),
                Path.of("/home/u/.docker/config.json"),
                Path.of("/home/u/.dockercfg"));
    }

    @Test
    void xdgConfigHomeAndDockerConfigMoveTheirFiles() {
        Credentials c = Credentials.fromEnvironment(Map.of("XDG_CONFIG_HOME", "/cfg", "DOCKER_CONFIG", "/dc"), home);
        assertThat(c.files()).containsExactly(Path.of("/cfg/containers/auth.json"), Path.of("/dc/config.json"),
                Path.of("/home/u/.dockercfg"));
    }

    @Test
    void registryAuthFileIsTheOnlyFileReadWhenSet() {
        Credentials c = Credentials.fromEnvironment(Map.of("REGISTRY_AUTH_FILE", "/secrets/auth.json",
                "DOCKER_CONFIG", "/dc"), home);
        assertThat(c.files()).containsExactly(Path.of("/secrets/auth.json"));
    }

    @Test
    void theFirstFileWithAnEntryForTheRegistryWins() throws Exception {
        Path podman = write("podman.json", "{\"auths\": {\"other.example\": {\"auth\": \"" + b64("x:y") + "\"}}}");
        Path docker = write("docker.json", "{\"auths\": {\"https://registry.example:5000\": {\"auth\": \""
                + b64("alice:pw-from-docker") + "\"}}}");
        Path later = write("later.json", "{\"auths\": {\"registry.example:5000\": {\"auth\": \"" + b64("bob:pw") + "\"}}}");
        Credentials.Found found = Credentials.fromFiles(java.util.List.of(tmp.resolve("missing.json"), podman, docker, later))
                .find("registry.example:5000").orElseThrow();
        assertThat(found.credential().getUsername()).isEqualTo("alice");
        assertThat(found.credential().getPassword()).isEqualTo("pw-from-docker");
        assertThat(found.file()).isEqualTo(docker);
        assertThat(found.toString()).doesNotContain("alice").doesNotContain("pw-from-docker");
    }

    @Test
    void noEntryMeansNoCredentials() throws Exception {
        Path docker = write("docker.json", "{\"auths\": {}}");
        assertThat(Credentials.fromFiles(java.util.List.of(docker)).find("registry.example")).isEmpty();
        assertThat(Credentials.none().find("registry.example")).isEmpty();
    }

    @Test
    void aBrokenAuthFileIsReportedByNameWithoutQuotingIt() throws Exception {
        Path broken = write("auth.json", "{\"auths\": {\"registry.example\": {\"auth\": \"c2VjcmV0 hunter2-token");
        assertThatThrownBy(() -> Credentials.fromFiles(java.util.List.of(broken)).find("registry.example"))
                .isInstanceOf(Credentials.CredentialsException.class)
                .hasMessageContaining(broken.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("c2VjcmV0"));
    }

    private Path write(String name, String json) throws Exception {
        return Files.writeString(tmp.resolve(name), json);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
