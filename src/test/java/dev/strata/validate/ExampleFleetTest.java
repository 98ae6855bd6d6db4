package dev.strata.validate;

import dev.strata.source.FolderTree;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.MachineGroup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** fleet-example/ is what users copy first: it must stay valid, warnings included. */
class ExampleFleetTest {
    /** The repository root; Surefire runs tests in the Maven basedir. */
    static final Path REPOSITORY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

    @Test
    void exampleFleetHasNoErrorsAndNoWarnings() throws IOException {
        Validation v = new Validator().validate(new FolderTree(REPOSITORY), "fleet-example");

        assertThat(v.diagnostics()).isEmpty();
        assertThat(v.valid()).isTrue();
        assertThat(v.stats().files()).isEqualTo(6);
        assertThat(v.stats().ignored()).isZero();
    }

    @Test
    void exampleFleetBindsEveryObject() throws IOException {
        FleetSpec fleet = new Validator().validate(new FolderTree(REPOSITORY), "fleet-example").fleet().orElseThrow();

        assertThat(fleet.fleet().name()).isEqualTo("example");
        assertThat(fleet.fleet().origin().file()).isEqualTo("fleet-example/fleet.yaml");
        assertThat(fleet.streams()).hasSize(1);
        assertThat(fleet.images()).hasSize(2);
        assertThat(fleet.groups()).hasSize(2);
        MachineGroup dcEast = fleet.group("dc-east").orElseThrow();
        assertThat(dcEast.machines()).hasSize(10);
        assertThat(dcEast.delivery()).isEqualTo(MachineGroup.Delivery.BOOTC);
        assertThat(dcEast.rollout().waves()).hasSize(3);
        assertThat(fleet.group("edge").orElseThrow().machines()).hasSize(4);
    }
}
