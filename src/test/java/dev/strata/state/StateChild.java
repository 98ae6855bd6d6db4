package dev.strata.state;

import dev.strata.plan.GroupState;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A separate process for the crash and lock tests, started with the test class path.
 * <ul>
 *   <li>{@code write <state> <subject> <count>}: appends numbered entries (-1: until killed), each in one
 *   transaction with a build, a group and a machine, and prints {@code committed <n>} after each commit.</li>
 *   <li>{@code lock <state> <host or ->}: takes the run lock, prints {@code locked}, and holds it until a
 *   line {@code release} (or the end of input) arrives.</li>
 * </ul>
 */
public final class StateChild {
    private StateChild() {
    }

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[1]);
        switch (args[0]) {
            case "write" -> write(state, args[2], Integer.parseInt(args[3]));
            case "lock" -> lock(state, args[2]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void write(Path state, String subject, int count) {
        try (StateStore store = SqliteStateStore.open(state)) {
            say("opened");
            int next = store.history(Optional.of(subject), Integer.MAX_VALUE).size();
            for (int i = next; count < 0 || i < next + count; i++) {
                int n = i;
                store.update(tx -> {
                    tx.recordBuild(Fixtures.build(subject, n));
                    tx.saveGroup(new GroupState(subject, Optional.of(Fixtures.build(subject, n).imageDigest()),
                            Optional.empty(), Optional.of(Instant.now()), GroupState.Status.ROLLING, Set.of(), false));
                    tx.recordMachine(Fixtures.machine(subject + "-machine", Fixtures.digest("m" + n)));
                    tx.appendHistory(new HistoryEntry(Instant.now(), "rev", "build", subject, Integer.toString(n),
                            "child write"));
                });
                say("committed " + n);
            }
        }
    }

    private static void lock(Path state, String host) throws Exception {
        try (SqliteStateStore store = SqliteStateStore.open(state)) {
            LockHolder me = LockHolder.current("strata test-child");
            if (!host.equals("-")) {
                me = new LockHolder(me.pid(), host, me.command(), me.since());
            }
            try (RunLock lock = store.acquireRunLock(me, Duration.ZERO)) {
                say(lock.holder().pid() == ProcessHandle.current().pid() ? "locked" : "locked by someone else?");
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.equals("release")) {
                    // Hold on.
                }
            }
            say("released");
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
