package dev.strata.registry;

import dev.strata.spec.Fleet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MirrorsTest {
    private static Fleet.Mirror rule(String from, String to) {
        return new Fleet.Mirror(from, to);
    }

    @Test
    void aRepositoryNoRuleAppliesToIsPulledFromWhereItIs() {
        Mirrors mirrors = Mirrors.of(List.of(rule("quay.io/fedora", "mirror.local/fedora")), List.of());
        assertThat(mirrors.rewrite("ghcr.io/acme/os")).isEqualTo("ghcr.io/acme/os");
        assertThat(Mirrors.none().rewrite("quay.io/fedora/fedora-coreos")).isEqualTo("quay.io/fedora/fedora-coreos");
    }

    @Test
    void aRegistryRuleMovesEveryRepositoryOfThatRegistry() {
        Mirrors mirrors = Mirrors.of(List.of(rule("quay.io", "mirror.local:5000/quay")), List.of());
        assertThat(mirrors.rewrite("quay.io/fedora/fedora-coreos")).isEqualTo("mirror.local:5000/quay/fedora/fedora-coreos");
    }

    @Test
    void aPrefixAppliesOnlyAtAPathSegmentBoundary() {
        Mirrors mirrors = Mirrors.of(List.of(rule("quay.io/fedora", "mirror.local/f")), List.of());
        assertThat(mirrors.rewrite("quay.io/fedora")).isEqualTo("mirror.local/f");
        assertThat(mirrors.rewrite("quay.io/fedora/fedora-coreos")).isEqualTo("mirror.local/f/fedora-coreos");
        assertThat(mirrors.rewrite("quay.io/fedora-iot/os")).isEqualTo("quay.io/fedora-iot/os");
        assertThat(mirrors.rewrite("quay.iox/fedora/os")).isEqualTo("quay.iox/fedora/os");
    }

    @Test
    void theLongestMatchingPrefixWins() {
        Mirrors mirrors = Mirrors.of(List.of(
                rule("quay.io", "all.mirror"),
                rule("quay.io/fedora/fedora-coreos", "fcos.mirror/fcos"),
                rule("quay.io/fedora", "fedora.mirror")), List.of());
        assertThat(mirrors.rewrite("quay.io/fedora/fedora-coreos")).isEqualTo("fcos.mirror/fcos");
        assertThat(mirrors.rewrite("quay.io/fedora/fedora-bootc")).isEqualTo("fedora.mirror/fedora-bootc");
        assertThat(mirrors.rewrite("quay.io/centos/bootc")).isEqualTo("all.mirror/centos/bootc");
    }

    @Test
    void aRunRuleThatAppliesComesBeforeTheFleetsRules() {
        Mirrors mirrors = Mirrors.of(List.of(rule("quay.io/fedora/fedora-coreos", "fleet.mirror/fcos")),
                List.of(rule("quay.io", "run.mirror")));
        assertThat(mirrors.rewrite("quay.io/fedora/fedora-coreos")).isEqualTo("run.mirror/fedora/fedora-coreos");
        assertThat(Mirrors.of(List.of(rule("quay.io", "fleet.mirror")), List.of(rule("ghcr.io", "run.mirror")))
                .rewrite("quay.io/fedora/fedora-coreos")).isEqualTo("fleet.mirror/fedora/fedora-coreos");
    }

    @Test
    void registryHostsMatchWhateverTheirCaseAndTrailingSlashesDoNotMatter() {
        Mirrors mirrors = Mirrors.of(List.of(rule("Quay.IO/fedora/", "mirror.local/fedora/")), List.of());
        assertThat(mirrors.rewrite("quay.io/fedora/fedora-coreos")).isEqualTo("mirror.local/fedora/fedora-coreos");
        assertThat(mirrors.rewrite("quay.io/Fedora/fedora-coreos")).isEqualTo("quay.io/Fedora/fedora-coreos");
    }

    @Test
    void mirrorOptionsReadFromEqualsTo() {
        assertThat(Mirrors.parse("quay.io/fedora=127.0.0.1:5000/fedora"))
                .isEqualTo(rule("quay.io/fedora", "127.0.0.1:5000/fedora"));
        for (String bad : List.of("quay.io", "=x", "x=", "a=b=c")) {
            assertThatThrownBy(() -> Mirrors.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("FROM=TO");
        }
    }

    @Test
    void repositoriesAreReadAsContainerToolsReadThem() {
        assertThat(Repository.parse("quay.io/fedora/fedora-coreos"))
                .isEqualTo(new Repository("quay.io", "fedora/fedora-coreos"));
        assertThat(Repository.parse("127.0.0.1:5000/fcos").name()).isEqualTo("127.0.0.1:5000/fcos");
        assertThat(Repository.parse("fedora").name()).isEqualTo("docker.io/library/fedora");
        assertThat(Repository.parse("docker.io/library/fedora")).isEqualTo(Repository.parse("fedora"));
        assertThatThrownBy(() -> Repository.parse("quay.io/fedora/fedora-coreos:stable"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Repository.parse("Not A Repo")).isInstanceOf(IllegalArgumentException.class);
    }
}
