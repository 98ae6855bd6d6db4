package dev.strata.state;

import java.util.Optional;

/**
 * The exclusive right to reconcile or apply: while one is open no other process (or other store in
 * this process) acquires one for the same state. Close it to release it.
 */
public interface RunLock extends AutoCloseable {
    /** The holder recorded for this lock: this process. */
    LockHolder holder();

    /**
     * The record of an earlier holder that had died without releasing, which acquiring this lock
     * cleared; callers may want to say so.
     */
    Optional<LockHolder> clearedStale();

    @Override
    void close();
}
