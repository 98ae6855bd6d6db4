package dev.strata.state;

import dev.strata.plan.Release;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

import static dev.strata.state.Sql.millis;
import static dev.strata.state.Sql.text;
import static dev.strata.state.Sql.time;

/** The zincati tables of {@link SqliteAccess}: releases, their payloads, and graph polls (docs/zincati.md). */
final class SqliteReleaseAccess {
    private static final String RELEASE_COLUMNS = "group_name, age_index, version, image, inputs_digest, image_digest,"
            + " created, published_at, barrier, dead_end";
    private static final String POLL_COLUMNS = "machine_id, group_name, at, basearch, os_version, payload, kind, release_age";

    private final Sql sql;

    SqliteReleaseAccess(Sql sql) {
        this.sql = sql;
    }

    /** Every group's releases, oldest first. */
    Map<String, List<Release>> all() {
        Map<String, Map<Long, Map<String, String>>> payloads = new HashMap<>();
        for (String[] row : sql.query("SELECT group_name, age_index, basearch, payload FROM release_payloads",
                r -> new String[] {r.getString(1), Long.toString(r.getLong(2)), r.getString(3), r.getString(4)})) {
            payloads.computeIfAbsent(row[0], k -> new HashMap<>()).computeIfAbsent(Long.parseLong(row[1]), k -> new TreeMap<>())
                    .put(row[2], row[3]);
        }
        Map<String, List<Release>> out = new LinkedHashMap<>();
        for (Release r : sql.query("SELECT " + RELEASE_COLUMNS + " FROM releases ORDER BY group_name, age_index",
                r -> release(r, payloads))) {
            out.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    List<Release> of(String group) {
        Map<String, Map<Long, Map<String, String>>> payloads = new HashMap<>();
        for (String[] row : sql.query("SELECT age_index, basearch, payload FROM release_payloads WHERE group_name = ?",
                r -> new String[] {Long.toString(r.getLong(1)), r.getString(2), r.getString(3)}, group)) {
            payloads.computeIfAbsent(group, k -> new HashMap<>()).computeIfAbsent(Long.parseLong(row[0]), k -> new TreeMap<>())
                    .put(row[1], row[2]);
        }
        return sql.query("SELECT " + RELEASE_COLUMNS + " FROM releases WHERE group_name = ? ORDER BY age_index",
                r -> release(r, payloads), group);
    }

    void record(Release r) {
        Long newest = sql.query("SELECT max(age_index) FROM releases WHERE group_name = ?", rs -> rs.getObject(1) == null
                ? null : rs.getLong(1), r.group()).get(0);
        long expected = newest == null ? 1 : newest + 1;
        if (r.ageIndex() != expected) {
            throw new StateStoreException("release " + r.version() + " of group " + r.group() + " has age index " + r.ageIndex()
                    + ", but the next one is " + expected + ": releases only move forward, one at a time");
        }
        sql.update("INSERT INTO releases (" + RELEASE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                r.group(), r.ageIndex(), r.version(), r.image(), r.inputsDigest(), r.imageDigest(), millis(r.created()),
                millis(r.publishedAt()), r.barrier().orElse(null), r.deadEnd().orElse(null));
        for (var p : r.payloads().entrySet()) {
            sql.update("INSERT INTO release_payloads (group_name, age_index, basearch, payload) VALUES (?, ?, ?, ?)",
                    r.group(), r.ageIndex(), p.getKey(), p.getValue());
        }
    }

    boolean markDeadEnd(String group, long ageIndex, String reason) {
        return sql.update("UPDATE releases SET dead_end = ? WHERE group_name = ? AND age_index = ? AND dead_end IS NULL",
                reason, group, ageIndex) == 1;
    }

    void recordPoll(GraphPoll p) {
        sql.update("INSERT INTO graph_polls (" + POLL_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (machine_id) DO UPDATE SET group_name = excluded.group_name, at = excluded.at,"
                        + " basearch = excluded.basearch, os_version = excluded.os_version, payload = excluded.payload,"
                        + " kind = excluded.kind, release_age = excluded.release_age",
                p.machineId(), p.group(), millis(p.at()), p.basearch(), p.osVersion(), p.payload(), p.kind().name(),
                p.releaseAge().isPresent() ? p.releaseAge().getAsLong() : null);
    }

    /**
     * A poll and what it says the machine booted, in two statements: booted-since moves only when the booted
     * digest changed, and nothing else of the machine's record is touched.
     */
    void recordPoll(GraphPoll p, String booted) {
        sql.update("INSERT INTO machines (id, booted, booted_since, last_report) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (id) DO UPDATE SET booted = excluded.booted,"
                        + " booted_since = CASE WHEN machines.booted IS excluded.booted THEN machines.booted_since"
                        + " ELSE excluded.booted_since END, last_report = excluded.last_report",
                p.machineId(), booted, millis(p.at()), millis(p.at()));
        recordPoll(p);
    }

    /** Many polls at once, in multi-row statements (one statement per 100 polls and table). */
    void recordPolls(List<GraphPoll> polls, List<String> booted) {
        if (polls.size() != booted.size()) throw new IllegalArgumentException("one booted digest per poll");
        for (int from = 0; from < polls.size(); from += 100) {
            int to = Math.min(polls.size(), from + 100);
            List<Object> machineArgs = new ArrayList<>();
            List<Object> pollArgs = new ArrayList<>();
            for (int i = from; i < to; i++) {
                GraphPoll p = polls.get(i);
                machineArgs.addAll(java.util.Arrays.asList(p.machineId(), booted.get(i), millis(p.at()), millis(p.at())));
                pollArgs.addAll(java.util.Arrays.asList(p.machineId(), p.group(), millis(p.at()), p.basearch(), p.osVersion(),
                        p.payload(), p.kind().name(), p.releaseAge().isPresent() ? p.releaseAge().getAsLong() : null));
            }
            int n = to - from;
            sql.update("INSERT INTO machines (id, booted, booted_since, last_report) VALUES "
                            + String.join(",", java.util.Collections.nCopies(n, "(?, ?, ?, ?)"))
                            + " ON CONFLICT (id) DO UPDATE SET booted = excluded.booted,"
                            + " booted_since = CASE WHEN machines.booted IS excluded.booted THEN machines.booted_since"
                            + " ELSE excluded.booted_since END, last_report = excluded.last_report",
                    machineArgs.toArray());
            sql.update("INSERT INTO graph_polls (" + POLL_COLUMNS + ") VALUES "
                            + String.join(",", java.util.Collections.nCopies(n, "(?, ?, ?, ?, ?, ?, ?, ?)"))
                            + " ON CONFLICT (machine_id) DO UPDATE SET group_name = excluded.group_name, at = excluded.at,"
                            + " basearch = excluded.basearch, os_version = excluded.os_version, payload = excluded.payload,"
                            + " kind = excluded.kind, release_age = excluded.release_age",
                    pollArgs.toArray());
        }
    }

    List<GraphPoll> polls() {
        return sql.query("SELECT " + POLL_COLUMNS + " FROM graph_polls ORDER BY group_name, machine_id", r -> {
            long age = r.getLong("release_age");
            OptionalLong releaseAge = r.wasNull() ? OptionalLong.empty() : OptionalLong.of(age);
            return new GraphPoll(r.getString("machine_id"), r.getString("group_name"), time(r, "at"), r.getString("basearch"),
                    r.getString("os_version"), r.getString("payload"), kind(r.getString("kind")), releaseAge);
        });
    }

    private GraphPoll.Kind kind(String k) {
        try {
            return GraphPoll.Kind.valueOf(k);
        } catch (IllegalArgumentException e) {
            throw new StateStoreException("state database " + sql.location() + ": a graph poll of kind " + k
                    + ", which this strata does not know", e);
        }
    }

    private static Release release(ResultSet r, Map<String, Map<Long, Map<String, String>>> payloads) throws SQLException {
        String group = r.getString("group_name");
        long age = r.getLong("age_index");
        return new Release(group, age, r.getString("version"), r.getString("image"), r.getString("inputs_digest"),
                r.getString("image_digest"), payloads.getOrDefault(group, Map.of()).getOrDefault(age, Map.of()),
                time(r, "created"), time(r, "published_at"), text(r, "barrier"), text(r, "dead_end"));
    }
}
