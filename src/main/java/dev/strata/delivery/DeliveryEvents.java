package dev.strata.delivery;

/**
 * What delivery tells its host about, since a library never prints: {@code serve} logs these. Messages
 * carry no tokens (delivery never holds a token past the request that presented it).
 */
public interface DeliveryEvents {
    DeliveryEvents NONE = new DeliveryEvents() {
    };

    /** A state store write failed; the callers got {@code 500 internal_error}. */
    default void storeFailed(Throwable failure) {
    }

    /** A FleetLock holder overstayed its group's update timeout and was marked failed. */
    default void holderFailed(String group, String machineId, String why) {
    }

    /** A machine went back to an earlier deployment that Strata did not order. */
    default void unorderedRollback(String group, String machineId, String why) {
    }
}
