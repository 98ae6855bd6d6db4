package dev.strata.render;

import dev.strata.plan.Preview;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.strata.plan.Preview.Change;
import dev.strata.plan.Preview.FileChange;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * How one changed file may be shown: a one-line summary that is always safe to print, and a unified
 * diff only for a world-readable, non-secret text file. Hidden files never reach the diff code, so
 * their content cannot leak through it.
 */
final class FileDiffs {
    static final int CONTEXT_LINES = 3;

    private FileDiffs() {
    }

    /** {@code summary} never holds file content; {@code diff} is empty unless the file may be shown. */
    record Shown(String summary, List<String> diff) {
        Shown {
            diff = List.copyOf(diff);
        }
    }

    static Shown describe(FileChange f) {
        Change c = f.change();
        String hashes = hashes(f);
        if (f.hidden()) {
            return new Shown(c.word() + ", contents hidden (" + whyHidden(f) + "): " + hashes, List.of());
        }
        Optional<List<String>> before = lines(f.before());
        Optional<List<String>> after = lines(f.after());
        if (before.isEmpty() || after.isEmpty()) {
            return new Shown("binary file " + c.word() + ": " + hashes, List.of());
        }
        Patch<String> patch = DiffUtils.diff(before.get(), after.get());
        if (patch.getDeltas().isEmpty()) {
            String what = c == Change.CHANGED ? "changed (line endings or final newline only)" : c.word() + " (empty file)";
            return new Shown(what + ": " + hashes, List.of());
        }
        String path = f.path().startsWith("/") ? f.path().substring(1) : f.path();
        String from = f.before().isPresent() ? "a/" + path : "/dev/null";
        String to = f.after().isPresent() ? "b/" + path : "/dev/null";
        return new Shown(c.word(), UnifiedDiffUtils.generateUnifiedDiff(from, to, before.get(), patch, CONTEXT_LINES));
    }

    /**
     * As {@link #describe}, but a side larger than {@code maxBytes} is summarised with its size: a build
     * context may hold large files (tarballs, binaries) whose diff says nothing to a reviewer.
     */
    static Shown describe(FileChange f, int maxBytes) {
        int before = f.before().map(b -> b.length).orElse(0), after = f.after().map(b -> b.length).orElse(0);
        if (!f.hidden() && Math.max(before, after) > maxBytes) {
            String sizes = f.change() == Change.ADDED ? after + " bytes" : f.change() == Change.REMOVED ? "was " + before + " bytes"
                    : before + " → " + after + " bytes";
            return new Shown(f.change().word() + ", too large to show (" + sizes + "): " + hashes(f), List.of());
        }
        return describe(f);
    }

    static String whyHidden(FileChange f) {
        return (f.mode() & 0004) == 0 ? "mode " + mode(f.mode()) : "secret";
    }

    static String mode(int mode) {
        return String.format("%04o", mode);
    }

    /** "sha256:aaaaaaaaaaaa → sha256:bbbbbbbbbbbb", or one side for an added or removed file. */
    static String hashes(FileChange f) {
        return switch (f.change()) {
            case ADDED -> shortHash(f.after().orElseThrow());
            case REMOVED -> "was " + shortHash(f.before().orElseThrow());
            default -> shortHash(f.before().orElseThrow()) + " → " + shortHash(f.after().orElseThrow());
        };
    }

    static String shortHash(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "sha256:" + HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines of a text file (absent side: no lines); empty for binary: not UTF-8, or holding NUL. */
    static Optional<List<String>> lines(Optional<byte[]> bytes) {
        if (bytes.isEmpty()) return Optional.of(List.of());
        byte[] b = bytes.get();
        for (byte x : b) if (x == 0) return Optional.empty();
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
            return Optional.of(text.lines().toList());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
