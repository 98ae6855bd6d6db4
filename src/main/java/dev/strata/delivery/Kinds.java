package dev.strata.delivery;

/** The error kinds of docs/delivery.md: a small fixed set, because Zincati uses them as metric labels. */
final class Kinds {
    static final String INVALID_CLIENT_IDENTITY = "invalid_client_identity";
    static final String INVALID_REQUEST = "invalid_request";
    static final String UNAUTHORIZED = "unauthorized";
    static final String UNKNOWN_MACHINE = "unknown_machine";
    static final String UNKNOWN_GROUP = "unknown_group";
    static final String NOT_RELEASED = "not_released";
    static final String OUTSIDE_WINDOW = "outside_window";
    static final String SLOTS_FULL = "slots_full";
    static final String PAUSED = "paused";
    static final String BODY_TOO_LARGE = "body_too_large";
    static final String INTERNAL_ERROR = "internal_error";
    static final String NOT_READY = "not_ready";
    static final String SHUTTING_DOWN = "shutting_down";
    /** The graph: the Accept header rules out JSON; a machine of a bootc group asked for a graph. */
    static final String NOT_ACCEPTABLE = "not_acceptable";
    static final String NOT_ZINCATI = "not_zincati";
    static final String UNKNOWN_PAYLOAD = "unknown_payload";
    /** The machine reports an architecture other than its platform in the fleet. */
    static final String PLATFORM_MISMATCH = "platform_mismatch";

    private Kinds() {
    }
}
