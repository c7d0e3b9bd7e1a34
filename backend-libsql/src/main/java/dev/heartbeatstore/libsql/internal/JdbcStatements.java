package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.spi.Deadline;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/**
 * What {@link JdbcSession} does with one sqlite-jdbc connection: open it, run statements, read rows, say what
 * failed.
 */
final class JdbcStatements {

  private JdbcStatements() {}

  static SQLiteConfig config(boolean create, Deadline deadline) {
    SQLiteConfig config = new SQLiteConfig();
    if (!create) {
      config.resetOpenMode(SQLiteOpenMode.CREATE);
    }
    // For what sqlite-jdbc runs while opening, before the connection's own busy handler is in place.
    config.setBusyTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, deadline.remaining().toMillis())));
    config.enforceForeignKeys(true);
    return config;
  }

  /**
   * Switches the file to WAL (readers beside the writer). On a new file the switch needs the file to
   * itself, and several processes may be opening it at once: tried again until the deadline.
   */
  static void useWal(GuardedConnection c, Deadline deadline, String description) throws SQLException {
    while (true) {
      try {
        String mode = c.queryText("PRAGMA journal_mode = WAL");
        if (!"wal".equalsIgnoreCase(mode)) {
          throw new StoreUnavailableException("cannot open " + description + " in WAL mode (it stays in "
              + mode + " mode); the file system may not support the shared memory WAL needs");
        }
        return;
      } catch (SQLiteException e) {
        if (!e.getResultCode().name().startsWith("SQLITE_BUSY") || deadline.expired()) {
          throw e;
        }
        try {
          Thread.sleep(Math.max(1, Math.min(10, deadline.remaining().toMillis())));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** The rows of a query, typed as {@link SqlSession#query} says; the deadline is checked every 256 rows. */
  static List<Object[]> rows(PreparedStatement ps, String operation, Deadline deadline) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      int columns = rs.getMetaData().getColumnCount();
      List<Object[]> rows = new ArrayList<>();
      while (rs.next()) {
        if ((rows.size() & 255) == 255) {
          checkDeadline(operation, deadline, "reading rows");
        }
        Object[] row = new Object[columns];
        for (int i = 0; i < columns; i++) {
          Object v = rs.getObject(i + 1);
          row[i] = v instanceof Integer ? Long.valueOf((Integer) v) : v;
        }
        rows.add(row);
      }
      return rows;
    }
  }

  /** Runs {@code statements[from, to)}, all of one text, as one batch; their change counts go to {@code changes}. */
  static void executeBatch(GuardedConnection c, List<Statement> statements, int from, int to, long[] changes)
      throws SQLException {
    PreparedStatement ps = null;
    try {
      for (int k = from; k < to; k++) {
        ps = c.prepare(statements.get(k));
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      for (int k = 0; k < counts.length; k++) {
        changes[from + k] = counts[k];
      }
    } finally {
      if (ps != null) {
        ps.clearBatch(); // the statement stays cached: leave no rows of a failed batch in it
      }
    }
  }

  static void checkDeadline(String operation, Deadline deadline, String what) {
    if (deadline.expired()) {
      throw deadline.timeout(operation, what);
    }
  }

  /**
   * The contract's exception for a failed statement on {@code c}, whose prepared statements are dropped first
   * (see {@link GuardedConnection#forgetPrepared()}); {@code onTimeout} says what a timeout left behind, if
   * anything (a write: nothing written).
   */
  static HeartbeatStoreException failure(GuardedConnection c, String operation, String key, boolean atomic,
                                        SQLException e, Deadline deadline,
                                        String onTimeout, boolean closed, String description) {
    if (c != null) {
      c.forgetPrepared();
    }
    if (closed) {
      return new StoreUnavailableException(operation + ": " + description + " was closed while the call ran", e);
    }
    String code = e instanceof SQLiteException ? ((SQLiteException) e).getResultCode().name() : null;
    if (code != null && (code.startsWith("SQLITE_INTERRUPT")
        || (deadline.expired() && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))))) {
      String what = (code.startsWith("SQLITE_INTERRUPT") ? "the statement was stopped at the deadline"
          : "another connection held " + description + " locked") + (onTimeout == null ? "" : "; " + onTimeout);
      StoreTimeoutException timeout = deadline.timeout(operation, what);
      timeout.initCause(e);
      return timeout;
    }
    return SqliteErrors.translate(operation, key, atomic, code, e.getMessage(), e);
  }

}
