package dev.strata.cli;

import dev.strata.plan.Plan;
import dev.strata.reconcile.Applier;
import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.InvalidSpecsException;
import dev.strata.reconcile.Planning;
import dev.strata.reconcile.Revision;
import dev.strata.reconcile.StalePlanException;
import dev.strata.render.PlanFormatException;
import dev.strata.render.PlanJson;
import dev.strata.state.RunLock;
import dev.strata.state.RunLockedException;
import dev.strata.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Execute a saved plan exactly (from 'strata plan --out FILE'); refuse it when it is stale.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:applied", " 1:failure, or an action failed", "64:usage error",
                "65:invalid specs", "75:another run holds the run lock", "76:the plan is stale; plan again"})
final class ApplyCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RepoOptions repo;

    @Parameters(index = "0", paramLabel = "PLANFILE", description = "A plan saved by 'strata plan --out'.")
    Path planFile;

    @Option(names = "--ref", paramLabel = "REF", description = "The ref the plan was made for (default: HEAD). The plan is stale when it moved.")
    Optional<String> ref;

    @Option(names = "--wait", defaultValue = "0s", paramLabel = "DURATION",
            description = "How long to wait for another run to finish (e.g. 5m). Default: fail at once.")
    String wait;

    @Option(names = "--now", paramLabel = "INSTANT",
            description = "Apply as of this time (ISO-8601), for simulations and tests; the plan must still hold then. Default: now.")
    Optional<Instant> asOf;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|plain|tty",
            description = "Build progress: tty redraws a line per running image with its layers and bytes; plain prints"
                    + " lines only; auto is tty on a terminal. Default: ${DEFAULT-VALUE}.")
    BuildProgressView.Mode progress;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Plan plan;
        try (Reader r = Files.newBufferedReader(planFile)) {
            plan = PlanJson.read(r);
        } catch (NoSuchFileException e) {
            throw new UserError("no such plan file: " + planFile, ExitCodes.USAGE);
        } catch (PlanFormatException e) {
            throw new UserError(planFile + " is not a Strata plan: " + e.getMessage(), ExitCodes.USAGE);
        }
        Duration waitFor = dev.strata.spec.Durations.parse(wait)
                .orElseThrow(() -> new UserError("--wait: '" + wait + "' is not a duration such as 30s or 5m", ExitCodes.USAGE));
        Instant now = asOf.orElseGet(clock::instant);
        try (FleetSource source = repo.open(); StateStore store = repo.openState();
             RunLock lock = store.acquireRunLock("apply", waitFor)) {
            lock.clearedStale().ifPresent(h -> spec.commandLine().getErr().println("note: cleared a stale run lock of " + h.describe()));
            Revision rev = source.read(ref);
            Planning.Result current = Planning.plan(rev, Streams.forRun(repo), Optional.of(store.snapshot()), now);
            Planning.recordStreams(current, store, now);
            // Time moves between plan and apply: a window may have closed since.
            Applier.checkWindows(plan, current.desired(), now);
            BuildProgressView view = BuildProgressView.of(progress, out, spec.commandLine().getErr(), false);
            Applier.Outcome o;
            try (Builders.Run builder = Builders.forRun(repo, rev, current.desired().fleet(), store, view)) {
                o = new Applier(store, Optional.of(builder)).apply(plan, current.desired(), now, new Applier.Listener() {
                    @Override
                    public void applied(String line) {
                        view.say("applied " + line);
                        CrashTestHook.afterAction();
                    }

                    @Override
                    public void failed(String line) {
                        view.say("failed  " + line);
                    }
                }, view);
            } finally {
                view.finish();
            }
            out.println("Apply: " + o.applied().size() + " applied, " + o.failed().size() + " failed.");
            return o.failed().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
        } catch (RunLockedException e) {
            throw new UserError(e.getMessage(), ExitCodes.LOCKED);
        } catch (StalePlanException e) {
            throw new UserError("stale plan: " + e.getMessage(), ExitCodes.STALE_PLAN);
        } catch (InvalidSpecsException e) {
            throw new UserError(e.getMessage() + "; run 'strata validate' for the details", ExitCodes.INVALID_SPECS);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), ExitCodes.FAILURE);
        }
    }
}
