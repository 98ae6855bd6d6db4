package dev.strata.cli;

import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.reconcile.Applier;
import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.InvalidSpecsException;
import dev.strata.reconcile.Planning;
import dev.strata.reconcile.Revision;
import dev.strata.state.RunLock;
import dev.strata.state.RunLockedException;
import dev.strata.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Build and push the images whose inputs have no build yet (all, or the IMAGEs named and the images they are built on).",
                "Independent images build in parallel; each is recorded in the state only after its push succeeded."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:every image is built", " 1:failure, or an image failed to build", "64:usage error",
                "65:invalid specs", "75:another run holds the run lock"})
final class BuildCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RepoOptions repo;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images to build (default: every image that needs it).")
    List<String> images = new ArrayList<>();

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit to build (default: HEAD).")
    Optional<String> ref;

    @Option(names = "--parallel", defaultValue = "4", paramLabel = "N", description = "Images built at once. Default: ${DEFAULT-VALUE}.")
    int parallel;

    @Option(names = "--wait", defaultValue = "0s", paramLabel = "DURATION",
            description = "How long to wait for another run to finish (e.g. 5m). Default: fail at once.")
    String wait;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|plain|tty",
            description = "Build progress: tty redraws a line per running image with its layers and bytes; plain prints"
                    + " lines only; auto is tty on a terminal. Default: ${DEFAULT-VALUE}.")
    BuildProgressView.Mode progress;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (parallel < 1) throw new UserError("--parallel must be at least 1", ExitCodes.USAGE);
        Duration waitFor = dev.strata.spec.Durations.parse(wait)
                .orElseThrow(() -> new UserError("--wait: '" + wait + "' is not a duration such as 30s or 5m", ExitCodes.USAGE));
        Instant now = clock.instant();
        try (FleetSource source = repo.open(); StateStore store = repo.openState();
             RunLock lock = store.acquireRunLock("build", waitFor)) {
            lock.clearedStale().ifPresent(h -> err.println("note: cleared a stale run lock of " + h.describe()));
            Revision rev = source.read(ref);
            Planning.Result r = Planning.plan(rev, Streams.forRun(repo), Optional.of(store.snapshot()), now);
            Planning.recordStreams(r, store, now);
            r.notes().forEach(n -> err.println("note: " + n));
            var fleet = r.desired().fleet();
            for (String name : images) {
                if (fleet.image(name).isEmpty()) throw new UserError("no image named " + name + " in the fleet", ExitCodes.USAGE);
            }
            List<Action.BuildImage> builds = selected(r.plan().actions(), r.desired().fleet());
            for (String name : images.isEmpty() ? fleet.images().stream().map(i -> i.name()).toList() : images) {
                if (builds.stream().noneMatch(b -> b.image().equals(name))) {
                    String why = r.desired().inputs().containsKey(name) ? "up to date" : "not buildable: its base is unresolved";
                    out.println("= " + name + ": " + why);
                }
            }
            Map<String, String[]> rows = new ConcurrentHashMap<>();
            BuildProgressView view = BuildProgressView.of(progress, out, err, true);
            view.expect(builds.size());
            Applier.BuildListener listener = new Applier.BuildListener() {
                @Override
                public void started(Action.BuildImage a) {
                    view.started(a);
                }

                @Override
                public void built(Action.BuildImage a, Build b, Duration took) {
                    rows.put(a.image(), new String[]{a.image(), "built", b.reference(), seconds(took)});
                    view.built(a, b, took);
                }

                @Override
                public void failed(Action.BuildImage a, String message, Duration took) {
                    rows.put(a.image(), new String[]{a.image(), "FAILED", message.replaceFirst("^\\+ [^:]+: ", ""), seconds(took)});
                    view.failed(a, message, took);
                }
            };
            Applier.Outcome o;
            try (Builders.Run builder = Builders.forRun(repo, rev, fleet, store, view)) {
                o = new Applier(store, Optional.of(builder)).applyBuilds(builds, r.desired(), now, listener, parallel);
            } finally {
                view.finish();
            }
            if (!builds.isEmpty()) table(out, builds, rows);
            out.println("Build: " + o.applied().size() + " built, " + o.failed().size() + " failed.");
            return o.failed().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
        } catch (RunLockedException e) {
            throw new UserError(e.getMessage(), ExitCodes.LOCKED);
        } catch (InvalidSpecsException e) {
            throw new UserError(e.getMessage() + "; run 'strata validate' for the details", ExitCodes.INVALID_SPECS);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), ExitCodes.FAILURE);
        }
    }

    /** The plan's BUILD actions for the named images and the images they are built on; all when none is named. */
    private List<Action.BuildImage> selected(List<Action> actions, dev.strata.spec.FleetSpec fleet) {
        List<Action.BuildImage> all = actions.stream().filter(a -> a instanceof Action.BuildImage)
                .map(a -> (Action.BuildImage) a).toList();
        if (images.isEmpty()) return all;
        Set<String> wanted = new LinkedHashSet<>();
        for (String name : images) {
            for (Optional<dev.strata.spec.Image> i = fleet.image(name); i.isPresent() && wanted.add(i.get().name()); ) {
                i = i.get().from() instanceof dev.strata.spec.ImageSource.FromImage p ? fleet.image(p.image()) : Optional.empty();
            }
        }
        return all.stream().filter(b -> wanted.contains(b.image())).toList();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    private static void table(PrintWriter out, List<Action.BuildImage> builds, Map<String, String[]> rows) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[]{"IMAGE", "RESULT", "REFERENCE / ERROR", "TIME"});
        for (Action.BuildImage b : builds) lines.add(rows.getOrDefault(b.image(), new String[]{b.image(), "?", "", ""}));
        int[] w = new int[3];
        for (String[] l : lines) for (int i = 0; i < 3; i++) w[i] = Math.max(w[i], l[i].length());
        out.println();
        for (String[] l : lines) {
            out.println(String.format(Locale.ROOT, "%-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %s", (Object[]) l).stripTrailing());
        }
    }
}
