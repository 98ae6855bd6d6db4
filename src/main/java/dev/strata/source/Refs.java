package dev.strata.source;

import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns {@code --ref} into one commit, as git would: a full or abbreviated commit id, then refs in
 * git's order (the name itself, refs/, refs/tags/, refs/heads/, refs/remotes/), tags peeled; git's
 * revision syntax (main~1, v1.2^{commit}) works too. Only the commit named is read: no history.
 */
final class Refs {
    private static final int MAX_SUGGESTIONS = 5;

    private Refs() {
    }

    static RevCommit commitOf(Repository repo, String ref, String display, String hint) throws IOException {
        ObjectId id;
        try {
            id = repo.resolve(ref);
        } catch (AmbiguousObjectException e) {
            List<String> candidates = e.getCandidates().stream().map(c -> c.abbreviate(12).name()).sorted().toList();
            throw new SourceException("'" + ref + "' is ambiguous in " + display + ": it abbreviates "
                    + candidates.size() + " objects (" + String.join(", ", candidates) + "); give more digits");
        } catch (RevisionSyntaxException | IncorrectObjectTypeException e) {
            id = null;
        }
        if (id == null) {
            if (ref.equals(Constants.HEAD)) {
                throw new SourceException(display + " has no commits yet (HEAD is on a branch with no commits)");
            }
            throw new UnknownRefException(ref, display, closeMatches(repo, ref), hint);
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevObject object = walk.peel(walk.parseAny(id));
            if (!(object instanceof RevCommit commit)) {
                throw new SourceException("'" + ref + "' in " + display + " names a "
                        + Constants.typeString(object.getType()) + ", not a commit");
            }
            return commit;
        } catch (MissingObjectException e) {
            throw new UnknownRefException(ref, display, List.of(), hint == null || hint.isEmpty()
                    ? "no such commit" : "no such commit; " + hint);
        }
    }

    /** Branch and tag names within a small edit distance of {@code ref}, closest first. */
    static List<String> closeMatches(Repository repo, String ref) throws IOException {
        String wanted = ref.toLowerCase(Locale.ROOT);
        int limit = Math.max(1, Math.min(3, wanted.length() / 3));
        List<Ref> refs = repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS, Constants.R_TAGS, Constants.R_REMOTES);
        record Scored(String name, int distance) {
        }
        return refs.stream()
                .map(r -> Repository.shortenRefName(r.getName()))
                .filter(n -> !n.endsWith("/HEAD"))
                .distinct()
                .map(n -> {
                    String lower = n.toLowerCase(Locale.ROOT);
                    int d = lower.equals(wanted) ? 0 : distance(lower, wanted);
                    if (d > limit && (lower.startsWith(wanted) || lower.endsWith("/" + wanted))) d = limit;
                    return new Scored(n, d);
                })
                .filter(s -> s.distance() <= limit)
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .limit(MAX_SUGGESTIONS)
                .map(Scored::name)
                .filter(Objects::nonNull)
                .toList();
    }

    /** Edit distance where swapping two neighbouring letters counts once ("mian" is one from "main"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
