package dev.strata.build;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a Containerfile runs programs of the image it builds. One that only copies files and sets
 * metadata can be built for any platform, since buildah does that itself; a RUN executes the platform's
 * own binaries, which a host of another architecture can only do through an emulator
 * ({@link HostPlatforms}). Conservative on purpose: any instruction not known to run nothing counts as
 * running something, so a Containerfile this reads wrongly is refused, never built wrongly.
 */
final class ContainerfileRuns {
    /** Instructions buildah carries out without executing anything inside the image. */
    private static final Set<String> RUN_NOTHING = Set.of("FROM", "ARG", "COPY", "ADD", "LABEL", "ENV", "WORKDIR",
            "CMD", "ENTRYPOINT", "EXPOSE", "USER", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER", "ONBUILD");

    /** An instruction: its first line (from 1) and its keyword, upper case. */
    record Instruction(int line, String keyword) {
    }

    private ContainerfileRuns() {
    }

    /** The first instruction that runs a program of the image (normally a RUN); empty when none does. */
    static Optional<Instruction> firstRunning(byte[] containerfile) {
        char escape = '\\';
        boolean directives = true;
        boolean continued = false;
        int n = 0;
        for (String raw : new String(containerfile, StandardCharsets.UTF_8).split("\r?\n", -1)) {
            n++;
            String line = raw.strip();
            if (directives && line.startsWith("#")) {
                // Parser directives sit above everything else; only escape= changes how lines are read.
                String d = line.substring(1).strip().toLowerCase(Locale.ROOT).replace(" ", "");
                if (d.startsWith("escape=") && d.length() == 8) escape = d.charAt(7);
                continue;
            }
            directives = false;
            if (line.isEmpty() || line.startsWith("#")) continue; // blank lines and comments, also inside a continuation
            boolean start = !continued;
            continued = line.charAt(line.length() - 1) == escape;
            if (!start) continue;
            String keyword = line.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
            if (!RUN_NOTHING.contains(keyword)) return Optional.of(new Instruction(n, keyword));
        }
        return Optional.empty();
    }
}
