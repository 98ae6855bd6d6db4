package dev.strata.cli;

/**
 * CRASH-TEST HOOK, for the test suite only. With {@code -Dstrata.test.crashAfter=N}, {@code strata apply}
 * halts the JVM with status 137, the way {@code kill -9} would end it (no shutdown hooks, nothing closed),
 * right after the N-th action's state write committed. The crash tests use it to stop a run between
 * state writes and check that the next run finds the state consistent and carries on. Without the
 * property it does nothing.
 *
 * <p>With {@code -Dstrata.test.crashAfterPush=N}, {@code strata build} and {@code strata apply} halt the
 * same way right after the N-th image's build returned (pushed, or found already pushed) and before it is
 * recorded in the state: the window a re-run must recover from by finding the pushed image by its inputs
 * tag instead of rebuilding.
 */
final class CrashTestHook {
    static final String PROPERTY = "strata.test.crashAfter";
    static final String AFTER_PUSH = "strata.test.crashAfterPush";
    private static int actions;
    private static int pushes;

    private CrashTestHook() {
    }

    static void afterAction() {
        String limit = System.getProperty(PROPERTY);
        if (limit != null && ++actions >= Integer.parseInt(limit)) {
            Runtime.getRuntime().halt(137);
        }
    }

    /** Called by the CLI's build executor after a push returned, before the Applier records the build. */
    static void afterPush() {
        String limit = System.getProperty(AFTER_PUSH);
        if (limit == null) return;
        synchronized (CrashTestHook.class) {
            if (++pushes >= Integer.parseInt(limit)) Runtime.getRuntime().halt(137);
        }
    }
}
