package dev.strata.load;

import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The YAML 1.2 core schema's resolution of plain scalars, written out by hand. snakeyaml-engine's
 * resolver tries up to four regular expressions on every plain scalar (one Matcher each); on a large
 * fleet that was a fifth of all allocation. The result is the same (a test compares the two), except
 * that {@code ${NAME}} is a string, as YAML 1.2 says, not an environment-variable tag.
 */
final class CoreScalars implements ScalarResolver {

    /** The core schema with this resolver, for {@link org.snakeyaml.engine.v2.api.LoadSettings}; stateless, so shared. */
    static final Schema SCHEMA = new Schema();

    static final class Schema extends CoreSchema {
        @Override
        public ScalarResolver getScalarResolver() {
            return new CoreScalars();
        }
    }

    @Override
    public Tag resolve(String value, Boolean implicit) {
        if (!implicit) return Tag.STR;
        if (value.isEmpty()) return Tag.NULL;
        return switch (value.charAt(0)) {
            case 't', 'T', 'f', 'F' -> isBool(value) ? Tag.BOOL : Tag.STR;
            case 'n', 'N', '~', ' ' -> isNull(value) ? Tag.NULL : Tag.STR;
            case '<' -> value.equals("<<") ? Tag.MERGE : Tag.STR;
            case '-', '+', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' ->
                    isInt(value) ? Tag.INT : isFloat(value) ? Tag.FLOAT : Tag.STR;
            default -> Tag.STR;
        };
    }

    private static boolean isNull(String v) {
        return switch (v) {
            case "~", "null", "Null", "NULL", " " -> true;
            default -> false;
        };
    }

    private static boolean isBool(String v) {
        return switch (v) {
            case "true", "True", "TRUE", "false", "False", "FALSE" -> true;
            default -> false;
        };
    }

    /** {@code [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+}. */
    static boolean isInt(String v) {
        if (v.startsWith("0o")) return v.length() > 2 && all(v, 2, "01234567");
        if (v.startsWith("0x")) return v.length() > 2 && all(v, 2, "0123456789abcdefABCDEF");
        int i = sign(v, 0);
        return digits(v, i) == v.length() && v.length() > i;
    }

    /** {@code [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)}. */
    static boolean isFloat(String v) {
        switch (v) {
            case ".nan", ".NaN", ".NAN" -> {
                return true;
            }
            default -> {
            }
        }
        int i = sign(v, 0);
        int n = v.length();
        if (n - i == 4 && (v.startsWith(".inf", i) || v.startsWith(".Inf", i) || v.startsWith(".INF", i))) return true;
        if (i < n && v.charAt(i) == '.') {
            int end = digits(v, i + 1);
            if (end == i + 1) return false;
            i = end;
        } else {
            int end = digits(v, i);
            if (end == i) return false;
            i = end;
            if (i < n && v.charAt(i) == '.') i = digits(v, i + 1);
        }
        if (i < n && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
            int start = sign(v, i + 1);
            int end = digits(v, start);
            if (end == start) return false;
            i = end;
        }
        return i == n;
    }

    private static int sign(String v, int i) {
        return i < v.length() && (v.charAt(i) == '-' || v.charAt(i) == '+') ? i + 1 : i;
    }

    /** The index after the ASCII digits starting at {@code i}. */
    private static int digits(String v, int i) {
        while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') i++;
        return i;
    }

    private static boolean all(String v, int from, String allowed) {
        for (int i = from; i < v.length(); i++) if (allowed.indexOf(v.charAt(i)) < 0) return false;
        return true;
    }
}
