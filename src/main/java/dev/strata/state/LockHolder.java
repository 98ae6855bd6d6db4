package dev.strata.state;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** Who holds (or last held) the run lock: process id, host, the command it runs, and since when. */
public record LockHolder(long pid, String host, String command, Instant since) {
    public LockHolder {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(command, "command");
        since = since.truncatedTo(ChronoUnit.SECONDS);
    }

    /** This process, now. */
    public static LockHolder current(String command) {
        return new LockHolder(ProcessHandle.current().pid(), localHost(), command, Instant.now());
    }

    /** For messages: {@code pid 1234 on build-01, "strata apply", since 2026-11-26T10:02:13Z}. */
    public String describe() {
        return "pid " + pid + " on " + host + ", \"" + command + "\", since " + since;
    }

    /** True when this holder is a process on this host that is still running. */
    boolean isAliveHere() {
        return host.equals(localHost()) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static String localHost() {
        try {
            // The kernel's name needs no DNS lookup, which can stall for seconds on a badly set-up machine.
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel).strip();
                if (!name.isEmpty()) {
                    return name;
                }
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
