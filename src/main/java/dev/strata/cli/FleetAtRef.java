package dev.strata.cli;

import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.Revision;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The validated fleet at a ref, for commands that name groups and machines; and finding them in it. */
record FleetAtRef(String revision, FleetSpec fleet) {
    /** A machine and its group. */
    record Found(MachineGroup group, Machine machine) {
    }

    /** Reads the fleet; a repository that cannot be read is exit 1, invalid specs exit 65. */
    static FleetAtRef read(RepoOptions repo, Optional<String> ref) {
        try (FleetSource source = repo.open()) {
            Revision rev = source.read(ref);
            FleetSpec fleet = rev.validation().fleet().orElseThrow(() -> new UserError("the specs at " + rev.revision()
                    + " are invalid; run 'strata validate' for the details", ExitCodes.INVALID_SPECS));
            return new FleetAtRef(rev.revision(), fleet);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), ExitCodes.FAILURE);
        }
    }

    MachineGroup group(String name) {
        return fleet.group(name).orElseThrow(() -> new UserError("no group '" + name + "' in the fleet at " + revision
                + "; its groups: " + String.join(", ", fleet.groups().stream().map(MachineGroup::name).toList()),
                ExitCodes.USAGE));
    }

    /** A machine by name or id, in {@code within} when given; a name in several groups must be given as an id. */
    Found machine(String nameOrId, Optional<MachineGroup> within) {
        List<Found> found = new ArrayList<>();
        for (MachineGroup g : within.map(List::of).orElse(fleet.groups())) {
            for (Machine m : g.machines()) {
                if (m.id().equals(nameOrId) || m.name().equals(nameOrId)) found.add(new Found(g, m));
            }
        }
        if (found.isEmpty()) {
            throw new UserError("no machine named '" + nameOrId + "' or with that id" + within.map(g -> " in group " + g.name())
                    .orElse("") + " in the fleet at " + revision, ExitCodes.USAGE);
        }
        if (found.size() > 1) {
            throw new UserError("'" + nameOrId + "' names machines in " + String.join(", ", found.stream()
                    .map(f -> f.group().name()).toList()) + "; give the machine id instead", ExitCodes.USAGE);
        }
        return found.get(0);
    }
}
