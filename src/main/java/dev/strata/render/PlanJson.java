package dev.strata.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.plan.Action;
import dev.strata.plan.Plan;
import dev.strata.plan.Preview;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A plan as JSON, written by {@code strata plan --out} and read back by {@code strata apply}. Every
 * field is mapped by hand so the format is exactly what docs/plan-json.md and docs/plan.schema.json
 * say, whatever the records look like inside. A file of another {@code formatVersion} is refused.
 */
public final class PlanJson {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private PlanJson() {
    }

    public static String write(Plan plan) {
        try {
            return JSON.writeValueAsString(tree(plan)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A pull-request preview as JSON: the plan document, plus a {@code preview} object when there is
     * something to add to it (containerfile layer changes, package deltas); docs/plan-json.md#preview.
     * Informational only: {@link #parse} ignores it, and it never holds file contents.
     */
    public static String write(Plan plan, Preview preview) {
        ObjectNode root = tree(plan);
        if (!preview.containerfiles().isEmpty() || !preview.packages().isEmpty()) {
            root.set("preview", PreviewJson.tree(preview, JSON));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(Plan plan, Writer out) throws IOException {
        out.write(write(plan));
        out.flush();
    }

    public static Plan read(Reader in) throws IOException, PlanFormatException {
        StringBuilder b = new StringBuilder();
        char[] buf = new char[8192];
        for (int n; (n = in.read(buf)) >= 0; ) b.append(buf, 0, n);
        return parse(b.toString());
    }

    public static Plan parse(String json) throws PlanFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PlanFormatException("", "not a JSON document: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new PlanFormatException("", "a plan file holds one JSON object");
        JsonNode version = root.get("formatVersion");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()) {
            throw new PlanFormatException("/formatVersion", "not a Strata plan file: formatVersion is missing or not a whole number");
        }
        if (version.intValue() != Plan.FORMAT_VERSION) {
            throw new PlanFormatException("/formatVersion", "plan file has formatVersion " + version.intValue()
                    + ", but this Strata reads formatVersion " + Plan.FORMAT_VERSION
                    + "; make the plan again with this version of strata");
        }
        Fields f = new Fields(root, "");
        JsonNode list = root.get("actions");
        if (list == null || !list.isArray()) throw new PlanFormatException("/actions", "actions must be an array");
        List<Action> actions = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) actions.add(action(new Fields(list.get(i), "/actions/" + i)));
        return new Plan(version.intValue(), f.text("revision"), f.instant("createdAt"), f.text("stateFingerprint"), actions);
    }

    private static ObjectNode tree(Plan plan) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", plan.formatVersion());
        root.put("revision", plan.revision());
        root.put("createdAt", plan.createdAt().toString());
        root.put("stateFingerprint", plan.stateFingerprint());
        ArrayNode list = root.putArray("actions");
        for (Action a : plan.actions()) action(a, list.addObject());
        return root;
    }

    /** One action as the plan document writes it (the reconcile report embeds the same fields). */
    public static ObjectNode action(Action a) {
        ObjectNode o = JSON.createObjectNode();
        action(a, o);
        return o;
    }

    private static void action(Action a, ObjectNode o) {
        if (a instanceof Action.BuildImage b) {
            o.put("action", "build");
            o.put("subject", b.subject());
            o.put("image", b.image());
            o.put("inputsDigest", b.inputsDigest());
            o.put("cause", wire(b.cause()));
            strings(o.putArray("changed"), b.changed());
            b.republish().ifPresent(r -> {
                ObjectNode rp = o.putObject("republish");
                rp.put("group", r.group());
                rp.put("fromDigest", r.fromDigest());
                rp.put("fromReference", r.fromReference());
                rp.put("notBefore", r.notBefore().toString());
                rp.put("version", r.version());
            });
        } else if (a instanceof Action.Promote p) {
            o.put("action", "promote");
            o.put("subject", p.subject());
            o.put("group", p.group());
            o.put("wave", p.wave());
            p.fromDigest().ifPresent(d -> o.put("fromDigest", d));
            o.put("toDigest", p.toDigest());
            strings(o.putArray("machines"), p.machines());
        } else if (a instanceof Action.Wait w) {
            o.put("action", "wait");
            o.put("subject", w.subject());
            o.put("group", w.group());
            w.wave().ifPresent(v -> o.put("wave", v));
            o.put("cause", wire(w.cause()));
            w.until().ifPresent(t -> o.put("until", t.toString()));
        } else if (a instanceof Action.Hold h) {
            o.put("action", "hold");
            o.put("subject", h.subject());
            o.put("group", h.group());
            o.put("cause", wire(h.cause()));
        } else if (a instanceof Action.Rollback r) {
            o.put("action", "rollback");
            o.put("subject", r.subject());
            o.put("group", r.group());
            o.put("fromDigest", r.fromDigest());
            o.put("toDigest", r.toDigest());
            strings(o.putArray("machines"), r.machines());
        } else if (a instanceof Action.NoOp n) {
            o.put("action", "noop");
            o.put("subject", n.subject());
        } else {
            throw new IllegalArgumentException("unknown action " + a);
        }
        o.put("reason", a.reason());
    }

    private static Action action(Fields f) throws PlanFormatException {
        String kind = f.text("action");
        return switch (kind) {
            case "build" -> new Action.BuildImage(f.text("image"), f.text("inputsDigest"),
                    f.choice("cause", Action.BuildCause.class), f.strings("changed"), f.text("reason"), republish(f));
            case "promote" -> new Action.Promote(f.text("group"), f.text("wave"), f.optionalText("fromDigest"),
                    f.text("toDigest"), f.strings("machines"), f.text("reason"));
            case "wait" -> new Action.Wait(f.text("group"), f.optionalText("wave"), f.choice("cause", Action.WaitCause.class),
                    f.optionalText("until").isPresent() ? Optional.of(f.instant("until")) : Optional.empty(), f.text("reason"));
            case "hold" -> new Action.Hold(f.text("group"), f.choice("cause", Action.HoldCause.class), f.text("reason"));
            case "rollback" -> new Action.Rollback(f.text("group"), f.text("fromDigest"), f.text("toDigest"),
                    f.strings("machines"), f.text("reason"));
            case "noop" -> new Action.NoOp(f.text("subject"), f.text("reason"));
            default -> throw new PlanFormatException(f.at + "/action", "unknown action '" + kind
                    + "'; expected build, promote, wait, hold, rollback or noop");
        };
    }

    /** A republish (docs/zincati.md): present exactly when the cause is "republish". */
    private static Optional<Action.Republish> republish(Fields f) throws PlanFormatException {
        Optional<Fields> r = f.optionalObject("republish");
        Action.BuildCause cause = f.choice("cause", Action.BuildCause.class);
        if (r.isPresent() != (cause == Action.BuildCause.REPUBLISH)) {
            throw new PlanFormatException(f.at + "/republish", "a build has 'republish' exactly when its cause is 'republish'");
        }
        if (r.isEmpty()) return Optional.empty();
        Fields x = r.get();
        return Optional.of(new Action.Republish(x.text("group"), x.text("fromDigest"), x.text("fromReference"),
                x.instant("notBefore"), x.text("version")));
    }

    /** SPEC_CHANGED -> "spec-changed". */
    static String wire(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /** Typed reads of one object's fields, each failure naming the field's JSON Pointer. */
    private static final class Fields {
        private final JsonNode node;
        private final String at;

        Fields(JsonNode node, String at) throws PlanFormatException {
            if (node == null || !node.isObject()) throw new PlanFormatException(at, "expected an object");
            this.node = node;
            this.at = at;
        }

        String text(String name) throws PlanFormatException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) throw new PlanFormatException(at + "/" + name, "missing required field '" + name + "'");
            if (!v.isTextual()) throw new PlanFormatException(at + "/" + name, "'" + name + "' must be a string");
            return v.textValue();
        }

        Optional<Fields> optionalObject(String name) throws PlanFormatException {
            JsonNode v = node.get(name);
            return v == null || v.isNull() ? Optional.empty() : Optional.of(new Fields(v, at + "/" + name));
        }

        Optional<String> optionalText(String name) throws PlanFormatException {
            JsonNode v = node.get(name);
            return v == null || v.isNull() ? Optional.empty() : Optional.of(text(name));
        }

        Instant instant(String name) throws PlanFormatException {
            String s = text(name);
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw new PlanFormatException(at + "/" + name, "'" + name + "' must be an ISO-8601 UTC time such as 2026-03-02T01:00:00Z, not '" + s + "'");
            }
        }

        List<String> strings(String name) throws PlanFormatException {
            JsonNode v = node.get(name);
            if (v == null || !v.isArray()) throw new PlanFormatException(at + "/" + name, "'" + name + "' must be an array of strings");
            List<String> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) throw new PlanFormatException(at + "/" + name + "/" + i, "expected a string");
                out.add(v.get(i).textValue());
            }
            return out;
        }

        <E extends Enum<E>> E choice(String name, Class<E> type) throws PlanFormatException {
            String s = text(name);
            for (E e : type.getEnumConstants()) if (wire(e).equals(s)) return e;
            List<String> allowed = new ArrayList<>();
            for (E e : type.getEnumConstants()) allowed.add(wire(e));
            throw new PlanFormatException(at + "/" + name, "unknown " + name + " '" + s + "'; expected one of " + String.join(", ", allowed));
        }
    }
}
