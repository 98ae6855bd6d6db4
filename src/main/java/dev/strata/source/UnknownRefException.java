package dev.strata.source;

import java.util.List;

/** {@code --ref} names no branch, tag or commit in the repository. */
public final class UnknownRefException extends SourceException {
    private final String ref;
    private final List<String> closeMatches;

    public UnknownRefException(String ref, String repository, List<String> closeMatches, String hint) {
        super(message(ref, repository, closeMatches, hint));
        this.ref = ref;
        this.closeMatches = List.copyOf(closeMatches);
    }

    public String ref() {
        return ref;
    }

    /** Branch and tag names that look like {@link #ref()}, closest first. */
    public List<String> closeMatches() {
        return closeMatches;
    }

    private static String message(String ref, String repository, List<String> closeMatches, String hint) {
        StringBuilder m = new StringBuilder("unknown ref '").append(ref).append("' in ").append(repository)
                .append(": no branch, tag or commit of that name");
        if (!closeMatches.isEmpty()) m.append("; did you mean ").append(String.join(", ", closeMatches)).append('?');
        if (hint != null && !hint.isEmpty()) m.append(" (").append(hint).append(')');
        return m.toString();
    }
}
