package dev.strata.cli;

import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.FleetStatus;
import dev.strata.reconcile.InvalidSpecsException;
import dev.strata.reconcile.Planning;
import dev.strata.reconcile.Revision;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.GraphPoll;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateSnapshot;
import dev.strata.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Images (built digest, commit) and, per group and wave, the target and previous digests, machines"
                + " updated, updating, pending and failed, FleetLock holders, and the next step with why it waits."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:printed", " 1:failure", "64:usage error", "65:invalid specs"})
final class StatusCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RepoOptions repo;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit (default: HEAD).")
    Optional<String> ref;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text or json. Default: ${DEFAULT-VALUE}.")
    StatusReport.Format format;

    @Option(names = "--now", paramLabel = "INSTANT",
            description = "Judge the next step as of this time (ISO-8601), for simulations. Default: now.")
    Optional<Instant> asOf;

    @Mixin
    DrillClockOption drillClock;

    Clock clock = Clock.systemUTC();

    /** What the state store holds, read once: the planner's snapshot and the FleetLock slots. */
    private record Read(Optional<StateSnapshot> snapshot, List<FleetLockHolder> holders, List<GraphPoll> polls,
                        List<dev.strata.plan.PackageDelta> packages) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        drillClock.notWith(asOf);
        Clock time = drillClock.drill(clock).<Clock>map(d -> d).orElse(clock);
        Instant now = asOf.orElseGet(time::instant);
        try (FleetSource source = repo.open()) {
            Revision rev = source.read(ref);
            Read state = readState();
            Planning.Result r = Planning.plan(rev, Streams.forRun(repo), state.snapshot(), now);
            r.notes().forEach(n -> spec.commandLine().getErr().println("note: " + n));
            FleetStatus status = FleetStatus.of(r, state.holders(), state.polls());
            StatusReport report = new StatusReport(out, state.packages());
            if (format == StatusReport.Format.JSON) {
                report.json(status, source.display(), state.snapshot().isPresent() ? Optional.of(repo.stateFile().toString()) : Optional.empty());
            } else {
                report.text(status, source.display(), state.snapshot().isEmpty()
                        ? Optional.of("No state store at " + repo.stateFile() + ": nothing is built or rolled out yet.") : Optional.empty());
            }
            return ExitCodes.OK;
        } catch (InvalidSpecsException e) {
            throw new UserError(e.getMessage() + "; run 'strata validate' for the details", ExitCodes.INVALID_SPECS);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), ExitCodes.FAILURE);
        }
    }

    /** Status needs no state store: without the file, nothing is built or rolled out yet. */
    private Read readState() {
        if (!Files.exists(repo.stateFile())) return new Read(Optional.empty(), List.of(), List.of(), List.of());
        try (StateStore s = SqliteStateStore.open(repo.stateFile())) {
            return s.read(r -> new Read(Optional.of(StateSnapshot.of(r)), r.fleetLockHolders(), r.graphPolls(),
                    r.packageDeltas()));
        }
    }
}
