package dev.strata.bench;

import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.plan.GroupState;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.MachineState;
import dev.strata.plan.StreamResolution;
import dev.strata.reconcile.BuildExecutor;
import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.Planning;
import dev.strata.reconcile.ReconcileResult;
import dev.strata.reconcile.Reconciler;
import dev.strata.reconcile.Revision;
import dev.strata.reconcile.StreamSource;
import dev.strata.source.GitSource;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Stream;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A reconcile tick on a large fleet, as {@code strata serve} runs it: one {@link Reconciler} in a warm
 * JVM, called again and again. The repository holds the generated fleet (FleetGenerator: 1,000 images,
 * 200 groups, 100,000 machines); the state file says every image is built and every group rolled out,
 * so no tick builds or promotes anything. Followed streams resolve offline from recorded digests.
 * Times a first (cold) tick, ticks at the same commit, and ticks right after a commit that changes one
 * group's spec (its bake time). Run with scripts/bench-reconcile; prints figures.
 *
 * <p>Usage: {@code ReconcileBench REPO STATE [RUNS]}; REPO is a folder with the generated fleet (committed
 * here when it is not a repository yet); STATE is written afresh.
 */
public final class ReconcileBench {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]);
        Path state = Path.of(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        try (Git git = openOrCommit(repo)) {
            long t0 = System.nanoTime();
            seed(repo, state);
            System.out.printf(Locale.ROOT, "state: every image built, every group rolled out (%d ms to write)%n", ms(t0));

            BuildExecutor.Factory noBuilds = (rev, fleet) -> (action, desired) -> {
                throw new IllegalStateException("the benchmark fleet should need no build, but the plan builds " + action.image());
            };
            try (FleetSource source = new FleetSource(GitSource.open(repo.toString(), GitSource.Options.defaults()), "", false);
                 StateStore store = SqliteStateStore.open(state)) {
                Reconciler reconciler = new Reconciler(source, store, StreamSource.offline(), noBuilds, Reconciler.Settings.defaults());
                report("first tick (cold JVM, reads and validates the fleet)", List.of(tick(reconciler, 0)));

                List<Long> same = new ArrayList<>();
                for (int i = 0; i < runs; i++) same.add(tick(reconciler, i + 1));
                report("tick, commit unchanged", same);

                List<Long> changed = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    changeOneGroup(git, repo, i);
                    changed.add(tick(reconciler, runs + i + 1));
                }
                report("tick after a commit changing one group", changed);
            }
        }
        System.out.printf(Locale.ROOT, "heap in use at the end: %d MiB; load average %s%n",
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
                Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** One reconcile; fails loudly unless it planned without changing anything. Prints its CPU time (all threads, GC too). */
    static long tick(Reconciler reconciler, int minutes) {
        long cpu0 = cpu();
        long t0 = System.nanoTime();
        ReconcileResult r = reconciler.reconcile(NOW.plus(Duration.ofMinutes(minutes)));
        long took = ms(t0);
        cpuTimes.add((cpu() - cpu0) / 1_000_000);
        if (!(r instanceof ReconcileResult.Reconciled done) || !done.steps().isEmpty()) {
            throw new IllegalStateException("the tick should change nothing, but came to " + r);
        }
        return took;
    }

    private static final List<Long> cpuTimes = new ArrayList<>();

    /** Wall times, then the CPU times of the same ticks. */
    static void report(String what, List<Long> times) {
        List<Long> sorted = times.stream().sorted().toList();
        List<Long> cpu = List.copyOf(cpuTimes);
        cpuTimes.clear();
        System.out.printf(Locale.ROOT, "%-52s wall min %5d ms  median %5d ms  %s; CPU %s ms%n", what, sorted.get(0),
                sorted.get(sorted.size() / 2), times, cpu);
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static Git openOrCommit(Path repo) throws Exception {
        if (Files.isDirectory(repo.resolve(".git"))) return Git.open(repo.toFile());
        Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
        commit(git, "the generated fleet", 0);
        return git;
    }

    private static void commit(Git git, String message, int n) throws Exception {
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("bench", "bench@example.com", NOW.minusSeconds(86_400 - 60L * n), ZoneOffset.UTC);
        git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
    }

    /** Moves the first group's bake time by a minute: a new commit whose plan still builds and promotes nothing. */
    private static void changeOneGroup(Git git, Path repo, int i) throws Exception {
        Path file;
        try (var files = Files.list(repo.resolve("groups"))) {
            file = files.sorted().findFirst().orElseThrow();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String changed = text.replaceFirst("(?m)^    bakeTime: .*$", "    bakeTime: " + (61 + i) + "m");
        if (changed.equals(text)) throw new IllegalStateException(file + " has no bakeTime line to change");
        Files.writeString(file, changed, StandardCharsets.UTF_8);
        commit(git, "bake time " + (61 + i) + "m", i + 1);
    }

    /** A fresh state file: followed streams recorded, every image built, every group rolled out on its target. */
    private static void seed(Path repo, Path state) throws Exception {
        for (String suffix : List.of("", "-wal", "-shm", ".lock")) Files.deleteIfExists(Path.of(state + suffix));
        try (FleetSource source = new FleetSource(GitSource.open(repo.toString(), GitSource.Options.defaults()), "", false);
             StateStore store = SqliteStateStore.open(state)) {
            Revision rev = source.read(Optional.empty());
            var fleet = rev.validation().fleet().orElseThrow(() -> new IllegalStateException("the generated fleet does not validate"));
            Instant then = NOW.minus(Duration.ofDays(1));
            store.update(tx -> {
                for (Stream s : fleet.streams()) {
                    if (s.pin().isEmpty()) tx.recordStream(new StreamResolution(s.name(), digest("stream " + s.name()),
                            Optional.of("43.20261101.3.0"), StreamResolution.Source.REGISTRY), then);
                }
            });
            StreamSource.Resolved streams = StreamSource.offline().resolve(fleet, recorded(store));
            Desired desired = Planning.desired(rev, streams.streams());
            store.update(tx -> {
                for (InputsDigest in : desired.inputs().values()) {
                    String image = digest("image " + in.digest());
                    Optional<String> baseVersion = streams.streams().values().stream()
                            .filter(s -> s.digest().equals(in.baseDigest())).findFirst().flatMap(StreamResolution::version);
                    tx.recordBuild(new Build(in.image(), in.digest(), image, "registry.example.com/fleet/" + in.image() + "@" + image,
                            rev.revision(), in.baseDigest(), baseVersion, then));
                }
                for (MachineGroup g : fleet.groups()) {
                    String target = tx.build(desired.inputs().get(g.image()).digest()).orElseThrow().imageDigest();
                    tx.saveGroup(new GroupState(g.name(), Optional.of(target), Optional.empty(), Optional.of(then),
                            GroupState.Status.DONE, Set.of(), false));
                    for (Machine m : g.machines()) {
                        tx.recordMachine(new MachineState(m.id(), Optional.of(target), Optional.of(then), Optional.empty(),
                                Optional.of(target), Optional.of(then), Optional.empty(), Optional.of(then)));
                    }
                }
            });
        }
    }

    private static Map<String, StreamResolution> recorded(StateStore store) {
        Map<String, StreamResolution> out = new java.util.HashMap<>();
        store.recordedStreams().values().forEach(r -> out.put(r.stream(), r.asResolution()));
        return out;
    }

    private static String digest(String of) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(of.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
