package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.spi.Deadline;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.sqlite.BusyHandler;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;

/**
 * One sqlite-jdbc connection whose statements end by their caller's deadline, and its prepared statements.
 *
 * <p>Two SQLite callbacks, both run on the calling thread, bound every statement: a busy handler that
 * waits for another connection's lock only until the deadline (SQLite's own {@code busy_timeout} counts
 * its sleeps from a fixed table, not the clock, so on a loaded machine it overshoots), and a progress
 * handler that stops a statement still running at the deadline ({@code SQLITE_INTERRUPT}; SQLite rolls
 * the statement back). {@link #abort()} makes both give up at once, for {@code close()}.
 *
 * <p>Used by one thread at a time (the session's writer under its lock, a reader while borrowed); only
 * {@link #abort()} is called from another thread.
 */
final class GuardedConnection {

  /** SQLite VM instructions between two progress checks: tens of microseconds of work. */
  private static final int PROGRESS_STEPS = 1_000;
  /** The longest pause between two tries for a lock held by another connection. */
  private static final long MAX_BUSY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final Connection connection;
  /**
   * Prepared statements, kept for the connection's life: the backend runs a fixed set of SQL texts, and
   * preparing them once saves the parse on every call.
   */
  private final Map<String, PreparedStatement> prepared = new HashMap<>();
  private volatile long deadlineNanos;
  /** COMMIT and ROLLBACK run to their end whatever the deadline: they decide what the caller is told. */
  private volatile boolean finishing;
  private volatile boolean aborted;

  private GuardedConnection(Connection connection, Deadline deadline) {
    this.connection = connection;
    arm(deadline);
  }

  /** Opens {@code url} with {@code config}; the callbacks are in place before it is returned. */
  static GuardedConnection open(String url, SQLiteConfig config, Deadline deadline) throws SQLException {
    Connection c = config.createConnection(url);
    try {
      GuardedConnection guarded = new GuardedConnection(c, deadline);
      // Replaces the busy_timeout the config set for the open itself.
      BusyHandler.setHandler(c, guarded.new WaitUntilDeadline());
      ProgressHandler.setHandler(c, PROGRESS_STEPS, guarded.new StopAtDeadline());
      return guarded;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Every statement from now on ends by {@code deadline}. */
  void arm(Deadline deadline) {
    deadlineNanos = System.nanoTime() + deadline.remainingNanos();
  }

  /** Makes the statement running now, and every later one, give up at once. */
  void abort() {
    aborted = true;
  }

  /** The connection's prepared statement for this SQL (prepared on first use), with the arguments bound. */
  PreparedStatement prepare(Statement statement) throws SQLException {
    PreparedStatement ps = prepared.get(statement.sql());
    if (ps == null) {
      ps = connection.prepareStatement(statement.sql());
      prepared.put(statement.sql(), ps);
    } else {
      ps.clearParameters();
    }
    for (int i = 0; i < statement.argCount(); i++) {
      Object arg = statement.arg(i);
      if (arg == null) {
        ps.setNull(i + 1, java.sql.Types.NULL);
      } else if (arg instanceof Long) {
        ps.setLong(i + 1, (Long) arg);
      } else {
        ps.setString(i + 1, (String) arg);
      }
    }
    return ps;
  }

  /**
   * Drops every prepared statement, after a statement failed: sqlite-jdbc finalizes a statement whose step
   * fails with most codes ({@code SQLITE_FULL}, {@code SQLITE_INTERRUPT}, {@code SQLITE_IOERR}, …) yet
   * leaves the Java object, which then fails every later call with "statement is not executing". The next
   * call prepares afresh.
   */
  void forgetPrepared() {
    for (PreparedStatement ps : prepared.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // already finalized, or the connection is in trouble: dropping it is all we want
      }
    }
    prepared.clear();
  }

  /** Runs one statement that returns no rows (a PRAGMA, BEGIN, …), prepared afresh. */
  void run(String sql) throws SQLException {
    try (java.sql.Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  /** Runs one statement and returns the first column of its first row, as text. */
  String queryText(String sql) throws SQLException {
    try (java.sql.Statement s = connection.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /**
   * {@code BEGIN IMMEDIATE}: takes the file's write lock now, waiting for another process's until the
   * deadline, so no statement of the transaction meets {@code SQLITE_BUSY} later.
   */
  void begin() throws SQLException {
    try {
      prepare(Statement.of("BEGIN IMMEDIATE")).execute();
    } catch (SQLException e) {
      if (!String.valueOf(e.getMessage()).contains("within a transaction")) {
        throw e;
      }
      // An earlier ROLLBACK failed (an I/O error) and left its transaction open: end it, start ours.
      forgetPrepared();
      rollbackQuietly(e);
      prepare(Statement.of("BEGIN IMMEDIATE")).execute();
    }
  }

  void commit() throws SQLException {
    finishing = true;
    try {
      prepare(Statement.of("COMMIT")).execute();
    } finally {
      finishing = false;
    }
  }

  /**
   * Rolls the transaction back, if one is open: SQLite itself already rolled back after some errors
   * ({@code SQLITE_FULL}, an interrupted write), and then says there is none. A failure is added to
   * {@code cause}, not thrown: the caller reports the first error.
   */
  void rollbackQuietly(Throwable cause) {
    finishing = true;
    try {
      run("ROLLBACK");
    } catch (SQLException e) {
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        cause.addSuppressed(e);
      }
    } finally {
      finishing = false;
    }
  }

  /**
   * Closes the connection, and with it every statement prepared on it. Safe while another thread is in a
   * call on it (after {@link #abort()}): sqlite-jdbc closes once that call returns, and fails the next one.
   */
  void close() {
    try {
      BusyHandler.clearHandler(connection);
      ProgressHandler.clearHandler(connection);
    } catch (SQLException ignored) {
      // closing anyway; the connection frees what is left
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing: nothing left to do with it
    }
  }

  private final class WaitUntilDeadline extends BusyHandler {
    @Override
    protected int callback(int attempts) {
      long left = deadlineNanos - System.nanoTime();
      if (aborted || left <= 0 || Thread.currentThread().isInterrupted()) {
        return 0; // SQLITE_BUSY to the caller
      }
      long pause = TimeUnit.MILLISECONDS.toNanos(1L << Math.min(attempts, 4)); // 1, 2, 4, 8, 16 ms
      LockSupport.parkNanos(Math.min(left, Math.min(pause, MAX_BUSY_PAUSE_NANOS)));
      return 1;
    }
  }

  private final class StopAtDeadline extends ProgressHandler {
    @Override
    protected int progress() {
      if (finishing) {
        return 0;
      }
      return aborted || System.nanoTime() - deadlineNanos >= 0 ? 1 : 0;
    }
  }
}
