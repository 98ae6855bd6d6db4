package dev.strata.reconcile;

import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.plan.Fingerprint;
import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;
import dev.strata.plan.PlatformDigests;
import dev.strata.plan.Plan;
import dev.strata.plan.Release;
import dev.strata.plan.Releases;
import dev.strata.plan.Windows;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.HistoryEntry;
import dev.strata.state.StateSnapshot;
import dev.strata.state.StateStore;
import dev.strata.state.StateTransaction;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Executes a saved plan exactly, and refuses a stale one: the state fingerprint it was made against
 * must still hold (machine reports alone do not change it). Each executed action is one transaction
 * with its history entry, so a crash between actions loses nothing and leaves nothing half-written.
 * WAIT, NO_OP and most HOLDs change nothing. A {@link Listener} hears of each action as soon as it is
 * done, so what a run did is reported even when the run dies before the end.
 */
public final class Applier {
    private final StateStore store;
    private final Optional<BuildExecutor> builder;

    public Applier(StateStore store, Optional<BuildExecutor> builder) {
        this.store = store;
        this.builder = builder;
    }

    /**
     * One action carried out ({@code ok}) or failed, with the line a person reads (for a failure, what went
     * wrong) and, for a build, what was pushed.
     */
    public record Step(Action action, boolean ok, String line, Optional<Build> build) {
    }

    /** Every executed or failed action, in the order they finished per kind: builds first, then the rest. */
    public record Outcome(List<Step> steps) {
        public Outcome {
            steps = List.copyOf(steps);
        }

        /** One line per executed action. */
        public List<String> applied() {
            return steps.stream().filter(Step::ok).map(Step::line).toList();
        }

        /** One line per failed action, saying what went wrong. */
        public List<String> failed() {
            return steps.stream().filter(s -> !s.ok()).map(Step::line).toList();
        }
    }

    /** Hears of each executed action right after its state write committed, and of each failed one. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** Called for every step; by default passes its line on to {@link #applied} or {@link #failed}. */
        default void step(Step step) {
            if (step.ok()) applied(step.line());
            else failed(step.line());
        }

        default void applied(String line) {
        }

        default void failed(String line) {
        }
    }

    public Outcome apply(Plan plan, Desired desired, Instant now) throws StalePlanException {
        return apply(plan, desired, now, Listener.NONE);
    }

    public Outcome apply(Plan plan, Desired desired, Instant now, Listener listener) throws StalePlanException {
        return apply(plan, desired, now, listener, BuildListener.NONE);
    }

    /** As {@link #apply(Plan, Desired, Instant, Listener)}; {@code builds} also hears each build start and end. */
    public Outcome apply(Plan plan, Desired desired, Instant now, Listener listener, BuildListener builds)
            throws StalePlanException {
        if (!desired.revision().equals(plan.revision())) {
            throw new StalePlanException("the plan was made at " + plan.revision() + " but the specs are now at "
                    + desired.revision() + "; make a new plan");
        }
        StateSnapshot state = store.snapshot();
        if (!Fingerprint.of(state.observed(Map.of(), Map.of())).equals(plan.stateFingerprint())) {
            throw new StalePlanException("the build and rollout state changed since the plan was made at "
                    + plan.createdAt() + "; make a new plan");
        }
        // A pull-request preview names images that are not built yet by their inputs digest: never release machines to one.
        Set<String> built = state.builds().values().stream().map(Build::imageDigest).collect(Collectors.toSet());
        for (Action a : plan.actions()) {
            if (a instanceof Action.Promote p && !built.contains(p.toDigest())) {
                throw new StalePlanException("the plan releases " + p.group() + " to " + p.toDigest() + ", which is not a"
                        + " recorded build (a --base/--head preview cannot be applied); make a new plan without --base and --head");
            }
        }
        // Builds first, in parallel where independent; then the rollout actions, one transaction each.
        List<Action.BuildImage> toBuild = plan.actions().stream().filter(a -> a instanceof Action.BuildImage)
                .map(a -> (Action.BuildImage) a).toList();
        Outcome buildOutcome = applyBuilds(toBuild, desired, now, new BuildListener() {
            @Override
            public void started(Action.BuildImage action) {
                builds.started(action);
            }

            @Override
            public void built(Action.BuildImage action, Build build, java.time.Duration took) {
                builds.built(action, build, took);
                listener.step(new Step(action, true, line(action), Optional.of(build)));
            }

            @Override
            public void failed(Action.BuildImage action, String message, java.time.Duration took) {
                builds.failed(action, message, took);
                listener.step(new Step(action, false, message, Optional.empty()));
            }
        });
        List<Step> steps = new ArrayList<>(buildOutcome.steps());
        for (Action a : plan.actions()) {
            if (!changesState(a) || a instanceof Action.BuildImage) continue;
            Optional<String> failure = execute(a, desired, now, plan.revision());
            Step step = new Step(a, failure.isEmpty(), failure.orElse(line(a)), Optional.empty());
            steps.add(step);
            listener.step(step);
        }
        return new Outcome(steps);
    }

    /** Whether applying {@code a} writes anything: builds, promotions, rollbacks and halts. */
    public static boolean changesState(Action a) {
        return a instanceof Action.BuildImage || a instanceof Action.Promote || a instanceof Action.Rollback
                || (a instanceof Action.Hold h && h.cause() == Action.HoldCause.FAILURE_POLICY);
    }

    /** Carries out one action in one transaction; the failure line when it failed. */
    private Optional<String> execute(Action a, Desired desired, Instant now, String revision) {
        if (a instanceof Action.Promote p) {
            store.update(tx -> promote(tx, p, group(desired, p.group()), desired, now, revision));
        } else if (a instanceof Action.Rollback r) {
            store.update(tx -> rollback(tx, r, group(desired, r.group()), desired, now, revision));
        } else if (a instanceof Action.Hold h) {
            store.update(tx -> halt(tx, h, now, revision));
        }
        return Optional.empty();
    }

    /**
     * Refuses a saved plan that would release machines outside their group's maintenance windows at
     * apply time: a plan saved while a window was open is not carried out after it closed. (Machine
     * reports alone never make a plan stale, so this is a check of time, not a new plan.)
     */
    public static void checkWindows(Plan saved, Desired desired, Instant now) throws StalePlanException {
        for (Action a : saved.actions()) {
            if (!(a instanceof Action.Promote p)) continue;
            var rollout = group(desired, p.group()).rollout();
            if (!Windows.isOpen(rollout, now)) {
                throw new StalePlanException("the plan releases machines of " + p.group() + ", but its maintenance windows are"
                        + " closed at " + now + Windows.nextOpening(rollout, now).map(t -> " (next opens " + t + ")").orElse("")
                        + "; make a new plan inside a window");
            }
        }
    }

    private static String line(Action a) {
        return a.symbol() + " " + a.subject() + ": " + a.reason();
    }

    /** Hears how each build went, as it happens (from the thread that ran it). */
    public interface BuildListener {
        BuildListener NONE = new BuildListener() {
        };

        default void started(Action.BuildImage action) {
        }

        default void built(Action.BuildImage action, Build build, java.time.Duration took) {
        }

        default void failed(Action.BuildImage action, String message, java.time.Duration took) {
        }
    }

    /**
     * Runs BUILD actions, at most {@code parallelism} at a time: independent images in parallel, an image
     * built on another image of the fleet only after that one is recorded. A failed build fails the images
     * built on it, and nothing else. Each build is recorded only after its push succeeded.
     */
    public Outcome applyBuilds(List<Action.BuildImage> builds, Desired desired, Instant now, BuildListener listener) {
        return applyBuilds(builds, desired, now, listener, 4);
    }

    public Outcome applyBuilds(List<Action.BuildImage> builds, Desired desired, Instant now, BuildListener listener,
                               int parallelism) {
        if (builds.isEmpty()) return new Outcome(List.of());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(parallelism, builds.size())));
        try {
            Map<String, java.util.concurrent.CompletableFuture<Step>> done = new java.util.LinkedHashMap<>();
            for (Action.BuildImage b : builds) schedule(b, builds, desired, now, listener, pool, done);
            return new Outcome(builds.stream().map(b -> done.get(key(b)).join()).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    private static String key(Action.BuildImage b) {
        return b.republish().map(r -> b.image() + " republish " + r.fromDigest()).orElse(b.image());
    }

    private java.util.concurrent.CompletableFuture<Step> schedule(
            Action.BuildImage b, List<Action.BuildImage> all, Desired desired, Instant now, BuildListener listener,
            java.util.concurrent.Executor pool, Map<String, java.util.concurrent.CompletableFuture<Step>> done) {
        if (b.republish().isPresent()) {
            // A republish copies a pushed image; it waits for nothing, and nothing waits for it.
            var mine = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> build(b, desired, now, desired.revision(), listener), pool);
            done.put(key(b), mine);
            return mine;
        }
        var existing = done.get(b.image());
        if (existing != null) return existing;
        Optional<Action.BuildImage> parent = desired.fleet().image(b.image())
                .filter(i -> i.from() instanceof dev.strata.spec.ImageSource.FromImage)
                .map(i -> ((dev.strata.spec.ImageSource.FromImage) i.from()).image())
                .flatMap(p -> all.stream().filter(o -> o.image().equals(p) && o.republish().isEmpty()).findFirst());
        var after = parent.map(p -> schedule(p, all, desired, now, listener, pool, done))
                .orElse(java.util.concurrent.CompletableFuture.completedFuture(null));
        var mine = after.thenApplyAsync(parentStep -> {
            if (parentStep != null && !parentStep.ok()) {
                String m = "+ " + b.image() + ": not built: its base image " + parent.get().image() + " failed";
                listener.failed(b, m, java.time.Duration.ZERO);
                return new Step(b, false, m, Optional.empty());
            }
            return build(b, desired, now, desired.revision(), listener);
        }, pool);
        done.put(b.image(), mine);
        return mine;
    }

    private Step build(Action.BuildImage b, Desired desired, Instant now, String revision, BuildListener listener) {
        long start = System.nanoTime();
        listener.started(b);
        if (builder.isEmpty()) {
            String m = "+ " + b.image() + ": not built: this Strata has no image builder configured";
            listener.failed(b, m, java.time.Duration.ZERO);
            return new Step(b, false, m, Optional.empty());
        }
        Build built;
        try {
            built = builder.get().build(b, desired);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            String m = "+ " + b.image() + ": build failed: " + e.getMessage();
            listener.failed(b, m, java.time.Duration.ofNanos(System.nanoTime() - start));
            return new Step(b, false, m, Optional.empty());
        }
        Optional<dev.strata.plan.Packages> packages = builder.get().packages(built);
        // Recorded only after the push succeeded, with its package list; one writer at a time.
        synchronized (store) {
            store.update(tx -> {
                tx.recordBuild(built);
                packages.ifPresent(p -> tx.recordPackages(built.inputsDigest(), p));
                Optional.ofNullable(desired.inputs().get(b.image())).filter(in -> b.republish().isEmpty())
                        .ifPresent(in -> tx.recordInputs(in, now));
                tx.appendHistory(HistoryEntry.forAction(now, revision, b, built.imageDigest()));
            });
        }
        listener.built(b, built, java.time.Duration.ofNanos(System.nanoTime() - start));
        return new Step(b, true, line(b), Optional.of(built));
    }

    /** The recorded build of some inputs; safe to call while builds run (for images built on images). */
    public static java.util.function.Function<String, Optional<Build>> recordedBuilds(StateStore store) {
        return inputs -> {
            synchronized (store) {
                return store.read(r -> r.build(inputs));
            }
        };
    }

    private static MachineGroup group(Desired desired, String name) {
        return desired.fleet().group(name).orElseThrow(() -> new IllegalStateException("plan names unknown group " + name));
    }

    /**
     * Records each machine's release. A bootc machine is released for the digest it will boot and report: for
     * a multi-arch image, its platform's manifest, which delivery hands it as its target. A zincati machine is
     * released for the image digest, the release its graph gate and its polls are known by (the graph gives it
     * its basearch's payload).
     */
    private static void release(StateTransaction tx, MachineGroup g, List<String> names, String digest, Instant now) {
        Set<String> wanted = new HashSet<>(names);
        PlatformDigests platforms = Releases.zincati(g) ? PlatformDigests.of(List.of()) : PlatformDigests.of(tx.builds().values());
        for (Machine m : g.machines()) {
            if (!wanted.contains(m.name())) continue;
            String own = platforms.forPlatform(digest, m.platform()).orElseThrow(() -> new IllegalStateException("machine "
                    + m.name() + " is " + m.platform() + ", and image " + g.image() + " (" + digest + ") has no manifest for it"));
            MachineState was = tx.machine(m.id()).orElse(MachineState.unknown(m.id()));
            // A new release clears the failure of the previous one.
            tx.recordMachine(new MachineState(m.id(), was.booted(), was.bootedSince(), was.staged(), Optional.of(own),
                    Optional.of(now), Optional.empty(), was.lastReport()));
        }
    }

    private static void promote(StateTransaction tx, Action.Promote p, MachineGroup g, Desired desired, Instant now,
                                String revision) {
        GroupState was = tx.group(g.name()).orElse(GroupState.fresh(g.name()));
        boolean newTarget = was.target().filter(p.toDigest()::equals).isEmpty();
        Optional<String> previous = newTarget ? was.target().or(p::fromDigest) : was.previous();
        tx.saveGroup(new GroupState(g.name(), Optional.of(p.toDigest()), previous,
                newTarget ? Optional.of(now) : was.startedAt(), GroupState.Status.ROLLING, was.rejectedDigests(),
                was.pausedByOperator()));
        release(tx, g, p.machines(), p.toDigest(), now);
        publish(tx, g, p.toDigest(), desired, now);
        tx.appendHistory(HistoryEntry.forAction(now, revision, p, String.join(",", p.machines())));
    }

    /**
     * A zincati group's machines only go to releases of the group (docs/zincati.md): the first promotion of
     * a digest publishes it as the group's next release.
     */
    private static void publish(StateTransaction tx, MachineGroup g, String digest, Desired desired, Instant now) {
        if (!Releases.zincati(g)) return;
        List<Release> releases = tx.releases(g.name());
        if (Releases.ofDigest(releases, digest).isPresent()) return;
        Build build = tx.builds().values().stream().filter(b -> b.imageDigest().equals(digest)).findFirst()
                .orElseThrow(() -> new IllegalStateException("group " + g.name() + " is released to " + digest
                        + ", which is not a recorded build"));
        tx.recordRelease(Releases.next(g, build, releases, desired.fleet(), now));
    }

    private static void rollback(StateTransaction tx, Action.Rollback r, MachineGroup g, Desired desired, Instant now,
                                 String revision) {
        GroupState was = tx.group(g.name()).orElse(GroupState.fresh(g.name()));
        Set<String> rejected = new HashSet<>(was.rejectedDigests());
        rejected.add(r.fromDigest());
        tx.saveGroup(new GroupState(g.name(), Optional.of(r.toDigest()), was.previous(), was.startedAt(),
                GroupState.Status.ROLLED_BACK, rejected, was.pausedByOperator()));
        release(tx, g, r.machines(), r.toDigest(), now);
        publish(tx, g, r.toDigest(), desired, now);
        // The failed release is a dead end: no machine is sent to it again, and its own machines move on.
        Releases.ofDigest(tx.releases(g.name()), r.fromDigest()).ifPresent(bad -> tx.markReleaseDeadEnd(g.name(), bad.ageIndex(),
                "rolled back after failures: " + r.reason()));
        tx.appendHistory(HistoryEntry.forAction(now, revision, r, String.join(",", r.machines())));
    }

    private static void halt(StateTransaction tx, Action.Hold h, Instant now, String revision) {
        GroupState was = tx.group(h.group()).orElse(GroupState.fresh(h.group()));
        if (was.status() == GroupState.Status.HALTED) return;
        tx.saveGroup(new GroupState(was.group(), was.target(), was.previous(), was.startedAt(), GroupState.Status.HALTED,
                was.rejectedDigests(), was.pausedByOperator()));
        tx.appendHistory(HistoryEntry.forAction(now, revision, h, ""));
    }
}
