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
        assertThat(v.stats().files()).isEqualTo(8);
        assertThat(v.stats().ignored()).isZero();
    }

    @Test
    void exampleFleetBindsEveryObject() throws IOException {
        FleetSpec fleet = new Validator().validate(new FolderTree(REPOSITORY), "fleet-example").fleet().orElseThrow();

        assertThat(fleet.fleet().name()).isEqualTo("example");
        assertThat(fleet.fleet().origin().file()).isEqualTo("fleet-example/fleet.yaml");
        assertThat(fleet.streams()).hasSize(1);
        assertThat(fleet.images()).extracting(dev.strata.spec.Image::name).containsExactlyInAnyOrder("dc-bonded", "dc-kmod", "edge", "edge-wifi");
        // The containerfile examples: in the fleet, built by Strata, but run by no group yet.
        assertThat(fleet.groups()).extracting(MachineGroup::image).containsExactlyInAnyOrder("dc-bonded", "edge");
        assertThat(fleet.image("edge-wifi").orElseThrow().layers()).extracting(dev.strata.spec.Layer::name)
                .containsExactly("motd", "wifi", "config");
        assertThat(fleet.image("edge-wifi").orElseThrow().layers().get(1).containerfile().orElseThrow().args())
                .containsEntry("PACKAGE_REPO", "http://127.0.0.1:8089");
        assertThat(fleet.groups()).hasSize(2);
        MachineGroup dcEast = fleet.group("dc-east").orElseThrow();
        assertThat(dcEast.machines()).hasSize(10);
        assertThat(dcEast.delivery()).isEqualTo(MachineGroup.Delivery.BOOTC);
        assertThat(dcEast.rollout().waves()).hasSize(3);
        assertThat(fleet.group("edge").orElseThrow().machines()).hasSize(4);
    }
}
