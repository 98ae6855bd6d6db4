package dev.strata.state;

/** The state store could not be opened, read or written; the message names the store and the cause. */
public class StateStoreException extends RuntimeException {
    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
