package dev.strata.serve;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathPrefixTest {
    @Test
    void slashesAtTheEndsAreOptional() {
        assertThat(PathPrefix.parse("k3J9x").path()).isEqualTo("/k3J9x/");
        assertThat(PathPrefix.parse("/k3J9x/").path()).isEqualTo("/k3J9x/");
        assertThat(PathPrefix.parse("/a/b").path()).isEqualTo("/a/b/");
        assertThat(PathPrefix.parse("").isRoot()).isTrue();
        assertThat(PathPrefix.parse("/").isRoot()).isTrue();
    }

    @Test
    void stripsOnlyWholeSegments() {
        PathPrefix p = PathPrefix.parse("/s3cret/");
        assertThat(p.strip("/s3cret/v1/pre-reboot")).contains("/v1/pre-reboot");
        assertThat(p.strip("/s3cret")).isEmpty();
        assertThat(p.strip("/s3cretX/v1/pre-reboot")).isEmpty();
        assertThat(p.strip("/v1/pre-reboot")).isEmpty();
        assertThat(PathPrefix.ROOT.strip("/v1/pre-reboot")).isEqualTo(Optional.of("/v1/pre-reboot"));
    }

    @Test
    void refusesWhatAUrlWouldMangle() {
        assertThatThrownBy(() -> PathPrefix.parse("/a//b/")).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> PathPrefix.parse("/../x")).hasMessageContaining("segment '..'");
        assertThatThrownBy(() -> PathPrefix.parse("/a b/")).hasMessageContaining("segment 'a b'");
        assertThatThrownBy(() -> PathPrefix.parse("/%2e/")).hasMessageContaining("letters, digits");
    }

    @Test
    void neverPrintsTheSecret() {
        assertThat(PathPrefix.parse("/s3cretS3cret/").toString()).doesNotContain("s3cret").contains("12 characters");
    }
}
