package dev.strata.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StateLocationTest {
    @TempDir
    Path dir;

    @Test
    void anOverrideWins() {
        StateLocation at = StateLocation.resolve(Optional.of(Path.of("/srv/strata/fleet.db")),
                Map.of("XDG_STATE_HOME", "/xdg"), Path.of("/home/ops"));
        assertThat(at).isEqualTo(new StateLocation(Path.of("/srv/strata/fleet.db"), StateLocation.Source.OVERRIDE));
        assertThat(at.lockFile()).isEqualTo(Path.of("/srv/strata/fleet.db.lock"));
    }

    @Test
    void xdgStateHomeComesNext() {
        assertThat(StateLocation.resolve(Optional.empty(), Map.of("XDG_STATE_HOME", "/xdg"), Path.of("/home/ops")))
                .isEqualTo(new StateLocation(Path.of("/xdg/strata/state.db"), StateLocation.Source.XDG_STATE_HOME));
    }

    @Test
    void elseTheHomeFolderAsXdgDefaultsIt() {
        StateLocation expected = new StateLocation(Path.of("/home/ops/.local/state/strata/state.db"),
                StateLocation.Source.HOME);
        assertThat(StateLocation.resolve(Optional.empty(), Map.of(), Path.of("/home/ops"))).isEqualTo(expected);
        assertThat(StateLocation.resolve(Optional.empty(), Map.of("XDG_STATE_HOME", ""), Path.of("/home/ops")))
                .isEqualTo(expected);
        assertThat(StateLocation.resolve(Optional.empty(), Map.of("XDG_STATE_HOME", "relative/state"), Path.of("/home/ops")))
                .as("a relative XDG_STATE_HOME is ignored, as the XDG spec says").isEqualTo(expected);
    }

    @Test
    void aRelativeOverrideIsMadeAbsolute() {
        assertThat(StateLocation.resolve(Optional.of(Path.of("state.db"))).file().isAbsolute()).isTrue();
    }

    @Test
    void openingCreatesOwnerOnlyFoldersAndFile() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path file = home.resolve(".local/state/strata/state.db");
        SqliteStateStore.open(file).close();

        assertThat(permissions(home.resolve(".local"))).isEqualTo("rwx------");
        assertThat(permissions(home.resolve(".local/state/strata"))).isEqualTo("rwx------");
        assertThat(permissions(file)).isEqualTo("rw-------");
        assertThat(permissions(home)).as("existing folders are left alone").isEqualTo("rwxr-xr-x");
    }

    private static String permissions(Path path) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
