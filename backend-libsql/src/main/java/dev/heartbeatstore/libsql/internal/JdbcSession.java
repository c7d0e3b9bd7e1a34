package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;

/**
 * {@link SqlSession} over a local SQLite file with xerial sqlite-jdbc.
 *
 * <p>SQLite allows one writer at a time; instead of letting request threads collide and see
 * {@code SQLITE_BUSY}, every write goes through one writer connection behind a fair lock, while
 * reads use a small pool of read-only connections that WAL lets run beside the writer.
 * {@code busy_timeout} still covers other processes that open the same file.
 */
final class JdbcSession implements SqlSession {

  /** Readers beyond a few add nothing for an embedded file: SQLite reads are CPU-bound and short. */
  private static final int MAX_READERS = 4;

  private final Path file;
  private volatile Duration timeout;
  private final Connection writer;
  private final ReentrantLock writeLock = new ReentrantLock(true);
  private final BlockingQueue<Connection> readers;
  private final List<Connection> allReaders = new ArrayList<>();
  /**
   * Prepared statements per connection, kept for the connection's life: the backend runs a fixed
   * set of SQL texts, and preparing them once saves the parse on every call. Each inner map is used
   * only by the thread that holds its connection (the writer under its lock, a reader while borrowed).
   */
  private final Map<Connection, Map<String, PreparedStatement>> prepared = new IdentityHashMap<>();
  private volatile boolean closed;

  JdbcSession(Path file, Duration timeout, int poolSize) {
    this.file = file.toAbsolutePath();
    this.timeout = timeout;
    Path parent = this.file.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new ConfigurationException(HeartbeatStoreConfig.TURSO_DATABASE_URL + " points at " + this.file
          + " but the directory " + parent + " does not exist");
    }
    String url = "jdbc:sqlite:" + this.file;
    int busyMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try {
      SQLiteConfig writerConfig = new SQLiteConfig();
      writerConfig.setJournalMode(SQLiteConfig.JournalMode.WAL);
      writerConfig.setBusyTimeout(busyMillis);
      writerConfig.enforceForeignKeys(true);
      this.writer = writerConfig.createConnection(url);
      prepared.put(writer, new HashMap<>());
      int readerCount = Math.max(1, Math.min(MAX_READERS, poolSize));
      this.readers = new ArrayBlockingQueue<>(readerCount);
      for (int i = 0; i < readerCount; i++) {
        SQLiteConfig readerConfig = new SQLiteConfig();
        readerConfig.setBusyTimeout(busyMillis);
        readerConfig.enforceForeignKeys(true);
        Connection reader = readerConfig.createConnection(url);
        try (java.sql.Statement s = reader.createStatement()) {
          s.execute("PRAGMA query_only = ON");
        }
        allReaders.add(reader);
        prepared.put(reader, new HashMap<>());
        readers.add(reader);
      }
    } catch (SQLException e) {
      closeQuietly();
      throw new StoreUnavailableException("cannot open the SQLite file " + this.file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
    // Another process holding the file's write lock must not keep us waiting past the deadline either.
    String pragma = "PRAGMA busy_timeout = " + Math.min(Integer.MAX_VALUE, timeout.toMillis());
    writeLock.lock();
    try {
      List<Connection> all = new ArrayList<>(allReaders);
      all.add(writer);
      for (Connection c : all) {
        try (java.sql.Statement s = c.createStatement()) {
          s.execute(pragma);
        }
      }
    } catch (SQLException e) {
      throw translate("open", e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public String describe() {
    return "SQLite file " + file;
  }

  @Override
  public List<Object[]> query(String operation, Statement statement) {
    Deadline deadline = Deadline.after(timeout);
    Connection c = borrowReader(operation, deadline);
    try {
      PreparedStatement ps = prepare(c, statement);
      try (ResultSet rs = ps.executeQuery()) {
        int columns = rs.getMetaData().getColumnCount();
        List<Object[]> rows = new ArrayList<>();
        while (rs.next()) {
          if ((rows.size() & 255) == 255 && deadline.expired()) {
            throw deadline.timeout(operation, "reading rows");
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
    } catch (SQLException e) {
      throw translate(operation, e);
    } finally {
      giveBack(c);
    }
  }

  @Override
  public long execute(String operation, Statement statement) {
    Deadline deadline = Deadline.after(timeout);
    lockWriter(operation, deadline);
    try {
      return prepare(writer, statement).executeUpdate();
    } catch (SQLException e) {
      throw translate(operation, e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long[] executeAtomically(String operation, List<Statement> statements) {
    Deadline deadline = Deadline.after(timeout);
    lockWriter(operation, deadline);
    try {
      writer.setAutoCommit(false);
      try {
        int n = statements.size();
        long[] changes = new long[n];
        for (int i = 0; i < n; ) {
          if (deadline.expired()) {
            // Nothing is committed yet: the rollback below leaves the file as it was.
            throw deadline.timeout(operation, "the transaction was rolled back");
          }
          // Consecutive statements with the same text (a storeAll's rows) go as one JDBC batch of the
          // statement prepared once: sqlite-jdbc then runs them in one native call.
          String sql = statements.get(i).sql();
          int end = i + 1;
          while (end < n && statements.get(end).sql().equals(sql)) {
            end++;
          }
          if (end - i == 1) {
            changes[i] = prepare(writer, statements.get(i)).executeUpdate();
          } else {
            executeBatch(statements, i, end, changes);
          }
          i = end;
        }
        if (deadline.expired()) {
          throw deadline.timeout(operation, "the transaction was rolled back");
        }
        writer.commit();
        return changes;
      } catch (SQLException | RuntimeException e) {
        try {
          writer.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        writer.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw translate(operation, e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    writeLock.lock();
    try {
      closeQuietly();
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public String toString() {
    return describe();
  }

  private void closeQuietly() {
    for (Connection c : allReaders) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing: nothing left to do with it
      }
    }
    if (writer != null) {
      try {
        writer.close();
      } catch (SQLException ignored) {
        // closing: nothing left to do with it
      }
    }
  }

  /** Runs {@code statements[from, to)}, all of one text, as one batch; their change counts go to {@code changes}. */
  private void executeBatch(List<Statement> statements, int from, int to, long[] changes) throws SQLException {
    PreparedStatement ps = null;
    try {
      for (int k = from; k < to; k++) {
        ps = prepare(writer, statements.get(k));
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

  /** The connection's prepared statement for this SQL (prepared on first use), with the arguments bound. */
  private PreparedStatement prepare(Connection c, Statement statement) throws SQLException {
    Map<String, PreparedStatement> cache = prepared.get(c);
    PreparedStatement ps = cache.get(statement.sql());
    if (ps == null) {
      ps = c.prepareStatement(statement.sql());
      cache.put(statement.sql(), ps);
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

  private Connection borrowReader(String operation, Deadline deadline) {
    checkOpen(operation);
    try {
      Connection c = readers.poll(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
      if (c == null) {
        throw deadline.timeout(operation, "every reader connection of " + describe() + " stayed busy");
      }
      return c;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(operation + " was interrupted");
    }
  }

  private void giveBack(Connection c) {
    readers.offer(c);
  }

  private void lockWriter(String operation, Deadline deadline) {
    checkOpen(operation);
    try {
      if (!writeLock.tryLock(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
        throw deadline.timeout(operation, "the writer of " + describe() + " stayed busy");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(operation + " was interrupted");
    }
    if (closed) {
      writeLock.unlock();
      checkOpen(operation);
    }
  }

  private void checkOpen(String operation) {
    if (closed) {
      throw new StoreUnavailableException(operation + ": " + describe() + " is closed");
    }
  }

  private HeartbeatStoreException translate(String operation, SQLException e) {
    String code = e instanceof SQLiteException ? ((SQLiteException) e).getResultCode().name() : null;
    return SqliteErrors.translate(operation, code, e.getMessage(), e);
  }
}
