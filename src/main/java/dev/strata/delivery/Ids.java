package dev.strata.delivery;

/** Shapes of what machines send, checked before anything is looked up or stored. */
final class Ids {
    private Ids() {
    }

    /** The app-specific machine id: 32 lowercase hex digits, as Zincati and the agent send it. */
    static boolean machineId(String id) {
        if (id == null || id.length() != 32) return false;
        for (int i = 0; i < 32; i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    /** A FleetLock group as Zincati allows it: {@code [a-zA-Z0-9.-]+}; longer than any group name can be is refused too. */
    static boolean group(String group) {
        if (group == null || group.isEmpty() || group.length() > 255) return false;
        for (int i = 0; i < group.length(); i++) {
            char c = group.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-')) return false;
        }
        return true;
    }

    static final String MACHINE_ID_RULE = "32 lowercase hex digits, from 'systemd-id128 machine-id -a "
            + "de35106b6ec24688b63afddaa156679b'";
}
