package dev.strata.state;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * Where the state file is: {@code --state} when given, else {@code $XDG_STATE_HOME/strata/state.db},
 * else {@code ~/.local/state/strata/state.db} (the XDG Base Directory default), and how it was chosen.
 */
public record StateLocation(Path file, Source source) {
    public enum Source { OVERRIDE, XDG_STATE_HOME, HOME }

    public StateLocation {
        file = file.toAbsolutePath().normalize();
    }

    public static StateLocation resolve(Optional<Path> override) {
        return resolve(override, System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static StateLocation resolve(Optional<Path> override, Map<String, String> env, Path home) {
        if (override.isPresent()) {
            return new StateLocation(override.get(), Source.OVERRIDE);
        }
        // The XDG spec says a relative value is invalid and must be ignored.
        String xdg = env.get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return new StateLocation(Path.of(xdg, "strata", "state.db"), Source.XDG_STATE_HOME);
        }
        return new StateLocation(home.resolve(".local/state/strata/state.db"), Source.HOME);
    }

    /** The file whose OS lock is the run lock. */
    public Path lockFile() {
        return lockFileOf(file);
    }

    static Path lockFileOf(Path stateFile) {
        return stateFile.resolveSibling(stateFile.getFileName() + ".lock");
    }

    /** Creates the missing parent folders, readable by the owner only (existing ones are left alone). */
    static void createParents(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || Files.isDirectory(parent)) {
            return;
        }
        createParents(parent);
        try {
            Files.createDirectory(parent, ownerOnly("rwx------"));
        } catch (FileAlreadyExistsException e) {
            // Another process made it first.
        }
    }

    /** Creates {@code file} empty and owner-only unless it exists. */
    static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, ownerOnly("rw-------"));
        } catch (FileAlreadyExistsException e) {
            // Exists already (perhaps created a moment ago by another process): keep it as it is.
        }
    }

    private static FileAttribute<?>[] ownerOnly(String permissions) {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))};
        }
        return new FileAttribute<?>[0];
    }
}
