package dev.strata.validate;

import dev.strata.diag.Diagnostic;
import dev.strata.source.FolderTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waves name machines by name or by id in any case, however many they name: a wave naming a few is
 * checked against the list, one naming many against a map, with the same outcome.
 */
class WaveChecksTest {
    @TempDir
    Path temp;

    @Test
    void wavesFindMachinesByNameOrIdInAnyCaseAndReportOnlyUnknownOnes() throws IOException {
        List<String> few = List.of("m-01", "0123456789ABCDEF0123456789ABCDEF", "nope");
        List<String> many = new ArrayList<>(few);
        for (int i = 2; i <= 10; i++) many.add(String.format("m-%02d", i));

        for (List<String> named : List.of(few, many)) {
            List<Diagnostic> ds = new Validator().validate(new FolderTree(fleet(named)), "").diagnostics();
            assertThat(ds).as("%d names", named.size()).singleElement().satisfies(d -> {
                assertThat(d.check()).isEqualTo("wave.unknown-machine");
                assertThat(d.path()).isEqualTo("spec.rollout.waves[0].machines[2]");
                assertThat(d.message()).isEqualTo("wave 'canary' names 'nope', which is not a machine of group 'site'");
            });
        }
    }

    private Path fleet(List<String> canary) throws IOException {
        Path repo = Files.createTempDirectory(temp, "fleet");
        Files.writeString(repo.resolve("fleet.yaml"), """
                apiVersion: strata.dev/v1alpha1
                kind: Fleet
                metadata: {name: fixture}
                spec: {}
                """);
        Files.writeString(repo.resolve("image.yaml"), """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: base}
                spec:
                  from: {ref: "quay.io/fedora/fedora-coreos@sha256:4605769f2d7a7f3e9e5c2b8d1a0f6e4c3b2a1908f7e6d5c4b3a29180f7e6d5c4"}
                """);
        StringBuilder group = new StringBuilder("""
                apiVersion: strata.dev/v1alpha1
                kind: MachineGroup
                metadata: {name: site}
                spec:
                  image: base
                  delivery: bootc
                  machines:
                """);
        group.append("    - {id: 0123456789abcdef0123456789abcdef, name: m-00}\n");
        for (int i = 1; i <= 10; i++) group.append(String.format("    - {id: f%031x, name: m-%02d}%n", i, i));
        group.append("  rollout:\n    waves:\n      - {name: canary, machines: [").append(String.join(", ", canary))
                .append("]}\n      - {name: rest, percent: 100}\n");
        Files.writeString(repo.resolve("group.yaml"), group);
        return repo;
    }
}
