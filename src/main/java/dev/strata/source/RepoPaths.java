package dev.strata.source;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/** Lexical path arithmetic inside a repository, shared by the folder and Git trees. */
public final class RepoPaths {
    private RepoPaths() {
    }

    /**
     * Joins {@code relative} onto {@code folder} and normalises it. Empty when the result would climb
     * above the repository root or {@code relative} is absolute.
     */
    public static Optional<String> join(String folder, String relative) {
        if (relative.startsWith("/") || relative.contains("\\") || relative.contains("\0")) return Optional.empty();
        Deque<String> parts = new ArrayDeque<>();
        for (String p : folder.split("/")) if (!p.isEmpty()) parts.addLast(p);
        for (String p : relative.split("/")) {
            if (p.isEmpty() || p.equals(".")) continue;
            if (p.equals("..")) {
                if (parts.isEmpty()) return Optional.empty();
                parts.removeLast();
            } else {
                parts.addLast(p);
            }
        }
        return Optional.of(String.join("/", parts));
    }

    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    public static boolean isHidden(String name) {
        return name.startsWith(".");
    }

    public static boolean isSpecFile(String name) {
        return (name.endsWith(".yaml") || name.endsWith(".yml")) && !isHidden(name);
    }
}
