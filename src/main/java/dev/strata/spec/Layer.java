package dev.strata.spec;

import java.util.List;
import java.util.Optional;

/** One layer of an image, built in order: files, directories, systemd unit states, kernel arguments. */
public record Layer(String name, List<FileEntry> files, List<DirectoryEntry> directories, SystemdUnits systemd,
                    List<String> kernelArguments) {
    public Layer {
        files = List.copyOf(files);
        directories = List.copyOf(directories);
        systemd = systemd == null ? SystemdUnits.NONE : systemd;
        kernelArguments = List.copyOf(kernelArguments);
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
