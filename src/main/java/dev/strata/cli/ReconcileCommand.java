package dev.strata.cli;

import dev.strata.reconcile.Applier;
import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.ReconcileResult;
import dev.strata.reconcile.Reconciler;
import dev.strata.render.DiagnosticsRenderer;
import dev.strata.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"Fetch, plan and apply in one run, under the run lock: build what is missing, advance rollouts,"
                + " record it all in the state store. For cron, CI schedules and Kubernetes CronJobs.",
                "Run it where 'strata serve' runs, against the same --state file: FleetLock slots and machine reports live there."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:reconciled (no changes, or changes without --detailed-exitcode)",
                " 1:failure, or an action failed", " 2:changes made (with --detailed-exitcode)",
                " 3:a group is halted by its failure policy", "64:usage error", "65:invalid specs",
                "75:another run holds the run lock"})
final class ReconcileCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RepoOptions repo;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit to reconcile (default: HEAD).")
    Optional<String> ref;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text or json. Default: ${DEFAULT-VALUE}.")
    ReconcileReport.Format format;

    @Option(names = "--detailed-exitcode", description = "Exit 2 when something was built, promoted or rolled back.")
    boolean detailedExitCode;

    @Option(names = "--wait", defaultValue = "10s", paramLabel = "DURATION",
            description = "How long to wait for another run (e.g. strata serve's) to release the run lock. Default: ${DEFAULT-VALUE}.")
    String wait;

    @Option(names = "--now", paramLabel = "INSTANT",
            description = "Reconcile as of this time (ISO-8601), for simulations and tests. Default: now.")
    Optional<Instant> asOf;

    @Mixin
    DrillClockOption drillClock;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration waitFor = dev.strata.spec.Durations.parse(wait)
                .orElseThrow(() -> new UserError("--wait: '" + wait + "' is not a duration such as 30s or 5m", ExitCodes.USAGE));
        drillClock.notWith(asOf);
        Clock time = drillClock.drill(clock).<Clock>map(d -> d).orElse(clock);
        Instant now = asOf.orElseGet(time::instant);
        ReconcileResult result;
        try (FleetSource source = repo.openForReconcile(); StateStore store = repo.openState()) {
            Reconciler reconciler = new Reconciler(source, store, Streams.forRun(repo),
                    (rev, fleet) -> Builders.forRun(repo, rev, fleet, store, err),
                    new Reconciler.Settings(ref, waitFor, "strata reconcile",
                            Optional.ofNullable(repo.registry).filter(r -> !r.isBlank())));
            ReconcileReport report = new ReconcileReport(format, out);
            // Text lines appear as each action is carried out, so a run that dies part-way has said what it did.
            result = reconciler.reconcile(now, format == ReconcileReport.Format.TEXT ? new Applier.Listener() {
                @Override
                public void step(Applier.Step step) {
                    report.step(step);
                }
            } : Applier.Listener.NONE);
            report.notes(result, err);
            report.finish(result);
        } catch (dev.strata.source.SourceException e) {
            throw new UserError(e.getMessage(), ExitCodes.FAILURE);
        }
        return exitCode(result, err);
    }

    private int exitCode(ReconcileResult result, PrintWriter err) {
        if (result instanceof ReconcileResult.Reconciled r) {
            if (r.failed()) return ExitCodes.FAILURE;
            if (r.halted()) return ExitCodes.HALTED;
            return detailedExitCode && r.changed() ? ExitCodes.CHANGES : ExitCodes.OK;
        }
        if (result instanceof ReconcileResult.Invalid i) {
            if (format == ReconcileReport.Format.TEXT) {
                err.println("strata: the specs at " + i.revision() + " are invalid (" + i.validation().errors()
                        + (i.validation().errors() == 1 ? " error)" : " errors)") + "; nothing was changed");
                DiagnosticsRenderer.render(i.validation(), i.revision(), DiagnosticsRenderer.Format.TEXT, err);
            }
            return ExitCodes.INVALID_SPECS;
        }
        if (result instanceof ReconcileResult.Locked l) {
            err.println("strata: " + l.message());
            return ExitCodes.LOCKED;
        }
        ReconcileResult.Failed f = (ReconcileResult.Failed) result;
        err.println("strata: " + f.message());
        return ExitCodes.FAILURE;
    }
}
