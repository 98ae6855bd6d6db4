package dev.strata.delivery;

import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * A separate process for the kill -9 test: {@code <state> <threads>} opens delivery on the state file with
 * {@link SlotLoad#fleet()} and has each thread take and give back reboot slots for machines of its own,
 * printing {@code granted <id>} after a 200 from pre-reboot and {@code releasing <id>} before steady-state,
 * until it is killed.
 */
public final class DeliveryChild {
    private DeliveryChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                java.nio.charset.StandardCharsets.UTF_8);
        List<MachineGroup> groups = SlotLoad.fleet();
        DesiredView view = TestFleet.view(groups.toArray(MachineGroup[]::new));
        List<Machine> all = groups.stream().flatMap(g -> g.machines().stream()).toList();
        try (StateStore store = SqliteStateStore.open(file);
             Delivery delivery = new Delivery(store, Clock.systemUTC(), () -> Optional.of(view))) {
            FleetLock lock = delivery.fleetLock();
            out.println("started");
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Machine> mine = new ArrayList<>();
                for (int i = t; i < all.size(); i += threads) mine.add(all.get(i));
                long seed = System.nanoTime() + t;
                Thread w = new Thread(() -> churn(lock, mine, new Random(seed), out));
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) w.join();
        }
    }

    private static void churn(FleetLock lock, List<Machine> mine, Random random, PrintStream out) {
        Set<String> holding = new HashSet<>();
        while (true) {
            Machine m = mine.get(random.nextInt(mine.size()));
            String group = SlotLoad.groupOf(m);
            if (holding.contains(m.id())) {
                out.println("releasing " + m.id());
                if (lock.steadyState(group, m.id()).success()) holding.remove(m.id());
            } else if (lock.preReboot(group, m.id()).success()) {
                holding.add(m.id());
                out.println("granted " + m.id());
            }
        }
    }
}
