package dev.strata.delivery;

import java.util.Optional;

/**
 * The agent's endpoints: a machine's target and its status reports. Each call carries the
 * machine's bearer token, checked here; bodies arrive already size-limited by the HTTP layer.
 */
public interface MachineEndpoints {
    /** {@code GET /v1/machines/{id}/target}. */
    Reply target(String machineId, Optional<String> bearerToken);

    /** {@code POST /v1/machines/{id}/status}: a bootc or rpm-ostree status JSON document. */
    Reply status(String machineId, Optional<String> bearerToken, byte[] body);
}
