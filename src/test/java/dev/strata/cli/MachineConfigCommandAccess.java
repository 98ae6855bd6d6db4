package dev.strata.cli;

/** Lets tests in other packages call package-private helpers of the machine-config command. */
public final class MachineConfigCommandAccess {
    private MachineConfigCommandAccess() {
    }

    public static String baseUrl(String url) {
        return MachineConfigCommand.baseUrl(url);
    }
}
