package dev.strata.build;

import dev.strata.plan.Packages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Reads the package list of an image's root file system (a mounted build): the RPM database with the
 * build host's {@code rpm --root}, or dpkg's /var/lib/dpkg/status (docs/packages.md). Fedora CoreOS keeps
 * its RPM database in /usr/share/rpm and links /usr/lib/sysimage/rpm to it; newer Fedora and bootc images
 * keep it in /usr/lib/sysimage/rpm. Links are followed inside the image's root, never out to the build
 * host's. Never fails a build: what it cannot read it says in a note, and the build is recorded without a
 * package list.
 */
final class PackageDb {
    static final List<String> RPM_DBS = List.of("usr/lib/sysimage/rpm", "usr/share/rpm", "var/lib/rpm");
    static final String DPKG_STATUS = "var/lib/dpkg/status";
    static final String RPM_HINT = "install rpm on the build host (Debian and Ubuntu: apt-get install rpm) on its PATH";
    private static final String QUERY = "%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\n";
    /** Symbolic links followed while resolving one path, as the kernel allows. */
    private static final int MAX_LINKS = 40;
    /** Lines of rpm's complaints a note quotes. */
    private static final int NOTE_LINES = 3;

    private PackageDb() {
    }

    /**
     * The formats of an RPM database, newest first, by the file that holds its packages; {@code backend} is
     * rpm's name for the {@code %_db_backend} that reads it (bdb is read by rpm's read-only reader).
     */
    enum Backend {
        SQLITE("sqlite", "rpmdb.sqlite"), NDB("ndb", "Packages.db"), BDB("bdb_ro", "Packages");

        final String backend;
        final String file;

        Backend(String backend, String file) {
            this.backend = backend;
            this.file = file;
        }
    }

    /** An RPM database: its folder inside the image (no links in it, no leading slash) and its format. */
    record RpmDb(String path, Backend backend) {
        String describe() {
            return "/" + path + ", " + backend.name().toLowerCase(java.util.Locale.ROOT) + " (" + backend.file + ")";
        }
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
        try {
            Optional<RpmDb> db = findRpmDb(root);
            if (db.isPresent()) {
                if (rpm.isEmpty()) return Read.none("its RPM database (/" + db.get().path() + ") was not read: " + RPM_HINT);
                return rpm(root, db.get(), rpm.get());
            }
            Path status = root.resolve(DPKG_STATUS);
            if (Files.isRegularFile(status, LinkOption.NOFOLLOW_LINKS)) {
                return new Read(Optional.of(dpkg(Files.readString(status, StandardCharsets.UTF_8))), Optional.empty());
            }
        } catch (IOException | IllegalArgumentException e) {
            return Read.none("its package database could not be read: " + e.getMessage());
        }
        return Read.none("it has no package database (none of " + RPM_DBS.stream().map(d -> "/" + d)
                .collect(Collectors.joining(", ")) + ", /" + DPKG_STATUS + ")");
    }

    /**
     * The RPM database of {@code root}: the first of {@link #RPM_DBS} that, its links followed inside the
     * root, is a folder holding a database file; the newest format wins where one folder holds two.
     */
    static Optional<RpmDb> findRpmDb(Path root) throws IOException {
        for (String candidate : RPM_DBS) {
            Optional<String> real = inRoot(root, candidate);
            if (real.isEmpty() || !Files.isDirectory(root.resolve(real.get()), LinkOption.NOFOLLOW_LINKS)) continue;
            for (Backend b : Backend.values()) {
                if (Files.isRegularFile(root.resolve(real.get()).resolve(b.file), LinkOption.NOFOLLOW_LINKS)) {
                    return Optional.of(new RpmDb(real.get(), b));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * {@code path} (relative, slash-separated) inside {@code root}, its symbolic links followed as they would
     * be with {@code root} as the file system's root: an absolute target starts again at {@code root}, and
     * ".." stops there. Returns the path with no link left in it, or empty when it does not exist (or loops).
     */
    static Optional<String> inRoot(Path root, String path) throws IOException {
        Deque<String> todo = new ArrayDeque<>(Arrays.asList(path.split("/")));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (!done.isEmpty()) done.remove(done.size() - 1);
                continue;
            }
            Path p = root.resolve(String.join("/", done)).resolve(part);
            if (Files.isSymbolicLink(p)) {
                if (++links > MAX_LINKS) return Optional.empty();
                String target = Files.readSymbolicLink(p).toString();
                if (target.startsWith("/")) done.clear();
                List<String> parts = Arrays.asList(target.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) todo.push(parts.get(i));
            } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                done.add(part);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(String.join("/", done));
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

    /**
     * {@code rpm --root ROOT --dbpath /DB -qa} with the backend the database's file names, so that rpm
     * neither guesses nor, finding no database of its default format, makes a new empty one. rpm answers 0
     * even when it could not open the database; what it says on stderr decides: a backend it was not built
     * with, or any error, is a note and no list.
     */
    private static Read rpm(Path root, RpmDb db, Path rpm) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("strata-rpm-", ".err");
        try {
            Process p = new ProcessBuilder(rpm.toString(), "--root", root.toString(), "--dbpath", "/" + db.path(),
                    "--define", "_db_backend " + db.backend().backend, "-qa", "--qf", QUERY)
                    .redirectError(errors.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return Read.none("its RPM database (" + db.describe() + ") could not be read: " + rpm + " took more than 10 minutes");
            }
            List<String> said = Files.readAllLines(errors, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(l -> !l.isEmpty()).toList();
            if (said.stream().anyMatch(l -> l.contains("invalid %_db_backend") || l.contains("dummy database"))) {
                return Read.none("its RPM database (" + db.describe() + ") is in a format the build host's rpm (" + rpm
                        + ") was built without; read it with an rpm that has the " + db.backend().backend + " backend");
            }
            List<String> complaints = said.stream().filter(l -> l.startsWith("error:")).toList();
            if (p.exitValue() != 0 || !complaints.isEmpty()) {
                List<String> quote = complaints.isEmpty() ? said : complaints;
                return Read.none("its RPM database (" + db.describe() + ") could not be read: " + rpm + " exited "
                        + p.exitValue() + (quote.isEmpty() ? "" : ": " + String.join("; ", quote.subList(0, Math.min(NOTE_LINES, quote.size())))));
            }
            List<Packages.Package> list = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.isBlank()) continue;
                String[] f = line.split("\t", -1);
                if (f.length != 3) throw new IOException("rpm printed an unexpected line: " + line);
                list.add(new Packages.Package(f[0], f[1], f[2].equals("(none)") ? "" : f[2]));
            }
            return new Read(Optional.of(new Packages("rpm", list)), Optional.empty());
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
