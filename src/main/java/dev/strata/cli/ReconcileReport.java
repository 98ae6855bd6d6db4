package dev.strata.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.plan.Action;
import dev.strata.reconcile.Applier;
import dev.strata.reconcile.ReconcileResult;
import dev.strata.render.DiagnosticsRenderer;
import dev.strata.render.PlanJson;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code strata reconcile} prints: one line per action and a count (text), or one JSON document
 * (docs/cli.md, "strata reconcile", formatVersion 1). Field names are a contract; add, never rename.
 */
final class ReconcileReport {
    enum Format { TEXT, JSON }

    static final int FORMAT_VERSION = 1;
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Format format;
    private final PrintWriter out;
    /** Steps already printed as they happened (text). */
    private final Set<Action> printed = new HashSet<>();

    ReconcileReport(Format format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    /** A step carried out or failed, printed at once (text only). */
    synchronized void step(Applier.Step step) {
        printed.add(step.action());
        out.println(line(step.action(), Optional.of(step)));
        out.flush();
    }

    void notes(ReconcileResult result, PrintWriter err) {
        if (result instanceof ReconcileResult.Reconciled r) r.notes().forEach(n -> err.println("note: " + n));
        err.flush();
    }

    void finish(ReconcileResult result) {
        if (format == Format.JSON) {
            try {
                out.println(JSON.writeValueAsString(json(result)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else if (result instanceof ReconcileResult.Reconciled r) {
            for (Action a : r.plan().actions()) {
                if (!printed.contains(a)) out.println(line(a, r.step(a)));
            }
            Map<String, Integer> c = counts(r);
            out.printf(Locale.ROOT, "Reconcile: %s; %d built, %d promoted, %d rolled back, %d halted, %d failed;"
                            + " %d waiting, %d held, %d up to date (%.1fs).%n", r.revision(), c.get("built"), c.get("promoted"),
                    c.get("rolledBack"), c.get("halted"), c.get("failed"), c.get("waiting"), c.get("held"),
                    c.get("upToDate"), r.took().toMillis() / 1000.0);
        }
        out.flush();
    }

    /** {@code SYMBOL KIND SUBJECT[/WAVE]: REASON}, the pushed reference of a build, or what failed. */
    static String line(Action a, Optional<Applier.Step> step) {
        String head = a.symbol() + " " + kind(a) + " " + a.subject() + wave(a).map(w -> "/" + w).orElse("") + ": ";
        if (step.isPresent() && !step.get().ok()) {
            return head + "FAILED: " + error(step.get());
        }
        String detail = step.flatMap(Applier.Step::build).map(b -> " -> " + b.reference()).orElse("");
        String until = a instanceof Action.Wait w && w.until().isPresent() && !a.reason().contains(w.until().get().toString())
                ? " (until " + w.until().get() + ")" : "";
        return head + a.reason() + until + detail;
    }

    /** What went wrong, without the "+ image: build failed: " the applier's line starts with. */
    private static String error(Applier.Step step) {
        return step.line().replaceFirst("^\\+ [^:]+: ", "").replaceFirst("^build failed: ", "");
    }

    private static String kind(Action a) {
        if (a instanceof Action.BuildImage) return "build";
        if (a instanceof Action.Promote) return "promote";
        if (a instanceof Action.Rollback) return "rollback";
        if (a instanceof Action.Wait) return "wait";
        if (a instanceof Action.Hold) return "hold";
        return "noop";
    }

    private static Optional<String> wave(Action a) {
        if (a instanceof Action.Promote p) return Optional.of(p.wave());
        if (a instanceof Action.Wait w) return w.wave();
        return Optional.empty();
    }

    private static Map<String, Integer> counts(ReconcileResult.Reconciled r) {
        Map<String, Integer> c = new LinkedHashMap<>();
        for (String k : new String[]{"built", "promoted", "rolledBack", "halted", "failed", "waiting", "held", "upToDate"}) c.put(k, 0);
        for (Action a : r.plan().actions()) {
            Optional<Applier.Step> s = r.step(a);
            String key;
            if (s.isPresent() && !s.get().ok()) key = "failed";
            else if (a instanceof Action.BuildImage) key = s.isPresent() ? "built" : "failed";
            else if (a instanceof Action.Promote) key = "promoted";
            else if (a instanceof Action.Rollback) key = "rolledBack";
            else if (a instanceof Action.Hold h) key = h.cause() == Action.HoldCause.FAILURE_POLICY ? "halted" : "held";
            else if (a instanceof Action.Wait) key = "waiting";
            else key = "upToDate";
            c.merge(key, 1, Integer::sum);
        }
        return c;
    }

    private static ObjectNode json(ReconcileResult result) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("result", result instanceof ReconcileResult.Reconciled ? "reconciled" : result instanceof ReconcileResult.Invalid
                ? "invalid" : result instanceof ReconcileResult.Locked ? "locked" : "failed");
        root.put("startedAt", result.startedAt().toString());
        root.put("durationMs", result.took().toMillis());
        if (result instanceof ReconcileResult.Reconciled r) {
            root.put("revision", r.revision());
            Map<String, Integer> c = counts(r);
            ObjectNode summary = root.putObject("summary");
            c.forEach(summary::put);
            var actions = root.putArray("actions");
            for (Action a : r.plan().actions()) {
                ObjectNode o = PlanJson.action(a);
                Optional<Applier.Step> s = r.step(a);
                o.put("status", s.map(x -> x.ok() ? "applied" : "failed").orElse("unchanged"));
                s.filter(x -> !x.ok()).ifPresent(x -> o.put("error", error(x)));
                s.flatMap(Applier.Step::build).ifPresent(b -> {
                    o.put("imageDigest", b.imageDigest());
                    o.put("reference", b.reference());
                    if (!b.platforms().isEmpty()) {
                        ObjectNode platforms = o.putObject("platforms");
                        b.platforms().forEach(platforms::put);
                    }
                });
                actions.add(o);
            }
            r.notes().forEach(root.putArray("notes")::add);
        } else if (result instanceof ReconcileResult.Invalid i) {
            root.put("revision", i.revision());
            root.put("message", "the specs at " + i.revision() + " are invalid (" + i.validation().errors() + " errors); nothing was changed");
            DiagnosticsRenderer.diagnostics(root.putArray("diagnostics"), i.validation().diagnostics());
        } else if (result instanceof ReconcileResult.Locked l) {
            root.put("message", l.message());
        } else {
            ReconcileResult.Failed f = (ReconcileResult.Failed) result;
            f.revision().ifPresent(v -> root.put("revision", v));
            root.put("stage", f.stage().name().toLowerCase(Locale.ROOT));
            root.put("message", f.message());
        }
        return root;
    }
}
