package dev.strata.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which platforms' programs a host runs, read from binfmt_misc folders laid out as the kernel shows them
 * (the qemu-aarch64 entry is what Debian's qemu-user-static registers), and from this host itself.
 */
class HostPlatformsTest {
    static final String QEMU_AARCH64 = """
            enabled
            interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
            flags: POF
            offset 0
            magic 7f454c460201010000000000000000000200b700
            mask ffffffffffffff00fffffffffffffffffeffffff
            """;

    @TempDir
    Path binfmt;

    private HostPlatforms amd64Host(String status) throws Exception {
        if (status != null) Files.writeString(binfmt.resolve("status"), status);
        Files.writeString(binfmt.resolve("register"), "");
        return new HostPlatforms("amd64", binfmt);
    }

    @Test
    void theHostsOwnArchitectureNeedsNoEmulator() throws Exception {
        assertThat(amd64Host(null).whyNot("linux/amd64")).isEmpty();
        assertThat(new HostPlatforms("aarch64", binfmt).whyNot("linux/arm64")).isEmpty();
        // This machine: the JVM's own architecture, whatever binfmt_misc holds.
        String own = HostPlatforms.ociArch(System.getProperty("os.arch"));
        assertThat(HostPlatforms.current().whyNot("linux/" + own)).isEmpty();
    }

    @Test
    void anEnabledHandlerWithTheFixBinaryFlagRunsItsArchitectureAndNoOther() throws Exception {
        HostPlatforms host = amd64Host("enabled\n");
        Files.writeString(binfmt.resolve("qemu-aarch64"), QEMU_AARCH64);
        assertThat(host.whyNot("linux/arm64")).isEmpty();
        assertThat(host.whyNot("linux/arm64/v8")).isEmpty();
        assertThat(host.whyNot("linux/s390x")).contains("no enabled binfmt_misc handler in " + binfmt
                + " runs s390x programs on this amd64 host");
    }

    @Test
    void aHandlerWithoutTheFixBinaryFlagCannotRunInsideTheChroot() throws Exception {
        HostPlatforms host = amd64Host("enabled\n");
        Files.writeString(binfmt.resolve("qemu-aarch64"), QEMU_AARCH64.replace("flags: POF", "flags: P"));
        assertThat(host.whyNot("linux/arm64")).get().asString()
                .contains("qemu-aarch64 (/usr/libexec/qemu-binfmt/aarch64-binfmt-P)")
                .contains("no F (fix-binary) flag");
    }

    @Test
    void aDisabledHandlerOrBinfmtMiscOffOrUnmountedRunsNothing() throws Exception {
        HostPlatforms host = amd64Host("enabled\n");
        Files.writeString(binfmt.resolve("qemu-aarch64"), QEMU_AARCH64.replace("enabled", "disabled"));
        assertThat(host.whyNot("linux/arm64")).get().asString().contains("no enabled binfmt_misc handler");
        Files.writeString(binfmt.resolve("status"), "disabled\n");
        assertThat(host.whyNot("linux/arm64")).get().asString().contains("binfmt_misc is disabled");
        Files.delete(binfmt.resolve("status"));
        assertThat(host.whyNot("linux/arm64")).get().asString().contains("has no binfmt_misc at " + binfmt + " (not mounted)");
    }

    @Test
    void aHandlerForAnotherArchitectureDoesNotCount() throws Exception {
        HostPlatforms host = amd64Host("enabled\n");
        // qemu-arm: 32-bit ARM, e_machine 0x28; it must not pass for arm64.
        Files.writeString(binfmt.resolve("qemu-arm"), QEMU_AARCH64.replace("020101", "010101").replace("b700", "2800"));
        assertThat(host.whyNot("linux/arm64")).isPresent();
        assertThat(host.whyNot("linux/arm/v7")).isEmpty();
        assertThat(host.whyNot("linux/mips64le")).contains("Strata knows no emulator check for architecture mips64le");
    }
}
