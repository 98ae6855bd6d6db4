package dev.strata.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prepared statements of one connection, kept across transactions: the store runs the same few dozen
 * statements over and over (delivery thousands of times a second), and preparing one costs more than
 * running it. Used under the store's transaction lock only; the least recently used go past 128.
 */
final class StatementCache {
    private static final int MAX = 128;

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= MAX) return false;
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    StatementCache(Connection connection) {
        this.connection = connection;
    }

    /** The statement for {@code sql}, with no parameters bound. */
    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement s = statements.get(sql);
        if (s != null && !s.isClosed()) {
            s.clearParameters();
            return s;
        }
        s = connection.prepareStatement(sql);
        statements.put(sql, s);
        return s;
    }

    /** Drops a statement that failed, so the next use prepares it afresh. */
    void discard(String sql) {
        PreparedStatement s = statements.remove(sql);
        if (s != null) closeQuietly(s);
    }

    void closeAll() {
        statements.values().forEach(StatementCache::closeQuietly);
        statements.clear();
    }

    private static void closeQuietly(PreparedStatement s) {
        try {
            s.close();
        } catch (SQLException e) {
            // Closing a statement of a connection that is going away: nothing to keep.
        }
    }
}
