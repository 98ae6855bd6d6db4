package dev.strata.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One layer of an image, built in order: either files, directories, systemd unit states and kernel
 * arguments (written by Strata), or a {@code containerfile} step (built by buildah); validation rejects
 * a layer that has both.
 */
public record Layer(String name, List<FileEntry> files, List<DirectoryEntry> directories, SystemdUnits systemd,
                    List<String> kernelArguments, Optional<Containerfile> containerfile) {
    public Layer {
        files = List.copyOf(files);
        directories = List.copyOf(directories);
        systemd = systemd == null ? SystemdUnits.NONE : systemd;
        kernelArguments = List.copyOf(kernelArguments);
        containerfile = containerfile == null ? Optional.empty() : containerfile;
    }

    /** A layer of files, folders, units and kernel arguments. */
    public Layer(String name, List<FileEntry> files, List<DirectoryEntry> directories, SystemdUnits systemd,
                 List<String> kernelArguments) {
        this(name, files, directories, systemd, kernelArguments, Optional.empty());
    }

    /** Whether Strata writes anything itself in this layer (files, folders, units, kernel arguments). */
    public boolean hasFileContent() {
        return !files.isEmpty() || !directories.isEmpty() || !systemd.isEmpty() || !kernelArguments.isEmpty();
    }

    /**
     * A Containerfile built on top of the layers before it. {@code path} and {@code context} are relative
     * to the YAML file that names them; an empty context means the Containerfile's folder. {@code args}
     * are build arguments, sorted by name.
     */
    public record Containerfile(String path, Optional<String> context, Map<String, String> args) {
        public Containerfile {
            context = context == null ? Optional.empty() : context;
            args = Maps.sortedCopy(args);
        }
    }

    /**
     * A file placed in the image. Exactly one of {@code source} (a path relative to the YAML file that
     * names it) or {@code content}. {@code secret} keeps its content out of every output, like any
     * file that is not world-readable.
     */
    public record FileEntry(String path, Optional<String> source, Optional<String> content, int mode, String owner,
                            boolean secret) {
        public static final int DEFAULT_MODE = 0644;

        /** Shown only as "changed": secret, or not readable by others (keyfiles at 0600 often hold secrets). */
        public boolean hidden() {
            return secret || (mode & 0004) == 0;
        }
    }

    public record DirectoryEntry(String path, int mode, String owner) {
        public static final int DEFAULT_MODE = 0755;
    }

    public record SystemdUnits(List<String> enable, List<String> disable, List<String> mask) {
        public static final SystemdUnits NONE = new SystemdUnits(List.of(), List.of(), List.of());

        public SystemdUnits {
            enable = List.copyOf(enable);
            disable = List.copyOf(disable);
            mask = List.copyOf(mask);
        }

        public boolean isEmpty() {
            return enable.isEmpty() && disable.isEmpty() && mask.isEmpty();
        }
    }
}
