package dev.strata.registry;

import dev.strata.spec.Fleet;

import java.util.List;
import java.util.Optional;

/**
 * Where a repository is pulled from. A rule's {@code from} is a registry ({@code quay.io}) or a
 * repository prefix ({@code quay.io/fedora}); it applies to a repository equal to it or below it (a
 * path-segment boundary, so {@code quay.io/fedora} does not apply to {@code quay.io/fedora-iot}), and
 * the matched prefix is replaced by {@code to}. The longest matching prefix wins. Rules given for one
 * run ({@code --mirror FROM=TO}) come first: when one of them applies, the Fleet's rules are not looked at.
 * A repository no rule applies to is pulled from where it is.
 */
public final class Mirrors {
    private final List<Fleet.Mirror> runRules;
    private final List<Fleet.Mirror> fleetRules;

    private Mirrors(List<Fleet.Mirror> runRules, List<Fleet.Mirror> fleetRules) {
        this.runRules = runRules.stream().map(Mirrors::normalised).toList();
        this.fleetRules = fleetRules.stream().map(Mirrors::normalised).toList();
    }

    public static Mirrors of(List<Fleet.Mirror> fleetRules, List<Fleet.Mirror> runRules) {
        return new Mirrors(runRules, fleetRules);
    }

    public static Mirrors none() {
        return new Mirrors(List.of(), List.of());
    }

    /**
     * Reads a {@code --mirror} value, {@code FROM=TO}.
     *
     * @throws IllegalArgumentException with a message for the user when it is not of that form
     */
    public static Fleet.Mirror parse(String value) {
        int eq = value.indexOf('=');
        String from = eq < 0 ? "" : value.substring(0, eq).strip();
        String to = eq < 0 ? "" : value.substring(eq + 1).strip();
        if (from.isEmpty() || to.isEmpty() || to.contains("=")) {
            throw new IllegalArgumentException("'" + value + "' is not a mirror rule: write FROM=TO, for example"
                    + " quay.io/fedora=mirror.example.com/fedora");
        }
        return new Fleet.Mirror(from, to);
    }

    /** The rule that applies to {@code repository} ({@code registry/path}), if any. */
    public Optional<Fleet.Mirror> ruleFor(String repository) {
        return longest(runRules, repository).or(() -> longest(fleetRules, repository));
    }

    /** {@code repository} ({@code registry/path}) as it is pulled: rewritten by the rule that applies. */
    public String rewrite(String repository) {
        return ruleFor(repository).map(r -> r.to() + repository.substring(r.from().length())).orElse(repository);
    }

    private static Optional<Fleet.Mirror> longest(List<Fleet.Mirror> rules, String repository) {
        Fleet.Mirror best = null;
        for (Fleet.Mirror rule : rules) {
            if (applies(rule.from(), repository) && (best == null || rule.from().length() > best.from().length())) {
                best = rule;
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean applies(String prefix, String repository) {
        if (repository.length() < prefix.length()) return false;
        if (repository.length() > prefix.length() && repository.charAt(prefix.length()) != '/') return false;
        String head = repository.substring(0, prefix.length());
        int slash = prefix.indexOf('/');
        if (slash < 0) return head.equalsIgnoreCase(prefix);
        // Registry hosts are case-insensitive; repository paths are not.
        return head.substring(0, slash).equalsIgnoreCase(prefix.substring(0, slash))
                && head.substring(slash).equals(prefix.substring(slash));
    }

    private static Fleet.Mirror normalised(Fleet.Mirror rule) {
        return new Fleet.Mirror(trimSlashes(rule.from()), trimSlashes(rule.to()));
    }

    private static String trimSlashes(String s) {
        String out = s.strip();
        while (out.endsWith("/")) out = out.substring(0, out.length() - 1);
        return out;
    }

    @Override
    public String toString() {
        return "Mirrors[run=" + runRules + ", fleet=" + fleetRules + "]";
    }
}
