package dev.strata.state;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.strata.state.Sql.byKey;
import static dev.strata.state.Sql.first;
import static dev.strata.state.Sql.millis;
import static dev.strata.state.Sql.optionalTime;
import static dev.strata.state.Sql.text;
import static dev.strata.state.Sql.time;

/** The delivery tables of {@link SqliteAccess}: FleetLock holders, machine tokens, unknown ids, rollbacks. */
final class SqliteDeliveryAccess {
    private static final String HOLDER_COLUMNS = "machine_id, group_name, granted_at, failed_at, failure";
    private static final String UNKNOWN_COLUMNS = "id, first_seen, last_seen, endpoint, count";
    private static final String ROLLBACK_COLUMNS = "id, rollback, rolled_back_from, rolled_back_at";

    private final Sql sql;

    SqliteDeliveryAccess(Sql sql) {
        this.sql = sql;
    }

    // FleetLock holders

    List<FleetLockHolder> holders() {
        return sql.query("SELECT " + HOLDER_COLUMNS + " FROM fleetlock_holders ORDER BY group_name, granted_at, machine_id",
                SqliteDeliveryAccess::holder);
    }

    List<FleetLockHolder> holders(String group) {
        return sql.query("SELECT " + HOLDER_COLUMNS + " FROM fleetlock_holders WHERE group_name = ?"
                + " ORDER BY granted_at, machine_id", SqliteDeliveryAccess::holder, group);
    }

    Optional<FleetLockHolder> holder(String machineId) {
        return first(sql.query("SELECT " + HOLDER_COLUMNS + " FROM fleetlock_holders WHERE machine_id = ?",
                SqliteDeliveryAccess::holder, machineId));
    }

    void grant(FleetLockHolder h) {
        if (holder(h.machineId()).isPresent()) {
            throw new StateStoreException("machine " + h.machineId() + " already holds a FleetLock slot; release it first");
        }
        sql.update("INSERT INTO fleetlock_holders (" + HOLDER_COLUMNS + ") VALUES (?, ?, ?, ?, ?)",
                h.machineId(), h.group(), millis(h.grantedAt()), h.failedAt().map(Sql::millis).orElse(null),
                h.failure().orElse(null));
    }

    boolean release(String machineId) {
        return sql.update("DELETE FROM fleetlock_holders WHERE machine_id = ?", machineId) == 1;
    }

    boolean markFailed(String machineId, Instant at, String failure) {
        return sql.update("UPDATE fleetlock_holders SET failed_at = ?, failure = ? WHERE machine_id = ? AND failed_at IS NULL",
                millis(at), failure, machineId) == 1;
    }

    private static FleetLockHolder holder(ResultSet r) throws SQLException {
        return new FleetLockHolder(r.getString("group_name"), r.getString("machine_id"), time(r, "granted_at"),
                optionalTime(r, "failed_at"), text(r, "failure"));
    }

    // Machine tokens

    Optional<MachineToken> token(String machineId) {
        return first(sql.query("SELECT machine_id, token_sha256, issued_at FROM machine_tokens WHERE machine_id = ?",
                r -> new MachineToken(r.getString("machine_id"), r.getString("token_sha256"), time(r, "issued_at")),
                machineId));
    }

    void recordToken(MachineToken t) {
        sql.update("INSERT INTO machine_tokens (machine_id, token_sha256, issued_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (machine_id) DO UPDATE SET token_sha256 = excluded.token_sha256,"
                        + " issued_at = excluded.issued_at",
                t.machineId(), t.sha256(), millis(t.issuedAt()));
    }

    boolean forgetToken(String machineId) {
        return sql.update("DELETE FROM machine_tokens WHERE machine_id = ?", machineId) == 1;
    }

    // Unknown machines

    List<UnknownMachine> unknown() {
        return sql.query("SELECT " + UNKNOWN_COLUMNS + " FROM unknown_machines ORDER BY last_seen DESC, id",
                r -> new UnknownMachine(r.getString("id"), time(r, "first_seen"), time(r, "last_seen"),
                        r.getString("endpoint"), r.getLong("count")));
    }

    long unknownCount() {
        return first(sql.query("SELECT count(*) FROM unknown_machines", r -> r.getLong(1))).orElse(0L);
    }

    boolean recordUnknown(String id, String endpoint, Instant at, long limit) {
        int changed = sql.update("UPDATE unknown_machines SET last_seen = max(last_seen, ?), endpoint = ?, count = count + 1"
                + " WHERE id = ?", millis(at), endpoint, id);
        if (changed == 1) return true;
        if (unknownCount() >= limit) return false;
        sql.update("INSERT INTO unknown_machines (" + UNKNOWN_COLUMNS + ") VALUES (?, ?, ?, ?, 1)",
                id, millis(at), millis(at), endpoint);
        return true;
    }

    boolean forgetUnknown(String id) {
        return sql.update("DELETE FROM unknown_machines WHERE id = ?", id) == 1;
    }

    // Rollback deployments, in the machines table beside the planner's columns

    Optional<MachineRollback> rollback(String id) {
        return first(sql.query("SELECT " + ROLLBACK_COLUMNS + " FROM machines WHERE id = ?",
                SqliteDeliveryAccess::rollback, id));
    }

    Map<String, MachineRollback> rollbacks() {
        return byKey(sql.query("SELECT " + ROLLBACK_COLUMNS + " FROM machines ORDER BY id", SqliteDeliveryAccess::rollback),
                MachineRollback::id);
    }

    void recordRollback(MachineRollback m) {
        sql.update("INSERT INTO machines (" + ROLLBACK_COLUMNS + ") VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (id) DO UPDATE SET rollback = excluded.rollback,"
                        + " rolled_back_from = excluded.rolled_back_from, rolled_back_at = excluded.rolled_back_at",
                m.id(), m.rollback().orElse(null), m.rolledBackFrom().orElse(null),
                m.rolledBackAt().map(Sql::millis).orElse(null));
    }

    private static MachineRollback rollback(ResultSet r) throws SQLException {
        return new MachineRollback(r.getString("id"), text(r, "rollback"), text(r, "rolled_back_from"),
                optionalTime(r, "rolled_back_at"));
    }
}
