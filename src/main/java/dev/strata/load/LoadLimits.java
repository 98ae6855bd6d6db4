package dev.strata.load;

/**
 * Bounds on what one spec file may cost to read, so a hostile or broken file (a YAML bomb, a huge
 * file, absurd nesting) is refused with a clear error in bounded memory and time.
 *
 * @param maxFileBytes  size of one spec file
 * @param maxAliases    aliases to collections per file (billion-laughs defence)
 * @param maxDepth      nesting of collections
 * @param maxNodes      values in one document after aliases are expanded
 */
public record LoadLimits(long maxFileBytes, int maxAliases, int maxDepth, int maxNodes) {
    public static final LoadLimits DEFAULT = new LoadLimits(8L << 20, 50, 64, 2_000_000);
}
