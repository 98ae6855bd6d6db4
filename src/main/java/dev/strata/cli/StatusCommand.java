package dev.strata.cli;

import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.GroupState;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.MachineState;
import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.InvalidSpecsException;
import dev.strata.reconcile.Planning;
import dev.strata.reconcile.Revision;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.StateSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Images (built digest, commit) and groups (target, progress, and why the next step waits).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:printed", " 1:failure", "64:usage error", "65:invalid specs"})
final class StatusCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RepoOptions repo;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit (default: HEAD).")
    Optional<String> ref;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Instant now = clock.instant();
        try (FleetSource source = repo.open()) {
            Revision rev = source.read(ref);
            Optional<StateSnapshot> state = repo.snapshotIfPresent();
            Planning.Result r = Planning.plan(rev, Streams.forRun(repo), state, now);
            out.println("Fleet " + source.display() + " at " + rev.revision());
            if (state.isEmpty()) out.println("No state store at " + repo.stateFile() + ": nothing is built or rolled out yet.");
            out.println();
            out.println("Images:");
            for (var image : r.desired().fleet().images()) {
                InputsDigest in = r.desired().inputs().get(image.name());
                Optional<Build> b = in == null ? Optional.empty() : r.observed().build(in.digest());
                out.printf("  %-24s %s%n", image.name(), b.map(x -> x.imageDigest() + " (commit " + shortId(x.commit()) + ")")
                        .orElse(in == null ? "base not resolved" : "not built (inputs " + in.digest() + ")"));
            }
            out.println();
            out.println("Groups:");
            for (MachineGroup g : r.desired().fleet().groups()) {
                GroupState gs = r.observed().group(g.name()).orElse(GroupState.fresh(g.name()));
                int updated = 0, updating = 0, failed = 0;
                for (Machine m : g.machines()) {
                    MachineState ms = r.observed().machine(m.id()).orElse(MachineState.unknown(m.id()));
                    if (gs.target().isPresent() && ms.runs(gs.target().get())) updated++;
                    else if (ms.failure().isPresent()) failed++;
                    else if (ms.releasedDigest().isPresent() && !ms.runs(ms.releasedDigest().get())) updating++;
                }
                // Apply records a rollout as rolling; it is done once every machine runs its target.
                GroupState.Status status = gs.status() == GroupState.Status.ROLLING && updated == g.machines().size()
                        ? GroupState.Status.DONE : gs.status();
                out.printf("  %s (%s, %d machines): %s%n", g.name(), g.delivery().value(), g.machines().size(),
                        status.name().toLowerCase(java.util.Locale.ROOT));
                out.println("    target:   " + gs.target().orElse("-") + "   previous: " + gs.previous().orElse("-"));
                out.printf("    machines: %d updated, %d updating, %d pending, %d failed%n", updated, updating,
                        g.machines().size() - updated - updating - failed, failed);
                for (Action a : r.plan().actions()) {
                    if (a.subject().equals(g.name()) && !(a instanceof Action.BuildImage) && isGroupAction(a)) {
                        out.println("    next:     " + a.symbol() + " " + a.reason());
                    }
                }
            }
            return ExitCodes.OK;
        } catch (InvalidSpecsException e) {
            throw new UserError(e.getMessage() + "; run 'strata validate' for the details", ExitCodes.INVALID_SPECS);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), ExitCodes.FAILURE);
        }
    }

    private static boolean isGroupAction(Action a) {
        return a instanceof Action.Promote || a instanceof Action.Rollback || a instanceof Action.Hold
                || (a instanceof Action.Wait w && w.wave().isPresent()) || (a instanceof Action.Wait w2 && w2.cause() != Action.WaitCause.BUILD)
                || (a instanceof Action.Wait w3 && w3.reason().startsWith("waiting for image"))
                || (a instanceof Action.NoOp n && n.reason().startsWith("all "));
    }

    private static String shortId(String commit) {
        return commit.substring(0, Math.min(12, commit.length()));
    }
}
