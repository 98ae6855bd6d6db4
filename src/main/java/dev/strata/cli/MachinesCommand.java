package dev.strata.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.plan.MachineState;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.state.UnknownMachine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

@Command(name = "machines", mixinStandardHelpOptions = true,
        description = "The fleet's machines with what they last reported, their token and reboot slot; or, with --unknown,"
                + " the machine ids that called strata serve but that no group lists.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:printed", " 1:failure", "64:usage error", "65:invalid specs"})
final class MachinesCommand implements Callable<Integer> {
    enum Format { TEXT, JSON }

    private static final ObjectMapper JSON = new ObjectMapper();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RepoOptions repo;

    @Option(names = "--unknown", description = "List unknown machine ids seen (reads only the state store).")
    boolean unknown;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "Output format (default: text).")
    Format format;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit whose fleet is listed (default: HEAD).")
    Optional<String> ref;

    @Override
    public Integer call() {
        return unknown ? unknown(spec.commandLine().getOut()) : known(spec.commandLine().getOut());
    }

    private int unknown(PrintWriter out) {
        Path file = repo.stateFile();
        List<UnknownMachine> seen = List.of();
        if (Files.exists(file)) {
            try (StateStore store = SqliteStateStore.open(file)) {
                seen = store.unknownMachines();
            }
        }
        if (format == Format.JSON) {
            ObjectNode root = JSON.createObjectNode().put("formatVersion", 1);
            ArrayNode list = root.putArray("unknown");
            for (UnknownMachine u : seen) {
                list.addObject().put("id", u.id()).put("firstSeen", u.firstSeen().toString()).put("lastSeen", u.lastSeen().toString())
                        .put("endpoint", u.endpoint()).put("count", u.count());
            }
            out.println(root.toPrettyString());
            return ExitCodes.OK;
        }
        if (seen.isEmpty()) {
            out.println("No unknown machine ids seen" + (Files.exists(file) ? "." : " (no state store at " + file + ")."));
            return ExitCodes.OK;
        }
        out.printf("%-32s  %-24s  %-24s  %-12s  %s%n", "ID", "FIRST SEEN", "LAST SEEN", "LAST CALL", "CALLS");
        for (UnknownMachine u : seen) {
            out.printf("%-32s  %-24s  %-24s  %-12s  %d%n", u.id(), u.firstSeen(), u.lastSeen(), u.endpoint(), u.count());
        }
        out.println();
        out.println(seen.size() + " unknown id(s). To enrol one, add it to a group's machines, commit, and run"
                + " 'strata machine-config' for it.");
        return ExitCodes.OK;
    }

    private int known(PrintWriter out) {
        FleetAtRef fleet = FleetAtRef.read(repo, ref);
        Path file = repo.stateFile();
        Seen seen = new Seen(Map.of(), Map.of(), java.util.Set.of());
        if (Files.exists(file)) {
            try (StateStore store = SqliteStateStore.open(file)) {
                seen = store.read(r -> new Seen(r.machines(),
                        r.fleetLockHolders().stream().collect(Collectors.toMap(FleetLockHolder::machineId, Function.identity())),
                        fleet.fleet().groups().stream().flatMap(g -> g.machines().stream()).map(Machine::id)
                                .filter(id -> r.machineToken(id).isPresent()).collect(Collectors.toSet())));
            }
        }
        Map<String, MachineState> states = seen.states();
        Map<String, FleetLockHolder> holders = seen.holders();
        java.util.Set<String> tokens = seen.tokens();
        ObjectNode root = JSON.createObjectNode().put("formatVersion", 1).put("revision", fleet.revision());
        ArrayNode list = root.putArray("machines");
        if (format == Format.TEXT) {
            out.printf("%-20s  %-32s  %-12s  %-19s  %-24s  %-5s  %s%n", "NAME", "ID", "GROUP", "BOOTED", "LAST REPORT", "TOKEN", "SLOT");
        }
        for (MachineGroup g : fleet.fleet().groups()) {
            for (Machine m : g.machines()) {
                Optional<MachineState> s = Optional.ofNullable(states.get(m.id()));
                Optional<FleetLockHolder> h = Optional.ofNullable(holders.get(m.id()));
                String slot = h.map(x -> x.failed() ? "held, failed" : "held since " + x.grantedAt()).orElse("-");
                if (format == Format.JSON) {
                    ObjectNode o = list.addObject().put("name", m.name()).put("id", m.id()).put("group", g.name());
                    o.put("booted", s.flatMap(MachineState::booted).orElse(null));
                    o.put("lastReport", s.flatMap(MachineState::lastReport).map(Object::toString).orElse(null));
                    o.put("token", tokens.contains(m.id()));
                    o.put("slot", h.isEmpty() ? "none" : h.get().failed() ? "failed" : "held");
                } else {
                    out.printf("%-20s  %-32s  %-12s  %-19s  %-24s  %-5s  %s%n", m.name(), m.id(), g.name(),
                            s.flatMap(MachineState::booted).map(d -> d.substring(0, Math.min(19, d.length()))).orElse("-"),
                            s.flatMap(MachineState::lastReport).map(Object::toString).orElse("-"),
                            tokens.contains(m.id()) ? "yes" : "no", slot);
                }
            }
        }
        if (format == Format.JSON) out.println(root.toPrettyString());
        return ExitCodes.OK;
    }

    /** What the store says about the fleet's machines, read in one transaction. */
    private record Seen(Map<String, MachineState> states, Map<String, FleetLockHolder> holders, java.util.Set<String> tokens) {
    }
}
