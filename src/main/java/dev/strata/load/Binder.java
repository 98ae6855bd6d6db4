package dev.strata.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.diag.Check;
import dev.strata.diag.Diagnostics;
import dev.strata.diag.PropertyPath;
import dev.strata.spec.Agent;
import dev.strata.spec.Durations;
import dev.strata.spec.Fleet;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Layer;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Quantity;
import dev.strata.spec.Rollout;
import dev.strata.spec.Stream;
import dev.strata.spec.Wave;
import dev.strata.spec.Window;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Turns a document that passed its schema into spec records. The schema has already checked shape
 * and syntax, so this only parses values and reports what a schema cannot judge (time zones, window
 * lengths). Defaults live here and in the schema's "default" annotations, which say the same.
 */
final class Binder {
    private static final Duration MAX_WINDOW = Duration.ofDays(7);

    private final YamlDocument doc;
    private final Origin origin;
    private final Diagnostics diags;
    private boolean failed;

    Binder(YamlDocument doc, Diagnostics diags) {
        this.doc = doc;
        this.origin = new Origin(doc.file(), doc.index());
        this.diags = diags;
    }

    private static final PropertyPath SPEC = PropertyPath.of("spec");

    private String name() {
        return doc.json().path("metadata").path("name").asText();
    }

    private JsonNode spec() {
        return doc.json().path("spec");
    }

    Optional<Fleet> fleet() {
        JsonNode s = spec();
        List<Fleet.Mirror> mirrors = list(s, "mirrors", m -> new Fleet.Mirror(m.path("from").asText(), m.path("to").asText()));
        return done(new Fleet(name(), text(s, "registry"), strings(s, "insecureRegistries"), mirrors, origin));
    }

    Optional<Stream> stream() {
        JsonNode s = spec();
        return done(new Stream(name(), s.path("image").asText(), text(s, "tag"), text(s, "pin"), text(s, "version"),
                strings(s, "barriers"), strings(s, "deadEnds"), text(s, "updateMetadata"), origin));
    }

    Optional<Image> image() {
        JsonNode s = spec();
        JsonNode from = s.path("from");
        ImageSource source = from.has("stream") ? new ImageSource.FromStream(from.path("stream").asText())
                : from.has("image") ? new ImageSource.FromImage(from.path("image").asText())
                : new ImageSource.FromRef(from.path("ref").asText());
        List<Layer> layers = list(s, "layers", this::layer);
        return done(new Image(name(), source, stringMap(s, "labels"), layers, strings(s, "platforms"), origin));
    }

    private Layer layer(JsonNode l) {
        List<Layer.FileEntry> files = list(l, "files", f -> new Layer.FileEntry(
                f.path("path").asText(), text(f, "source"), text(f, "content"),
                mode(f, Layer.FileEntry.DEFAULT_MODE), owner(f), f.path("secret").asBoolean(false)));
        List<Layer.DirectoryEntry> dirs = list(l, "directories", d -> new Layer.DirectoryEntry(
                d.path("path").asText(), mode(d, Layer.DirectoryEntry.DEFAULT_MODE), owner(d)));
        JsonNode sd = l.path("systemd");
        Layer.SystemdUnits units = new Layer.SystemdUnits(strings(sd, "enable"), strings(sd, "disable"), strings(sd, "mask"));
        JsonNode cf = l.get("containerfile");
        Optional<Layer.Containerfile> containerfile = cf == null ? Optional.empty() : Optional.of(new Layer.Containerfile(
                cf.path("path").asText(), text(cf, "context"), stringMap(cf, "args")));
        return new Layer(l.path("name").asText(), files, dirs, units, strings(l, "kernelArguments"), containerfile);
    }

    Optional<MachineGroup> group() {
        JsonNode s = spec();
        MachineGroup.Delivery delivery = MachineGroup.Delivery.valueOf(s.path("delivery").asText().toUpperCase(Locale.ROOT));
        // Zincati sends lowercase ids and validation insists on them there; a bootc agent's id is normalised.
        List<Machine> machines = list(s, "machines", m -> new Machine(
                delivery == MachineGroup.Delivery.BOOTC ? m.path("id").asText().toLowerCase(Locale.ROOT) : m.path("id").asText(),
                m.path("name").asText(), stringMap(m, "labels"), m.path("platform").asText(Machine.DEFAULT_PLATFORM)));
        Rollout rollout = rollout(s.path("rollout"), SPEC.with("rollout"));
        return done(new MachineGroup(name(), s.path("image").asText(), delivery, machines, rollout, agent(s.path("agent")),
                origin));
    }

    private Agent agent(JsonNode a) {
        List<Agent.Check> checks = list(a, "checks", c -> c.has("http")
                ? new Agent.Check(Agent.Check.Type.HTTP, c.get("http").asText())
                : new Agent.Check(Agent.Check.Type.TCP, c.path("tcp").asText()));
        return new Agent(a.path("enabled").asBoolean(true),
                duration(a, "connectivityTimeout", Agent.DEFAULT_CONNECTIVITY_TIMEOUT), checks);
    }

    private Rollout rollout(JsonNode r, PropertyPath at) {
        List<Wave> waves = list(r, "waves", w -> new Wave(w.path("name").asText(), strings(w, "machines"),
                stringMap(w, "selector"), w.has("percent") ? OptionalInt.of(w.path("percent").asInt()) : OptionalInt.empty(),
                w.has("successThreshold") ? quantity(w.get("successThreshold")).value() : 100));
        if (waves.isEmpty()) waves = List.of(new Wave("all", List.of(), Map.of(), OptionalInt.of(100), 100));
        Optional<Rollout.DisruptionBudget> budget = r.has("disruptionBudget")
                ? Optional.of(new Rollout.DisruptionBudget(strings(r.get("disruptionBudget"), "groupBy"),
                quantity(r.get("disruptionBudget").get("maxUnavailable"))))
                : Optional.empty();
        ZoneId zone = ZoneId.of("UTC");
        if (r.has("timeZone")) {
            String tz = r.get("timeZone").asText();
            try {
                zone = ZoneId.of(tz);
            } catch (DateTimeException e) {
                report(Check.TIMEZONE_UNKNOWN, at.with("timeZone"), "unknown time zone '" + tz + "'");
            }
        }
        List<Window> windows = indexed(r, "windows", this::window, at);
        JsonNode fp = r.path("failurePolicy");
        Rollout.FailurePolicy failure = new Rollout.FailurePolicy(fp.path("maxFailures").asInt(1),
                Rollout.FailurePolicy.Action.valueOf(fp.path("action").asText("halt").toUpperCase(Locale.ROOT)));
        return new Rollout(waves,
                r.has("maxUnavailable") ? quantity(r.get("maxUnavailable")) : Quantity.ONE,
                budget, text(r, "holdAfter"), text(r, "approved"),
                duration(r, "bakeTime", Duration.ZERO), zone, windows, r.path("paused").asBoolean(false),
                duration(r, "updateTimeout", Rollout.DEFAULT_UPDATE_TIMEOUT), failure);
    }

    private Window window(JsonNode w, PropertyPath at) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (JsonNode d : w.path("days")) days.add(day(d.asText()));
        Duration length = Durations.parse(w.path("length").asText()).orElse(Duration.ZERO);
        if (length.isZero() || length.compareTo(MAX_WINDOW) > 0) {
            report(Check.WINDOW_INVALID, at.with("length"), "window length " + w.path("length").asText()
                    + " is " + (length.isZero() ? "zero" : "longer than 7d"));
        }
        return new Window(days, LocalTime.parse(w.path("start").asText()), length);
    }

    private static DayOfWeek day(String name) {
        String prefix = name.substring(0, 3).toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) if (d.name().startsWith(prefix)) return d;
        throw new IllegalArgumentException("day " + name); // the schema admits only day names
    }

    private Duration duration(JsonNode n, String field, Duration dflt) {
        return n.has(field) ? Durations.parse(n.get(field).asText()).orElse(dflt) : dflt;
    }

    static Quantity quantity(JsonNode n) {
        if (n.isNumber()) return new Quantity(n.asInt(), false);
        String s = n.asText();
        return new Quantity(Integer.parseInt(s.substring(0, s.length() - 1)), true);
    }

    private static int mode(JsonNode n, int dflt) {
        return n.has("mode") ? Integer.parseInt(n.get("mode").asText(), 8) : dflt;
    }

    private static String owner(JsonNode n) {
        return n.path("owner").asText("0:0");
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private static List<String> strings(JsonNode n, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : n.path(field)) out.add(v.asText());
        return out;
    }

    private static Map<String, String> stringMap(JsonNode n, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        n.path(field).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static <T> List<T> list(JsonNode n, String field, Function<JsonNode, T> item) {
        JsonNode values = n.path(field);
        List<T> out = new ArrayList<>(values.size());
        for (JsonNode v : values) out.add(item.apply(v));
        return out;
    }

    /** For items that may report a problem at their own path. */
    private static <T> List<T> indexed(JsonNode n, String field, BiFunction<JsonNode, PropertyPath, T> item, PropertyPath at) {
        List<T> out = new ArrayList<>();
        int i = 0;
        for (JsonNode v : n.path(field)) out.add(item.apply(v, at.with(field).with(i++)));
        return out;
    }

    private void report(Check check, PropertyPath path, String message) {
        diags.add(check, doc.valueAt(path), path.toString(), message);
        failed = true;
    }

    private <T> Optional<T> done(T value) {
        return failed ? Optional.empty() : Optional.of(value);
    }
}
