package dev.strata.delivery;

/**
 * FleetLock reboot slots, as Zincati and the Strata agent ask for them (docs/delivery.md). The HTTP
 * layer has already checked the method, the {@code fleet-lock-protocol: true} header and decoded
 * {@code client_params}; these calls decide and persist. A granted slot is durable before the reply
 * returns, so a restart never over-grants.
 */
public interface FleetLock {
    /** RecursiveLock: take (or keep) a reboot slot for {@code machineId}. */
    Reply preReboot(String group, String machineId);

    /** UnlockIfHeld: release the slot if held; 2xx for unheld and unknown ids. */
    Reply steadyState(String group, String machineId);
}
