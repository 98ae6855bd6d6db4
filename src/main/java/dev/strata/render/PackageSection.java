package dev.strata.render;

import dev.strata.plan.PackageDelta;
import dev.strata.plan.Packages;

import java.util.ArrayList;
import java.util.List;

/**
 * An image's package delta (its last build against the build of that image before it) in words, for
 * the text and Markdown previews and {@code strata status}: one summary line, then each package added
 * ({@code +}), removed ({@code -}) or given another version ({@code ~}, old -> new), up to a limit.
 */
public final class PackageSection {
    /** Packages listed per delta; a base-stream move can change hundreds, and the rest is counted. */
    static final int MAX_LISTED = 100;

    private PackageSection() {
    }

    /** "packages: 1 added, 0 removed, 1 changed version (sha256:aaaaaaaaaaaa -> sha256:bbbbbbbbbbbb)". */
    public static String summary(PackageDelta p) {
        Packages.Delta d = p.delta();
        String counts = d.added().size() + " added, " + d.removed().size() + " removed, " + d.changed().size() + " changed version";
        String between = p.previousDigest().map(prev -> " (" + shortDigest(prev) + " -> " + shortDigest(p.digest()) + ")")
                .orElse(" (first recorded list, " + shortDigest(p.digest()) + ")");
        return "packages: " + counts + between;
    }

    /** The summary, then one indented line per package ({@code + name version}, {@code ~ name old -> new}). */
    public static List<String> text(PackageDelta p) {
        List<String> out = new ArrayList<>();
        out.add("Image " + p.image() + " " + summary(p));
        lines(p).forEach(l -> out.add("  " + l));
        return out;
    }

    static void markdown(StringBuilder b, PackageDelta p) {
        b.append("**Packages** of the last build: ").append(Md.text(summary(p).substring("packages: ".length()))).append("\n\n");
        List<String> lines = lines(p);
        if (lines.isEmpty()) return;
        String fence = Md.fence(lines);
        b.append(fence).append("diff\n");
        lines.forEach(l -> b.append(PlanRenderer.clean(l).replaceFirst("^~", "!")).append('\n'));
        b.append(fence).append("\n\n");
    }

    private static List<String> lines(PackageDelta p) {
        List<String> all = new ArrayList<>();
        p.delta().added().forEach(x -> all.add("+ " + x));
        p.delta().removed().forEach(x -> all.add("- " + x));
        p.delta().changed().forEach(x -> all.add("~ " + x));
        if (all.size() <= MAX_LISTED) return all;
        List<String> out = new ArrayList<>(all.subList(0, MAX_LISTED));
        out.add("  and " + (all.size() - MAX_LISTED) + " more");
        return out;
    }

    private static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
    }
}
