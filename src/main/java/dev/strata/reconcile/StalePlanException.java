package dev.strata.reconcile;

/** A saved plan no longer matches the world it was made for; apply refuses it. */
public final class StalePlanException extends Exception {
    public StalePlanException(String message) {
        super(message);
    }
}
