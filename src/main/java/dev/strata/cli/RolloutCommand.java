package dev.strata.cli;

import dev.strata.plan.GroupState;
import dev.strata.spec.MachineGroup;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.HistoryEntry;
import dev.strata.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Manual control for people in a hurry, each recorded in the history with who and why: pause and resume
 * a group's rollout, and give back the reboot slot of a machine that will not come back (docs/delivery.md
 * says how each relates to Git on the next reconcile).
 */
@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = "Pause or resume a group's rollout, or release a machine's reboot slot by hand.",
        subcommands = {RolloutCommand.Pause.class, RolloutCommand.Resume.class, RolloutCommand.ReleaseLock.class})
final class RolloutCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** What every subcommand takes: the repository and state, the ref, who and why. */
    abstract static class Base implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        RepoOptions repo;

        @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit whose fleet names the group (default: HEAD).")
        Optional<String> ref;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "Why, for the history.")
        String reason;

        @Option(names = "--by", paramLabel = "NAME", description = "Who, for the history (default: the login name).")
        Optional<String> by;

        Clock clock = Clock.systemUTC();

        String why() {
            return "by " + by.orElseGet(Who::me) + (reason.isBlank() ? "" : ": " + reason.strip());
        }

        /**
         * The fleet at the ref; when it cannot be read (a remote down, specs broken mid-incident) the command
         * still works, checking the group against the state store, and says so.
         */
        Optional<FleetAtRef> fleet() {
            try {
                return Optional.of(FleetAtRef.read(repo, ref));
            } catch (UserError e) {
                if (e.exitCode() == ExitCodes.USAGE) throw e;
                spec.commandLine().getErr().println("note: cannot read the fleet (" + e.getMessage()
                        + "); checking names against the state store instead");
                return Optional.empty();
            }
        }

        /** The group, known to the fleet, or failing that to the state store. */
        String group(String name, Optional<FleetAtRef> fleet, StateStore store) {
            if (fleet.isPresent()) return fleet.get().group(name).name();
            if (store.group(name).isEmpty()) {
                throw new UserError("no group '" + name + "' in the state store at " + store.location(), ExitCodes.USAGE);
            }
            return name;
        }

        static String revision(Optional<FleetAtRef> fleet) {
            return fleet.map(FleetAtRef::revision).orElse("-");
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Stop the group's rollout now: no more machines are released, and FleetLock gives no new reboot slots,"
                    + " until 'strata rollout resume'.")
    static final class Pause extends Base {
        @Parameters(index = "0", paramLabel = "GROUP")
        String name;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Optional<FleetAtRef> fleet = fleet();
            Instant now = clock.instant();
            try (StateStore store = repo.openState()) {
                String g = group(name, fleet, store);
                boolean changed = store.transaction(tx -> {
                    GroupState was = tx.group(g).orElse(GroupState.fresh(g));
                    if (was.pausedByOperator()) return false;
                    tx.saveGroup(new GroupState(g, was.target(), was.previous(), was.startedAt(), was.status(),
                            was.rejectedDigests(), true));
                    tx.appendHistory(new HistoryEntry(now, revision(fleet), "pause", g, "", "paused " + why()));
                    return true;
                });
                out.println(changed ? "Paused " + g + " (" + why() + "): no machine is released and no reboot slot is given"
                        + " until 'strata rollout resume " + g + "'." : g + " was already paused by an operator; nothing changed.");
                if (fleet.flatMap(f -> f.fleet().group(g)).map(x -> x.rollout().paused()).orElse(false)) {
                    out.println("Its spec pauses it too (paused: true): resuming it needs a commit as well.");
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Undo 'strata rollout pause', and resume a group its failure policy halted.")
    static final class Resume extends Base {
        @Parameters(index = "0", paramLabel = "GROUP")
        String name;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Optional<FleetAtRef> fleet = fleet();
            Instant now = clock.instant();
            try (StateStore store = repo.openState()) {
                String g = group(name, fleet, store);
                Optional<GroupState> before = store.transaction(tx -> {
                    GroupState was = tx.group(g).orElse(GroupState.fresh(g));
                    boolean halted = was.status() == GroupState.Status.HALTED;
                    if (!was.pausedByOperator() && !halted) return Optional.empty();
                    tx.saveGroup(new GroupState(g, was.target(), was.previous(), was.startedAt(),
                            halted ? GroupState.Status.ROLLING : was.status(), was.rejectedDigests(), false));
                    tx.appendHistory(new HistoryEntry(now, revision(fleet), "resume", g, halted ? "was halted" : "",
                            "resumed " + why()));
                    return Optional.of(was);
                });
                if (before.isEmpty()) {
                    out.println(g + " is neither paused by an operator nor halted; nothing changed.");
                } else {
                    out.println("Resumed " + g + " (" + why() + ")" + (before.get().status() == GroupState.Status.HALTED
                            ? "; it was halted by its failure policy, which halts it again at the next reconcile if its"
                            + " machines still fail." : "."));
                }
                if (fleet.flatMap(f -> f.fleet().group(g)).map(x -> x.rollout().paused()).orElse(false)) {
                    out.println("Its spec still pauses it (paused: true): commit paused: false to let it roll.");
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "release-lock", mixinStandardHelpOptions = true,
            description = "Give back the FleetLock reboot slot a machine holds, for a machine that will not come back.")
    static final class ReleaseLock extends Base {
        @Parameters(index = "0", paramLabel = "GROUP")
        String name;

        @Parameters(index = "1", paramLabel = "MACHINE", description = "The machine's name or 32-hex id.")
        String machine;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Optional<FleetAtRef> fleet = fleet();
            Instant now = clock.instant();
            try (StateStore store = repo.openState()) {
                String g = group(name, fleet, store);
                String id = machineId(fleet, g);
                Optional<FleetLockHolder> released = store.transaction(tx -> {
                    Optional<FleetLockHolder> h = tx.fleetLockHolder(id).filter(x -> x.group().equals(g));
                    if (h.isEmpty()) return h;
                    tx.releaseFleetLock(id);
                    tx.appendHistory(new HistoryEntry(now, revision(fleet), "release-lock", g, id, "released by hand " + why()
                            + (h.get().failed() ? "; it had failed: " + h.get().failure().orElse("") : "")));
                    return h;
                });
                if (released.isEmpty()) {
                    Optional<FleetLockHolder> elsewhere = store.fleetLockHolder(id);
                    out.println(machine + " holds no reboot slot in " + g + elsewhere.map(h -> " (it holds one in " + h.group() + ")")
                            .orElse("") + "; nothing changed.");
                } else {
                    out.println("Released the reboot slot " + machine + " held in " + g + " since " + released.get().grantedAt()
                            + (released.get().failed() ? " (marked failed)" : "") + ".");
                }
            }
            return ExitCodes.OK;
        }

        /** An id as given (a machine gone from the fleet can still hold a slot), or a name looked up in the group. */
        private String machineId(Optional<FleetAtRef> fleet, String group) {
            if (machine.matches("[0-9a-f]{32}")) return machine;
            if (fleet.isEmpty()) {
                throw new UserError("the fleet cannot be read, so give the machine's 32-hex id rather than its name", ExitCodes.USAGE);
            }
            Optional<MachineGroup> g = fleet.get().fleet().group(group);
            return fleet.get().machine(machine, g).machine().id();
        }
    }
}
