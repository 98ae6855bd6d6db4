package dev.strata.cli;

/** Who runs a command, for the history: the login name. */
final class Who {
    private Who() {
    }

    static String me() {
        String user = System.getenv("USER");
        if (user == null || user.isBlank()) user = System.getProperty("user.name", "unknown");
        return user;
    }
}
