package dev.strata.serve;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The path every endpoint lives under, such as {@code /k3J9.../}: an unguessable segment is the one
 * credential a FleetLock client can carry, since Zincati sends none. Always starts and ends with
 * {@code /}; the root prefix is {@code /}.
 */
public record PathPrefix(String path) {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~-]+");

    public static final PathPrefix ROOT = new PathPrefix("/");

    public PathPrefix {
        if (!path.startsWith("/") || !path.endsWith("/")) throw new IllegalArgumentException("prefix must start and end with /: " + path);
    }

    /**
     * Parses what a user writes ({@code SECRET}, {@code /SECRET}, {@code /a/b/}); the slashes at the
     * ends are optional.
     *
     * @throws IllegalArgumentException naming the segment that is not plain URL characters
     */
    public static PathPrefix parse(String text) {
        String trimmed = text.strip().replaceAll("^/+|/+$", "");
        if (trimmed.isEmpty()) return ROOT;
        for (String segment : trimmed.split("/", -1)) {
            if (segment.isEmpty()) throw new IllegalArgumentException("'" + text + "' has an empty segment (//)");
            if (segment.equals(".") || segment.equals("..") || !SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("'" + text + "': segment '" + segment
                        + "' must use only letters, digits and . _ ~ - (and be neither . nor ..)");
            }
        }
        return new PathPrefix("/" + trimmed + "/");
    }

    /** The rest of {@code rawPath} below this prefix, starting with {@code /}; empty when it lies outside. */
    public Optional<String> strip(String rawPath) {
        if (!rawPath.startsWith(path)) return Optional.empty();
        return Optional.of(rawPath.substring(path.length() - 1));
    }

    public boolean isRoot() {
        return path.equals("/");
    }

    /** Never prints the prefix itself: it may be the secret that guards FleetLock. */
    @Override
    public String toString() {
        return isRoot() ? "/" : "/<prefix, " + (path.length() - 2) + " characters>/";
    }
}
