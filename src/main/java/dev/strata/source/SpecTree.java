package dev.strata.source;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A read-only repository snapshot that specs are loaded from: a folder on disk, or a Git commit.
 * Paths are relative to the repository root, '/'-separated, with no leading slash; "" is the root.
 */
public interface SpecTree {

    /** For messages: a folder path or "repo@commit". Never holds credentials. */
    String describe();

    /** The commit the snapshot was read at, when it came from Git. */
    Optional<String> revision();

    /** Regular files (and symlinks) below {@code folder}, recursively, sorted. Hidden folders and files are skipped. */
    List<String> listSpecFiles(String folder) throws IOException;

    /**
     * Every file and symlink below the folder {@code folder} (a real folder, not reached through a symlink),
     * recursively, hidden names too, sorted by path; symlinks are listed, not followed. Folders themselves
     * are not listed: Git holds no empty folder, so a folder on disk and its commit list alike.
     */
    List<Node> walk(String folder) throws IOException;

    /**
     * One entry of {@link #walk}: {@code path} from the repository root; {@code linkTarget} is a symlink's
     * target as written, else empty. {@code OTHER} is anything else (a submodule, a socket, a device).
     */
    record Node(String path, Type type, boolean executable, String linkTarget) {
        public enum Type { FILE, SYMLINK, OTHER }
    }

    /** What is at {@code path}, following symlinks only while they stay inside the tree. */
    Resolved resolve(String path) throws IOException;

    /** Bytes of a regular file, at most {@code limit} bytes; larger files fail with {@link TooLargeException}. */
    byte[] read(String path, long limit) throws IOException;

    /**
     * An id of the bytes at {@code path} that is the same exactly when the bytes are (a Git blob id),
     * when the tree knows one without reading the file; empty otherwise, and for anything but a file.
     * Lets a reader reuse what it made of the same file in another snapshot.
     */
    default Optional<String> contentId(String path) throws IOException {
        return Optional.empty();
    }

    /** The outcome of resolving a path inside the tree. */
    sealed interface Resolved {
        /** A regular file; {@code path} is where it really lives after following symlinks. */
        record File(String path, long size, boolean executable) implements Resolved {
        }

        record Folder(String path) implements Resolved {
        }

        /** Nothing usable there; {@code reason} is empty for a plain absence, else says why (a submodule, a symlink loop). */
        record Missing(String reason) implements Resolved {
            public Missing {
                reason = reason == null ? "" : reason;
            }

            public Missing() {
                this("");
            }
        }

        /** The path, or a symlink on the way, leads outside the repository. */
        record Escapes(String reason) implements Resolved {
        }
    }

    final class TooLargeException extends IOException {
        public TooLargeException(String path, long limit) {
            super(path + " is larger than " + limit + " bytes");
        }
    }
}
