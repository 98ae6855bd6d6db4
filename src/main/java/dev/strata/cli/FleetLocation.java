package dev.strata.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fleet folder on disk, seen from its repository: the enclosing Git work tree when there is one
 * (so sources may be anywhere in the repository), else the folder itself.
 */
record FleetLocation(Path repositoryRoot, String folder, String display) {

    static FleetLocation of(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        for (Path p = abs; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                String rel = p.relativize(abs).toString().replace('\\', '/');
                return new FleetLocation(p, rel, path.toString());
            }
        }
        return new FleetLocation(abs, "", path.toString());
    }
}
