package dev.strata.cli;

/**
 * CRASH-TEST HOOK, for the test suite only. With {@code -Dstrata.test.crashAfter=N}, {@code strata apply}
 * halts the JVM with status 137, the way {@code kill -9} would end it (no shutdown hooks, nothing closed),
 * right after the N-th action's state write committed. The crash tests use it to stop a run between
 * state writes and check that the next run finds the state consistent and carries on. Without the
 * property it does nothing.
 */
final class CrashTestHook {
    static final String PROPERTY = "strata.test.crashAfter";
    private static int actions;

    private CrashTestHook() {
    }

    static void afterAction() {
        String limit = System.getProperty(PROPERTY);
        if (limit != null && ++actions >= Integer.parseInt(limit)) {
            Runtime.getRuntime().halt(137);
        }
    }
}
