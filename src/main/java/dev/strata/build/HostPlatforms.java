package dev.strata.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which platforms' programs this host can run, as a containerfile layer's RUN needs: its own architecture,
 * and every architecture the kernel hands to an emulator through binfmt_misc. Read from the kernel's
 * handlers, not assumed from what is installed: an ELF header of the platform is matched against each
 * enabled handler's magic and mask, as the kernel does when it runs a file. A handler must also have the
 * F (fix-binary) flag: buildah's chroot has no emulator at the handler's path, and F makes the kernel
 * open it when it is registered instead.
 */
final class HostPlatforms {
    static final Path BINFMT = Path.of("/proc/sys/fs/binfmt_misc");
    static final String INSTALL_HINT = "install qemu-user-static, which registers its emulators with binfmt_misc"
            + " (Debian and Ubuntu: apt-get install qemu-user-static; Fedora: dnf install qemu-user-static; where"
            + " binfmt_misc is not mounted: mount -t binfmt_misc binfmt_misc " + BINFMT + ")";

    /** An architecture's ELF identity: 64-bit or not, little-endian or not, and its e_machine. */
    private record Elf(boolean wide, boolean little, int machine) {
        /** The first 20 bytes of an executable of this architecture: what binfmt_misc magics cover. */
        byte[] header() {
            byte[] h = new byte[20];
            h[0] = 0x7f;
            h[1] = 'E';
            h[2] = 'L';
            h[3] = 'F';
            h[4] = (byte) (wide ? 2 : 1);
            h[5] = (byte) (little ? 1 : 2);
            h[6] = 1;
            put(h, 16, 2); // ET_EXEC
            put(h, 18, machine);
            return h;
        }

        private void put(byte[] h, int at, int value) {
            h[at + (little ? 0 : 1)] = (byte) value;
            h[at + (little ? 1 : 0)] = (byte) (value >> 8);
        }
    }

    /** OCI architecture names, as platforms spell them. */
    private static final Map<String, Elf> ELF = Map.of(
            "amd64", new Elf(true, true, 0x3e),
            "arm64", new Elf(true, true, 0xb7),
            "arm", new Elf(false, true, 0x28),
            "386", new Elf(false, true, 0x03),
            "ppc64le", new Elf(true, true, 0x15),
            "s390x", new Elf(true, false, 0x16),
            "riscv64", new Elf(true, true, 0xf3));

    private final String native_;
    private final Path binfmt;

    /**
     * @param javaArch the JVM's {@code os.arch}, the host's architecture
     * @param binfmt where binfmt_misc is mounted
     */
    HostPlatforms(String javaArch, Path binfmt) {
        this.native_ = ociArch(javaArch);
        this.binfmt = binfmt;
    }

    static HostPlatforms current() {
        return new HostPlatforms(System.getProperty("os.arch", ""), BINFMT);
    }

    /** Empty when this host can run programs of {@code platform} ({@code os/arch[/variant]}); else why it cannot. */
    Optional<String> whyNot(String platform) {
        String arch = platform.split("/")[1];
        if (arch.equals(native_)) return Optional.empty();
        Elf elf = ELF.get(arch);
        if (elf == null) return Optional.of("Strata knows no emulator check for architecture " + arch);
        Path status = binfmt.resolve("status");
        try {
            if (!Files.isRegularFile(status)) {
                return Optional.of("this " + native_ + " host has no binfmt_misc at " + binfmt + " (not mounted), so it cannot"
                        + " run " + arch + " programs");
            }
            if (!Files.readString(status).strip().equals("enabled")) {
                return Optional.of("binfmt_misc is disabled on this " + native_ + " host (" + status + ")");
            }
            List<String> withoutF = new ArrayList<>();
            try (var entries = Files.list(binfmt)) {
                for (Path e : entries.sorted().toList()) {
                    String name = e.getFileName().toString();
                    if (name.equals("status") || name.equals("register") || !Files.isRegularFile(e)) continue;
                    Handler h = Handler.read(Files.readAllLines(e));
                    if (!h.enabled() || !h.matches(elf.header())) continue;
                    if (h.flags().contains("F")) return Optional.empty();
                    withoutF.add(name + " (" + h.interpreter() + ")");
                }
            }
            if (!withoutF.isEmpty()) {
                return Optional.of("the binfmt_misc handler " + String.join(", ", withoutF) + " for " + arch + " has no F"
                        + " (fix-binary) flag, so it cannot run inside buildah's chroot; register it with the F flag");
            }
            return Optional.of("no enabled binfmt_misc handler in " + binfmt + " runs " + arch + " programs on this "
                    + native_ + " host");
        } catch (IOException e) {
            return Optional.of("cannot read binfmt_misc at " + binfmt + ": " + e.getMessage());
        }
    }

    /** One handler as /proc/sys/fs/binfmt_misc/NAME shows it; {@code magic} already masked by the kernel. */
    private record Handler(boolean enabled, String interpreter, String flags, int offset, byte[] magic, byte[] mask) {
        static Handler read(List<String> lines) {
            boolean enabled = false;
            String interpreter = "";
            String flags = "";
            int offset = 0;
            byte[] magic = null;
            byte[] mask = null;
            for (String l : lines) {
                String[] kv = l.strip().split("[:\\s]+", 2);
                String v = kv.length > 1 ? kv[1].strip() : "";
                switch (kv[0]) {
                    case "enabled" -> enabled = true;
                    case "interpreter" -> interpreter = v;
                    case "flags" -> flags = v;
                    case "offset" -> offset = Integer.parseInt(v);
                    case "magic" -> magic = HexFormat.of().parseHex(v);
                    case "mask" -> mask = HexFormat.of().parseHex(v);
                    default -> { }
                }
            }
            return new Handler(enabled, interpreter, flags, offset, magic, mask); // magic null: an extension handler
        }

        boolean matches(byte[] header) {
            if (magic == null || offset + magic.length > header.length) return false;
            for (int i = 0; i < magic.length; i++) {
                int m = mask == null ? 0xff : mask[i] & 0xff;
                if ((header[offset + i] & m) != (magic[i] & m)) return false;
            }
            return true;
        }
    }

    /** The JVM's name for an architecture in OCI's spelling. */
    static String ociArch(String javaArch) {
        return switch (javaArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            case "arm" -> "arm";
            default -> javaArch;
        };
    }
}
