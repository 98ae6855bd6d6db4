package dev.strata.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.diag.Diagnostic;
import dev.strata.validate.Validation;

import java.io.PrintWriter;

/**
 * Prints a validation in one of three forms: text for people, JSON for tools (schema below,
 * versioned), and GitHub Actions workflow commands, which CI turns into annotations on the diff.
 */
public final class DiagnosticsRenderer {
    /** Bumped when a field of the JSON output changes meaning or disappears. */
    public static final int JSON_FORMAT_VERSION = 1;

    public enum Format { TEXT, JSON, GITHUB }


    private DiagnosticsRenderer() {
    }

    public static void render(Validation v, String what, Format format, PrintWriter out) {
        switch (format) {
            case TEXT -> text(v, what, out);
            case JSON -> json(v, what, out);
            case GITHUB -> github(v, what, out);
        }
        out.flush();
    }

    private static void text(Validation v, String what, PrintWriter out) {
        for (Diagnostic d : v.diagnostics()) {
            out.println(d.location() + ": " + d.severity().label() + "[" + d.check() + "]: " + d.message());
            if (!d.path().isEmpty()) out.println("    at " + d.path());
            if (!d.hint().isEmpty()) out.println("    hint: " + d.hint());
        }
        if (!v.diagnostics().isEmpty()) out.println();
        out.println(what + ": " + summary(v));
    }

    private static String summary(Validation v) {
        var s = v.stats();
        String counts = s.files() + " file" + plural(s.files()) + ", " + (s.documents() - s.ignored()) + " document"
                + plural(s.documents() - s.ignored()) + (s.ignored() > 0 ? " (" + s.ignored() + " other YAML ignored)" : "");
        return (v.valid() ? "valid" : "invalid") + " (" + counts + "; " + v.errors() + " error" + plural(v.errors())
                + ", " + v.warnings() + " warning" + plural(v.warnings()) + ")";
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }

    private static void json(Validation v, String what, PrintWriter out) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT); // once per run: not up front for text
        ObjectNode root = json.createObjectNode();
        root.put("formatVersion", JSON_FORMAT_VERSION);
        root.put("fleet", what);
        root.put("valid", v.valid());
        root.put("errors", v.errors());
        root.put("warnings", v.warnings());
        root.put("files", v.stats().files());
        root.put("documents", v.stats().documents() - v.stats().ignored());
        diagnostics(root.putArray("diagnostics"), v.diagnostics());
        try {
            out.println(json.writeValueAsString(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds each diagnostic to {@code list} as the JSON format writes it (other documents embed the same shape). */
    public static void diagnostics(ArrayNode list, java.util.List<Diagnostic> diagnostics) {
        for (Diagnostic d : diagnostics) {
            ObjectNode o = list.addObject();
            o.put("check", d.check());
            o.put("severity", d.severity().label());
            o.put("file", d.location().file());
            o.put("line", d.location().line());
            o.put("column", d.location().column());
            o.put("path", d.path());
            o.put("message", d.message());
            o.put("hint", d.hint());
        }
    }

    /** One workflow command per diagnostic; see GitHub's "workflow commands" documentation. */
    private static void github(Validation v, String what, PrintWriter out) {
        for (Diagnostic d : v.diagnostics()) {
            var at = d.location();
            StringBuilder b = new StringBuilder("::").append(d.isError() ? "error" : "warning")
                    .append(" file=").append(property(at.file()));
            if (at.line() > 0) b.append(",line=").append(at.line()).append(",col=").append(at.column());
            b.append(",title=").append(property("strata " + d.check()));
            String text = d.message() + (d.path().isEmpty() ? "" : " (at " + d.path() + ")")
                    + (d.hint().isEmpty() ? "" : "\nHint: " + d.hint());
            out.println(b.append("::").append(data(text)));
        }
        out.println(what + ": " + summary(v));
    }

    private static String data(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static String property(String s) {
        return data(s).replace(":", "%3A").replace(",", "%2C");
    }
}
