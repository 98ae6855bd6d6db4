package dev.strata.build;

import dev.strata.plan.Packages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading package databases from a real root folder, as a mounted build has them. */
class PackageDbTest {
    @TempDir
    Path root;

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
        Files.createDirectories(root.resolve("usr/lib/sysimage/rpm"));
        Files.write(root.resolve("usr/lib/sysimage/rpm/rpmdb.sqlite"), new byte[]{1});

        PackageDb.Read read = PackageDb.read(root, Optional.empty());

        assertThat(read.packages()).isEmpty();
        assertThat(read.note()).hasValueSatisfying(n -> assertThat(n)
                .contains("/usr/lib/sysimage/rpm", "was not read", "apt-get install rpm"));
    }

    @Test
    void noDatabaseAtAllIsSaid() throws Exception {
        assertThat(PackageDb.read(root, Optional.empty()).note()).hasValueSatisfying(n -> assertThat(n).contains("no package database"));
    }
}
