package dev.strata.build;

import dev.strata.plan.Packages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads the package list of an image's root file system (a mounted build): the RPM database with the
 * build host's {@code rpm --root} (Fedora CoreOS keeps it in /usr/lib/sysimage/rpm, reached also as
 * /usr/share/rpm), or dpkg's /var/lib/dpkg/status. Never fails a build: what it cannot read it says in
 * a note, and the build is recorded without a package list.
 */
final class PackageDb {
    static final List<String> RPM_DBS = List.of("usr/lib/sysimage/rpm", "usr/share/rpm", "var/lib/rpm");
    static final String DPKG_STATUS = "var/lib/dpkg/status";
    static final String RPM_HINT = "install rpm on the build host (Debian and Ubuntu: apt-get install rpm) on its PATH";
    private static final String QUERY = "%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\n";

    private PackageDb() {
    }

    /** The first {@code rpm} on {@code path}. */
    static Optional<Path> findRpm(String path) {
        for (String dir : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "rpm");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** A package list, or why there is none. */
    record Read(Optional<Packages> packages, Optional<String> note) {
        static Read none(String note) {
            return new Read(Optional.empty(), Optional.of(note));
        }
    }

    /** The packages installed under {@code root}; {@code rpm} is the build host's rpm, when it has one. */
    static Read read(Path root, Optional<Path> rpm) throws InterruptedException {
        Optional<String> db = RPM_DBS.stream().filter(d -> isRpmDb(root.resolve(d))).findFirst();
        try {
            if (db.isPresent()) {
                if (rpm.isEmpty()) return Read.none("its RPM database (/" + db.get() + ") was not read: " + RPM_HINT);
                return new Read(Optional.of(rpm(root, db.get(), rpm.get())), Optional.empty());
            }
            Path status = root.resolve(DPKG_STATUS);
            if (Files.isRegularFile(status)) {
                return new Read(Optional.of(dpkg(Files.readString(status, StandardCharsets.UTF_8))), Optional.empty());
            }
        } catch (IOException | IllegalArgumentException e) {
            return Read.none("its package database could not be read: " + e.getMessage());
        }
        return Read.none("it has no package database (no /" + RPM_DBS.get(0) + ", /" + DPKG_STATUS + ")");
    }

    private static boolean isRpmDb(Path dir) {
        return Files.isRegularFile(dir.resolve("rpmdb.sqlite")) || Files.isRegularFile(dir.resolve("Packages"))
                || Files.isRegularFile(dir.resolve("Packages.db"));
    }

    /** dpkg's status file: one paragraph per package; only those whose status ends in "installed" count. */
    static Packages dpkg(String status) {
        List<Packages.Package> out = new ArrayList<>();
        for (String paragraph : status.split("\n\\s*\n")) {
            String name = field(paragraph, "Package"), state = field(paragraph, "Status");
            if (name.isEmpty() || !state.endsWith(" installed")) continue;
            out.add(new Packages.Package(name, field(paragraph, "Version"), field(paragraph, "Architecture")));
        }
        return new Packages("dpkg", out);
    }

    private static String field(String paragraph, String name) {
        for (String line : paragraph.split("\n")) {
            if (line.startsWith(name + ":")) return line.substring(name.length() + 1).strip();
        }
        return "";
    }

    private static Packages rpm(Path root, String db, Path rpm) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(rpm.toString(), "--root", root.toString(), "--dbpath", "/" + db, "-qa", "--qf", QUERY)
                .redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("rpm took more than 10 minutes");
        }
        if (p.exitValue() != 0) throw new IOException(rpm + " --root exited " + p.exitValue());
        List<Packages.Package> list = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            if (f.length != 3) throw new IOException("rpm printed an unexpected line: " + line);
            list.add(new Packages.Package(f[0], f[1], f[2].equals("(none)") ? "" : f[2]));
        }
        return new Packages("rpm", list);
    }
}
