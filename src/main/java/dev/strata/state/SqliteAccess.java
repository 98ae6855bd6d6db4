package dev.strata.state;

import dev.strata.plan.Build;
import dev.strata.plan.Packages;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;
import dev.strata.plan.StreamResolution;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static dev.strata.state.Sql.byKey;
import static dev.strata.state.Sql.first;
import static dev.strata.state.Sql.millis;
import static dev.strata.state.Sql.optionalTime;
import static dev.strata.state.Sql.text;
import static dev.strata.state.Sql.time;

/**
 * The reads and writes of one transaction, as SQL on one SQLite connection: usable only while that
 * transaction is open. Prepared statements only; every time is UTC epoch milliseconds.
 */
final class SqliteAccess implements StateTransaction {
    private static final String BUILD_COLUMNS =
            "inputs_digest, image, image_digest, reference, git_commit, base_digest, base_version, built_at, created, version";
    private static final String GROUP_COLUMNS = "name, target, previous, started_at, status, paused_by_operator";
    private static final String WAVE_COLUMNS =
            "group_name, target, wave, started_at, released, succeeded, failed, completed_at";
    private static final String APPROVAL_COLUMNS = "group_name, digest, approved_by, approved_at";
    private static final String MACHINE_COLUMNS =
            "id, booted, booted_since, staged, released_digest, released_at, failure, last_report";
    private static final String HISTORY_COLUMNS = "at, revision, kind, subject, detail, reason";

    private final Sql sql;
    private final SqliteDeliveryAccess delivery;
    private final SqliteReleaseAccess releases;

    SqliteAccess(Sql sql) {
        this.sql = sql;
        this.delivery = new SqliteDeliveryAccess(sql);
        this.releases = new SqliteReleaseAccess(sql);
    }

    // Builds

    @Override
    public Map<String, Build> builds() {
        Map<String, Map<String, String>> platforms = new HashMap<>();
        for (String[] row : sql.query("SELECT inputs_digest, platform, manifest_digest FROM build_platforms",
                r -> new String[] {r.getString(1), r.getString(2), r.getString(3)})) {
            platforms.computeIfAbsent(row[0], k -> new HashMap<>()).put(row[1], row[2]);
        }
        return byKey(sql.query("SELECT " + BUILD_COLUMNS + " FROM builds ORDER BY inputs_digest",
                r -> withPlatforms(build(r), platforms.getOrDefault(r.getString("inputs_digest"), Map.of()))),
                Build::inputsDigest);
    }

    @Override
    public Optional<Build> build(String inputsDigest) {
        Map<String, String> platforms = new HashMap<>();
        for (String[] row : sql.query("SELECT platform, manifest_digest FROM build_platforms WHERE inputs_digest = ?",
                r -> new String[] {r.getString(1), r.getString(2)}, inputsDigest)) {
            platforms.put(row[0], row[1]);
        }
        return first(sql.query("SELECT " + BUILD_COLUMNS + " FROM builds WHERE inputs_digest = ?",
                r -> withPlatforms(build(r), platforms), inputsDigest));
    }

    private static Build withPlatforms(Build b, Map<String, String> platforms) {
        return platforms.isEmpty() ? b : new Build(b.image(), b.inputsDigest(), b.imageDigest(), b.reference(), b.commit(),
                b.baseDigest(), b.baseVersion(), b.builtAt(), b.created(), b.version(), platforms);
    }

    @Override
    public void recordBuild(Build b) {
        sql.update("INSERT INTO builds (" + BUILD_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (inputs_digest) DO UPDATE SET image = excluded.image,"
                        + " image_digest = excluded.image_digest, reference = excluded.reference,"
                        + " git_commit = excluded.git_commit, base_digest = excluded.base_digest, base_version = excluded.base_version,"
                        + " built_at = excluded.built_at, created = excluded.created, version = excluded.version",
                b.inputsDigest(), b.image(), b.imageDigest(), b.reference(), b.commit(), b.baseDigest(), b.baseVersion().orElse(null),
                millis(b.builtAt()), b.created().map(Sql::millis).orElse(null), b.version().orElse(null));
        // In the caller's transaction: a build and its platforms are recorded together, or not at all. The
        // platforms are part of the inputs digest, so a single-platform build never replaces a multi-arch one.
        if (b.platforms().isEmpty()) return;
        sql.update("DELETE FROM build_platforms WHERE inputs_digest = ?", b.inputsDigest());
        for (var p : b.platforms().entrySet()) {
            sql.update("INSERT INTO build_platforms (inputs_digest, platform, manifest_digest) VALUES (?, ?, ?)",
                    b.inputsDigest(), p.getKey(), p.getValue());
        }
    }

    @Override
    public Optional<Packages> packages(String inputsDigest) {
        return first(sql.query("SELECT format, packages FROM build_packages WHERE inputs_digest = ?",
                r -> PackagesText.read(r.getString("format"), r.getString("packages")), inputsDigest));
    }

    @Override
    public void recordPackages(String inputsDigest, Packages packages) {
        sql.update("INSERT INTO build_packages (inputs_digest, format, packages) VALUES (?, ?, ?)"
                        + " ON CONFLICT (inputs_digest) DO UPDATE SET format = excluded.format, packages = excluded.packages",
                inputsDigest, packages.format(), PackagesText.write(packages));
    }

    @Override
    public void recordInputs(InputsDigest inputs, Instant recordedAt) {
        sql.update("INSERT INTO image_inputs (image, inputs_digest, body, recorded_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (image) DO UPDATE SET inputs_digest = excluded.inputs_digest,"
                        + " body = excluded.body, recorded_at = excluded.recorded_at",
                inputs.image(), inputs.digest(), InputsJson.write(inputs), millis(recordedAt));
    }

    @Override
    public Map<String, InputsDigest> builtInputs() {
        return byKey(sql.query("SELECT body FROM image_inputs ORDER BY image", r -> InputsJson.read(r.getString("body"))),
                InputsDigest::image);
    }

    private static Build build(ResultSet r) throws SQLException {
        return new Build(r.getString("image"), r.getString("inputs_digest"), r.getString("image_digest"),
                r.getString("reference"), r.getString("git_commit"), r.getString("base_digest"), text(r, "base_version"),
                time(r, "built_at"), optionalTime(r, "created"), text(r, "version"));
    }

    // Groups and their waves

    @Override
    public Map<String, GroupState> groups() {
        Map<String, Set<String>> rejected = new HashMap<>();
        for (String[] row : sql.query("SELECT group_name, digest FROM group_rejected_digests",
                r -> new String[] {r.getString(1), r.getString(2)})) {
            rejected.computeIfAbsent(row[0], k -> new TreeSet<>()).add(row[1]);
        }
        return byKey(sql.query("SELECT " + GROUP_COLUMNS + " FROM groups ORDER BY name",
                r -> group(r, rejected.getOrDefault(r.getString("name"), Set.of()))), GroupState::group);
    }

    @Override
    public Optional<GroupState> group(String name) {
        Set<String> rejected = new TreeSet<>(sql.query(
                "SELECT digest FROM group_rejected_digests WHERE group_name = ?", r -> r.getString(1), name));
        return first(sql.query("SELECT " + GROUP_COLUMNS + " FROM groups WHERE name = ?",
                r -> group(r, rejected), name));
    }

    @Override
    public void saveGroup(GroupState g) {
        sql.update("INSERT INTO groups (" + GROUP_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (name) DO UPDATE SET target = excluded.target, previous = excluded.previous,"
                        + " started_at = excluded.started_at, status = excluded.status,"
                        + " paused_by_operator = excluded.paused_by_operator",
                g.group(), g.target().orElse(null), g.previous().orElse(null),
                g.startedAt().map(Sql::millis).orElse(null), g.status().name(), g.pausedByOperator() ? 1 : 0);
        sql.update("DELETE FROM group_rejected_digests WHERE group_name = ?", g.group());
        for (String digest : new TreeSet<>(g.rejectedDigests())) {
            sql.update("INSERT INTO group_rejected_digests (group_name, digest) VALUES (?, ?)", g.group(), digest);
        }
    }

    @Override
    public void forgetGroup(String group) {
        sql.update("DELETE FROM approvals WHERE group_name = ?", group);
        // Rejected digests and waves go with the group (ON DELETE CASCADE).
        sql.update("DELETE FROM groups WHERE name = ?", group);
    }

    private GroupState group(ResultSet r, Set<String> rejected) throws SQLException {
        String status = r.getString("status");
        GroupState.Status parsed;
        try {
            parsed = GroupState.Status.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw new StateStoreException("state database " + sql.location() + ": group " + r.getString("name")
                    + " has status " + status + ", which this strata does not know", e);
        }
        return new GroupState(r.getString("name"), text(r, "target"), text(r, "previous"),
                optionalTime(r, "started_at"), parsed, rejected, r.getInt("paused_by_operator") == 1);
    }

    @Override
    public List<WaveProgress> waves() {
        return sql.query("SELECT " + WAVE_COLUMNS + " FROM waves ORDER BY group_name, started_at, wave",
                SqliteAccess::wave);
    }

    @Override
    public List<WaveProgress> waves(String group) {
        return sql.query("SELECT " + WAVE_COLUMNS + " FROM waves WHERE group_name = ? ORDER BY started_at, wave",
                SqliteAccess::wave, group);
    }

    @Override
    public void saveWave(WaveProgress w) {
        if (group(w.group()).isEmpty()) {
            throw new StateStoreException("cannot save wave " + w.wave() + " of group " + w.group()
                    + ": the group has no saved rollout; save the group first");
        }
        sql.update("INSERT INTO waves (" + WAVE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (group_name, target, wave) DO UPDATE SET started_at = excluded.started_at,"
                        + " released = excluded.released, succeeded = excluded.succeeded, failed = excluded.failed,"
                        + " completed_at = excluded.completed_at",
                w.group(), w.target(), w.wave(), millis(w.startedAt()), w.released(), w.succeeded(), w.failed(),
                w.completedAt().map(Sql::millis).orElse(null));
    }

    private static WaveProgress wave(ResultSet r) throws SQLException {
        return new WaveProgress(r.getString("group_name"), r.getString("target"), r.getString("wave"),
                time(r, "started_at"), r.getInt("released"), r.getInt("succeeded"), r.getInt("failed"),
                optionalTime(r, "completed_at"));
    }

    // Approvals

    @Override
    public List<Approval> approvals() {
        return sql.query("SELECT " + APPROVAL_COLUMNS + " FROM approvals ORDER BY group_name, approved_at, digest",
                SqliteAccess::approval);
    }

    @Override
    public Optional<Approval> approval(String group, String digest) {
        return first(sql.query("SELECT " + APPROVAL_COLUMNS + " FROM approvals WHERE group_name = ? AND digest = ?",
                SqliteAccess::approval, group, digest));
    }

    @Override
    public boolean recordApproval(Approval a) {
        return sql.update("INSERT INTO approvals (" + APPROVAL_COLUMNS + ") VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (group_name, digest) DO NOTHING",
                a.group(), a.digest(), a.approvedBy(), millis(a.approvedAt())) == 1;
    }

    private static Approval approval(ResultSet r) throws SQLException {
        return new Approval(r.getString("group_name"), r.getString("digest"), r.getString("approved_by"),
                time(r, "approved_at"));
    }

    // Machines

    @Override
    public Map<String, MachineState> machines() {
        return byKey(sql.query("SELECT " + MACHINE_COLUMNS + " FROM machines ORDER BY id", SqliteAccess::machine),
                MachineState::id);
    }

    @Override
    public Optional<MachineState> machine(String id) {
        return first(sql.query("SELECT " + MACHINE_COLUMNS + " FROM machines WHERE id = ?", SqliteAccess::machine, id));
    }

    @Override
    public void recordMachine(MachineState m) {
        sql.update("INSERT INTO machines (" + MACHINE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (id) DO UPDATE SET booted = excluded.booted,"
                        + " booted_since = excluded.booted_since, staged = excluded.staged,"
                        + " released_digest = excluded.released_digest, released_at = excluded.released_at,"
                        + " failure = excluded.failure, last_report = excluded.last_report",
                m.id(), m.booted().orElse(null), m.bootedSince().map(Sql::millis).orElse(null),
                m.staged().orElse(null), m.releasedDigest().orElse(null),
                m.releasedAt().map(Sql::millis).orElse(null), m.failure().orElse(null),
                m.lastReport().map(Sql::millis).orElse(null));
    }

    @Override
    public void forgetMachine(String id) {
        sql.update("DELETE FROM machines WHERE id = ?", id);
    }

    /** By position in MACHINE_COLUMNS: a snapshot reads every machine, and a lookup by name per column adds up. */
    private static MachineState machine(ResultSet r) throws SQLException {
        return new MachineState(r.getString(1), text(r, 2), optionalTime(r, 3), text(r, 4), text(r, 5), optionalTime(r, 6),
                text(r, 7), optionalTime(r, 8));
    }

    // Streams

    @Override
    public Map<String, RecordedStream> recordedStreams() {
        return byKey(sql.query("SELECT name, digest, version, source, resolved_at FROM streams ORDER BY name",
                this::stream), RecordedStream::stream);
    }

    @Override
    public void recordStream(StreamResolution s, Instant resolvedAt) {
        if (s.source() == StreamResolution.Source.RECORDED) {
            sql.requireWritable();
            return;
        }
        sql.update("INSERT INTO streams (name, digest, version, source, resolved_at) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (name) DO UPDATE SET digest = excluded.digest, version = excluded.version,"
                        + " source = excluded.source, resolved_at = excluded.resolved_at",
                s.stream(), s.digest(), s.version().orElse(null), s.source().name(), millis(resolvedAt));
    }

    private RecordedStream stream(ResultSet r) throws SQLException {
        String source = r.getString("source");
        try {
            return new RecordedStream(r.getString("name"), r.getString("digest"), text(r, "version"),
                    StreamResolution.Source.valueOf(source), time(r, "resolved_at"));
        } catch (IllegalArgumentException e) {
            throw new StateStoreException("state database " + sql.location() + ": stream " + r.getString("name")
                    + " was resolved from " + source + ", which this strata does not know", e);
        }
    }

    // History

    @Override
    public List<HistoryEntry> history(Optional<String> subject, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("history limit must be positive, got " + limit);
        }
        if (subject.isPresent()) {
            return sql.query("SELECT " + HISTORY_COLUMNS + " FROM history WHERE subject = ? ORDER BY seq DESC LIMIT ?",
                    SqliteAccess::historyEntry, subject.get(), limit);
        }
        return sql.query("SELECT " + HISTORY_COLUMNS + " FROM history ORDER BY seq DESC LIMIT ?",
                SqliteAccess::historyEntry, limit);
    }

    @Override
    public long appendHistory(HistoryEntry e) {
        sql.requireWritable();
        return first(sql.query("INSERT INTO history (" + HISTORY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?) RETURNING seq",
                r -> r.getLong(1), millis(e.time()), e.revision(), e.kind(), e.subject(), e.detail(), e.reason()))
                .orElseThrow(() -> new StateStoreException("state database " + sql.location() + ": no sequence number"
                        + " returned for a history entry"));
    }

    private static HistoryEntry historyEntry(ResultSet r) throws SQLException {
        return new HistoryEntry(time(r, "at"), r.getString("revision"), r.getString("kind"), r.getString("subject"),
                r.getString("detail"), r.getString("reason"));
    }

    // Delivery: the SQL is in SqliteDeliveryAccess

    @Override
    public List<FleetLockHolder> fleetLockHolders() {
        return delivery.holders();
    }

    @Override
    public List<FleetLockHolder> fleetLockHolders(String group) {
        return delivery.holders(group);
    }

    @Override
    public Optional<FleetLockHolder> fleetLockHolder(String machineId) {
        return delivery.holder(machineId);
    }

    @Override
    public Optional<MachineToken> machineToken(String machineId) {
        return delivery.token(machineId);
    }

    @Override
    public List<UnknownMachine> unknownMachines() {
        return delivery.unknown();
    }

    @Override
    public long unknownMachineCount() {
        return delivery.unknownCount();
    }

    @Override
    public Optional<MachineRollback> machineRollback(String id) {
        return delivery.rollback(id);
    }

    @Override
    public Map<String, MachineRollback> machineRollbacks() {
        return delivery.rollbacks();
    }

    @Override
    public void grantFleetLock(FleetLockHolder holder) {
        delivery.grant(holder);
    }

    @Override
    public boolean releaseFleetLock(String machineId) {
        return delivery.release(machineId);
    }

    @Override
    public boolean markFleetLockFailed(String machineId, Instant at, String failure) {
        return delivery.markFailed(machineId, at, failure);
    }

    @Override
    public void recordMachineToken(MachineToken token) {
        delivery.recordToken(token);
    }

    @Override
    public boolean forgetMachineToken(String machineId) {
        return delivery.forgetToken(machineId);
    }

    @Override
    public boolean recordUnknownMachine(String id, String endpoint, Instant at, long limit) {
        return delivery.recordUnknown(id, endpoint, at, limit);
    }

    @Override
    public boolean forgetUnknownMachine(String id) {
        return delivery.forgetUnknown(id);
    }

    @Override
    public void recordMachineRollback(MachineRollback rollback) {
        delivery.recordRollback(rollback);
    }

    // Zincati: the SQL is in SqliteReleaseAccess

    @Override
    public Map<String, List<dev.strata.plan.Release>> releases() {
        return releases.all();
    }

    @Override
    public List<dev.strata.plan.Release> releases(String group) {
        return releases.of(group);
    }

    @Override
    public List<GraphPoll> graphPolls() {
        return releases.polls();
    }

    @Override
    public void recordRelease(dev.strata.plan.Release release) {
        releases.record(release);
    }

    @Override
    public boolean markReleaseDeadEnd(String group, long ageIndex, String reason) {
        return releases.markDeadEnd(group, ageIndex, reason);
    }

    @Override
    public void recordGraphPoll(GraphPoll poll) {
        releases.recordPoll(poll);
    }

    @Override
    public void recordGraphPoll(GraphPoll poll, String booted) {
        releases.recordPoll(poll, booted);
    }

    @Override
    public void recordGraphPolls(List<GraphPoll> polls, List<String> booted) {
        releases.recordPolls(polls, booted);
    }
}
