package dev.strata.state;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Prepared statements on one connection, for the length of one transaction: after {@link #end()}, or in
 * a read transaction for writes, it refuses to run anything. SQL failures become
 * {@link StateStoreException}s naming the store.
 */
final class Sql {
    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet r) throws SQLException;
    }

    private final StatementCache statements;
    private final String location;
    private final boolean writable;
    private boolean open = true;

    Sql(StatementCache statements, String location, boolean writable) {
        this.statements = statements;
        this.location = location;
        this.writable = writable;
    }

    String location() {
        return location;
    }

    void end() {
        open = false;
    }

    <T> List<T> query(String sql, Row<T> row, Object... params) {
        requireOpen();
        // Closing the result set resets the cached statement, which ends its read.
        try (ResultSet r = prepare(sql, params).executeQuery()) {
            List<T> out = new ArrayList<>();
            while (r.next()) {
                out.add(row.map(r));
            }
            return out;
        } catch (SQLException e) {
            statements.discard(sql);
            throw failure(e);
        }
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the number of rows changed. */
    int update(String sql, Object... params) {
        requireWritable();
        try {
            return prepare(sql, params).executeUpdate();
        } catch (SQLException e) {
            statements.discard(sql);
            throw failure(e);
        }
    }

    void requireWritable() {
        requireOpen();
        if (!writable) {
            throw new IllegalStateException("this is a read transaction; write in StateStore.transaction or update");
        }
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("this transaction has ended; use the store, or a new transaction");
        }
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement s = statements.get(sql);
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
        return s;
    }

    private StateStoreException failure(SQLException e) {
        return new StateStoreException("state database " + location + ": " + e.getMessage(), e);
    }

    static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Rows keyed and sorted by key; rows already in key order (ORDER BY the key) are kept in one linear pass. */
    static <V> Map<String, V> byKey(List<V> rows, Function<V, String> key) {
        Map<String, V> out = new java.util.LinkedHashMap<>(Math.max(16, rows.size() * 4 / 3 + 1));
        String last = null;
        for (V v : rows) {
            String k = key.apply(v);
            if (last != null && last.compareTo(k) >= 0) return sorted(rows, key);
            out.put(k, v);
            last = k;
        }
        return Collections.unmodifiableMap(out);
    }

    private static <V> Map<String, V> sorted(List<V> rows, Function<V, String> key) {
        Map<String, V> out = new TreeMap<>();
        rows.forEach(v -> out.put(key.apply(v), v));
        return Collections.unmodifiableMap(out);
    }

    static long millis(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
    }

    static Instant time(ResultSet r, String column) throws SQLException {
        return Instant.ofEpochMilli(r.getLong(column));
    }

    static Optional<Instant> optionalTime(ResultSet r, String column) throws SQLException {
        long value = r.getLong(column);
        return r.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }

    static Optional<String> text(ResultSet r, String column) throws SQLException {
        return Optional.ofNullable(r.getString(column));
    }

    static Optional<String> text(ResultSet r, int column) throws SQLException {
        return Optional.ofNullable(r.getString(column));
    }

    static Optional<Instant> optionalTime(ResultSet r, int column) throws SQLException {
        long value = r.getLong(column);
        return r.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }
}
