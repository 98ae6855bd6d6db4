package dev.strata.build;

import dev.strata.plan.Packages;
import dev.strata.testing.RpmBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading package databases from a real root folder, as a mounted build has them: RPM databases made and
 * filled by the host's real rpm (noarch packages built by rpmbuild) where Fedora CoreOS and newer Fedora
 * keep them, damaged ones and formats the host's rpm cannot read, and dpkg's status file.
 */
class PackageDbTest {
    static final RpmBase.Rpm GREET_1 = new RpmBase.Rpm("greet", 0, "1.0", "1");
    static final RpmBase.Rpm HELLO = new RpmBase.Rpm("hello", 2, "0.9", "3");
    /** The build host's rpm: CI installs it (.ci/run), so these tests always run. */
    static final Optional<Path> RPM = PackageDb.findRpm(System.getenv("PATH"));

    @TempDir
    Path root;
    @TempDir
    Path work;
    @TempDir
    Path host;

    @BeforeAll
    static void rpmIsInstalled() {
        assertThat(RPM).as("rpm on the PATH (Debian: apt-get install rpm; .ci/run installs it)").isPresent();
    }

    private static String rpmVersion() throws Exception {
        Process p = new ProcessBuilder(RPM.get().toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).isZero();
        return out;
    }

    @Test
    void dpkgStatusListsOnlyInstalledPackages() throws Exception {
        Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.writeString(root.resolve("var/lib/dpkg/status"), """
                Package: greet
                Status: install ok installed
                Version: 2.0-1
                Architecture: all
                Description: a
                 long description line

                Package: gone
                Status: deinstall ok config-files
                Version: 1.0
                Architecture: amd64

                Package: libx
                Status: install ok installed
                Architecture: amd64
                Version: 1:3.1-2
                """);

        PackageDb.Read read = PackageDb.read(root, Optional.empty());

        assertThat(read.note()).isEmpty();
        assertThat(read.packages()).contains(new Packages("dpkg", List.of(
                new Packages.Package("greet", "2.0-1", "all"), new Packages.Package("libx", "1:3.1-2", "amd64"))));
    }

    @Test
    void anRpmDatabaseWithoutRpmOnTheHostIsANoteNotAFailure() throws Exception {
        RpmBase.fcosRoot(root, List.of(RpmBase.build(work, GREET_1)));

        PackageDb.Read read = PackageDb.read(root, Optional.empty());

        assertThat(read.packages()).isEmpty();
        assertThat(read.note()).hasValueSatisfying(n -> assertThat(n)
                .isEqualTo("its RPM database (/usr/share/rpm) was not read: install rpm on the build host (Debian and Ubuntu: "
                        + "apt-get install rpm) on its PATH"));
    }

    @Test
    void fedoraCoreOsLayoutIsReadWithRpmThroughTheSysimageLink() throws Exception {
        RpmBase.fcosRoot(root, List.of(RpmBase.build(work, GREET_1), RpmBase.build(work, HELLO)));
        assertThat(Files.isSymbolicLink(root.resolve("usr/lib/sysimage/rpm"))).isTrue();
        assertThat(root.resolve("usr/share/rpm/rpmdb.sqlite")).isRegularFile();

        assertThat(PackageDb.findRpmDb(root)).contains(new PackageDb.RpmDb("usr/share/rpm", PackageDb.Backend.SQLITE));
        PackageDb.Read read = PackageDb.read(root, RPM);

        assertThat(read.note()).isEmpty();
        assertThat(read.packages()).contains(new Packages("rpm", List.of(
                new Packages.Package("greet", "1.0-1", "noarch"), new Packages.Package("hello", "2:0.9-3", "noarch"))));
    }

    @Test
    void newerFedoraLayoutIsReadFromUsrLibSysimage() throws Exception {
        RpmBase.install(root, "usr/lib/sysimage/rpm", List.of(RpmBase.build(work, GREET_1)));

        assertThat(PackageDb.findRpmDb(root)).contains(new PackageDb.RpmDb("usr/lib/sysimage/rpm", PackageDb.Backend.SQLITE));
        assertThat(PackageDb.read(root, RPM).packages()).contains(new Packages("rpm", List.of(new Packages.Package("greet", "1.0-1", "noarch"))));
    }

    @Test
    void anAbsoluteLinkMeansTheImagesRootNeverTheBuildHosts() throws Exception {
        // Inside the image: /usr/lib/sysimage/rpm -> /ostree/rpm, which only the image has.
        RpmBase.install(root, "ostree/rpm", List.of(RpmBase.build(work, GREET_1)));
        Files.createDirectories(root.resolve("usr/lib/sysimage"));
        Files.createSymbolicLink(root.resolve("usr/lib/sysimage/rpm"), Path.of("/ostree/rpm"));
        assertThat(PackageDb.read(root, RPM).packages()).contains(new Packages("rpm", List.of(new Packages.Package("greet", "1.0-1", "noarch"))));

        // A link to a real database on the build host, absolute or climbing out with "..", is not followed out of the image.
        Path other = Files.createDirectories(work.resolve("other"));
        RpmBase.install(host, "db", List.of(RpmBase.build(work, HELLO)));
        Files.createDirectories(other.resolve("usr/share"));
        Files.createDirectories(other.resolve("var/lib"));
        Files.createSymbolicLink(other.resolve("usr/share/rpm"), host.resolve("db"));
        Files.createSymbolicLink(other.resolve("var/lib/rpm"), Path.of("../".repeat(other.getNameCount() + 3) + host.resolve("db")));
        assertThat(Files.isRegularFile(other.resolve("usr/share/rpm/rpmdb.sqlite"))).as("the host sees a database there").isTrue();
        assertThat(Files.isRegularFile(other.resolve("var/lib/rpm/rpmdb.sqlite"))).as("the host sees a database there").isTrue();

        assertThat(PackageDb.findRpmDb(other)).isEmpty();
        assertThat(PackageDb.read(other, RPM).note()).hasValueSatisfying(n -> assertThat(n).startsWith("it has no package database"));
    }

    @Test
    void anEmptyRpmDatabaseListsNoPackages() throws Exception {
        RpmBase.fcosRoot(root, List.of());

        PackageDb.Read read = PackageDb.read(root, RPM);

        assertThat(read.note()).isEmpty();
        assertThat(read.packages()).contains(new Packages("rpm", List.of()));
    }

    @Test
    void aDamagedSqliteDatabaseIsANoteQuotingRpm() throws Exception {
        Files.createDirectories(root.resolve("usr/share/rpm"));
        Files.writeString(root.resolve("usr/share/rpm/rpmdb.sqlite"), "not a database\n");

        PackageDb.Read read = PackageDb.read(root, RPM);

        assertThat(read.packages()).isEmpty();
        assertThat(read.note()).hasValueSatisfying(n -> assertThat(n)
                .startsWith("its RPM database (/usr/share/rpm, sqlite (rpmdb.sqlite)) could not be read: " + RPM.get() + " exited 1: error:")
                .contains("not a database"));
    }

    @Test
    void aBerkeleyDbThatCannotBeReadIsANoteNotAnEmptyList() throws Exception {
        Files.createDirectories(root.resolve("var/lib/rpm"));
        Files.writeString(root.resolve("var/lib/rpm/Packages"), "not a database\n");

        PackageDb.Read read = PackageDb.read(root, RPM);

        assertThat(read.packages()).isEmpty();
        assertThat(read.note()).hasValueSatisfying(n -> assertThat(n)
                .startsWith("its RPM database (/var/lib/rpm, bdb (Packages)) could not be read: " + RPM.get() + " exited 1: error:"));
    }

    /**
     * Debian's rpm 4.18 has the sqlite and read-only bdb backends, not ndb (openSUSE's format). Asked for a
     * folder that holds only Packages.db, it used to answer nothing, exit 0, and make a new empty sqlite
     * database there: an empty list, which the next delta would show as every package removed.
     */
    @Test
    void anNdbDatabaseTheHostsRpmCannotReadIsANoteAndRpmWritesNothing() throws Exception {
        Files.createDirectories(root.resolve("var/lib/rpm"));
        Files.writeString(root.resolve("var/lib/rpm/Packages.db"), "not a database\n");

        PackageDb.Read read = PackageDb.read(root, RPM);

        assertThat(read.packages()).isEmpty();
        assertThat(read.note()).hasValueSatisfying(n -> assertThat(n).startsWith("its RPM database (/var/lib/rpm, ndb (Packages.db)) "));
        if (rpmVersion().startsWith("RPM version 4.18")) {
            assertThat(read.note()).hasValueSatisfying(n -> assertThat(n).isEqualTo("its RPM database (/var/lib/rpm, ndb (Packages.db)) "
                    + "is in a format the build host's rpm (" + RPM.get() + ") was built without; read it with an rpm that has the ndb backend"));
        }
        try (var files = Files.list(root.resolve("var/lib/rpm"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("Packages.db");
        }
    }

    @Test
    void theNewestFormatWinsWhereAFolderHoldsTwo() throws Exception {
        RpmBase.install(root, "var/lib/rpm", List.of(RpmBase.build(work, GREET_1)));
        Files.writeString(root.resolve("var/lib/rpm/Packages"), "left over from before a migration\n");

        assertThat(PackageDb.findRpmDb(root)).contains(new PackageDb.RpmDb("var/lib/rpm", PackageDb.Backend.SQLITE));
        assertThat(PackageDb.read(root, RPM).packages()).contains(new Packages("rpm", List.of(new Packages.Package("greet", "1.0-1", "noarch"))));
    }

    @Test
    void inRootFollowsLinksInsideTheRootOnly() throws Exception {
        Files.createDirectories(root.resolve("usr/share/rpm"));
        Files.createDirectories(root.resolve("usr/lib/sysimage"));
        Files.createSymbolicLink(root.resolve("usr/lib/sysimage/rpm"), Path.of("../../share/rpm"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../../.."));

        assertThat(PackageDb.inRoot(root, "usr/lib/sysimage/rpm")).contains("usr/share/rpm");
        assertThat(PackageDb.inRoot(root, "up/usr/lib/sysimage/rpm")).contains("usr/share/rpm");
        assertThat(PackageDb.inRoot(root, "loop/x")).isEmpty();
        assertThat(PackageDb.inRoot(root, "usr/lib/missing")).isEmpty();
    }

    @Test
    void noDatabaseAtAllIsSaid() throws Exception {
        assertThat(PackageDb.read(root, RPM).note()).contains("it has no package database (none of /usr/lib/sysimage/rpm, "
                + "/usr/share/rpm, /var/lib/rpm, /var/lib/dpkg/status)");
    }
}
