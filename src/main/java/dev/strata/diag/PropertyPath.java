package dev.strata.diag;

import java.util.ArrayList;
import java.util.List;

/**
 * A path to a value inside one document: property names and list indexes. Shown to users as
 * {@code spec.rollout.waves[1].percent}; also convertible to and from a JSON Pointer.
 */
public record PropertyPath(List<Object> segments) {
    public static final PropertyPath ROOT = new PropertyPath(List.of());

    public PropertyPath {
        segments = List.copyOf(segments);
        for (Object s : segments) {
            if (!(s instanceof String) && !(s instanceof Integer)) throw new IllegalArgumentException("segment " + s);
        }
    }

    public static PropertyPath of(Object... segments) {
        return new PropertyPath(List.of(segments));
    }

    public PropertyPath with(String property) {
        return append(property);
    }

    public PropertyPath with(int index) {
        return append(index);
    }

    private PropertyPath append(Object s) {
        List<Object> out = new ArrayList<>(segments.size() + 1);
        out.addAll(segments);
        out.add(s);
        return new PropertyPath(out);
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    public PropertyPath parent() {
        return segments.isEmpty() ? this : new PropertyPath(segments.subList(0, segments.size() - 1));
    }

    /** Parses a JSON Pointer; segments made only of digits are list indexes. */
    public static PropertyPath fromPointer(String pointer) {
        if (pointer == null || pointer.isEmpty() || pointer.equals("/")) return ROOT;
        List<Object> out = new ArrayList<>();
        for (String raw : pointer.substring(1).split("/", -1)) {
            String s = raw.replace("~1", "/").replace("~0", "~");
            out.add(!s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit) ? Integer.valueOf(s) : s);
        }
        return new PropertyPath(out);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Object s : segments) {
            if (s instanceof Integer i) {
                b.append('[').append(i).append(']');
            } else {
                if (b.length() > 0) b.append('.');
                b.append(s);
            }
        }
        return b.toString();
    }
}
