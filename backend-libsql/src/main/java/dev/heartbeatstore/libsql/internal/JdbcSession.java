package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.spi.Deadline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/**
 * {@link SqlSession} over a local SQLite file with xerial sqlite-jdbc, or over a private in-memory
 * database ({@code file::memory:}).
 *
 * <p>SQLite allows one writer at a time; instead of letting request threads collide and see
 * {@code SQLITE_BUSY}, every write goes through one writer connection behind a fair lock, while
 * reads use a small pool of read-only connections that WAL lets run beside the writer. Another process
 * that opens the same file is waited for until the caller's deadline ({@link GuardedConnection}).
 * An in-memory database has one connection for everything: each SQLite connection to {@code :memory:}
 * would open a database of its own.
 *
 * <p>The file is created only by {@link #createIfMissing()}, which the schema migration calls; with
 * {@code HEARTBEAT_DB_MIGRATE=false} a missing file stays missing and the first statement says so.
 */
final class JdbcSession implements SqlSession {

  /** Readers beyond a few add nothing for an embedded file: SQLite reads are CPU-bound and short. */
  private static final int MAX_READERS = 4;
  /**
   * Rows of a {@code storeAll} sent to sqlite-jdbc in one batch call; the deadline is checked between two
   * (a few milliseconds apart). sqlite-jdbc runs a batch in one call that nothing else can stop between rows.
   */
  private static final int ROWS_PER_BATCH = 256;
  /** Said of a transaction that ends at its deadline before COMMIT: the rollback leaves the file as it was. */
  private static final String NOTHING_WRITTEN = "the transaction was rolled back";

  private final Path file;
  private final boolean memory;
  private final int readerCount;
  /** How long {@link #close()} waits for a write in progress to end. */
  private final Duration closeWait;
  private final ReentrantLock writeLock = new ReentrantLock(true);
  /** Null until the database is opened (at construction, or by {@link #createIfMissing()}). */
  private volatile GuardedConnection writer;
  private final List<GuardedConnection> readers = new ArrayList<>();
  private final BlockingQueue<GuardedConnection> idleReaders;
  /** Held to hand a reader back or to close the idle ones, so that none is handed back after close. */
  private final Object readerReturn = new Object();
  private volatile boolean closed;

  /**
   * Opens {@code file} when it exists ({@link LibsqlLocation#MEMORY}: a new in-memory database).
   *
   * @param open      the deadline of opening an existing file
   * @param closeWait how long {@link #close()} waits for a write in progress to end: one call's deadline
   */
  JdbcSession(Path file, Deadline open, int poolSize, Duration closeWait) {
    this.memory = LibsqlLocation.MEMORY.equals(file);
    this.file = memory ? file : file.toAbsolutePath();
    this.closeWait = closeWait;
    this.readerCount = memory ? 0 : Math.max(1, Math.min(MAX_READERS, poolSize));
    this.idleReaders = new ArrayBlockingQueue<>(Math.max(1, readerCount));
    if (!memory) {
      Path parent = this.file.getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new ConfigurationException(HeartbeatStoreConfig.TURSO_DATABASE_URL + " points at " + this.file
            + " but the directory " + parent + " does not exist");
      }
    }
    if (memory || Files.exists(this.file)) {
      openDatabase(false, open);
    }
  }

  @Override
  public void createIfMissing(Deadline deadline) {
    if (writer == null) {
      openDatabase(true, deadline);
    }
  }

  @Override
  public String describe() {
    return memory ? "in-memory SQLite database" : "SQLite file " + file;
  }

  @Override
  public List<Object[]> query(String operation, Statement statement, Deadline deadline) {
    if (memory) {
      lockWriter(operation, deadline);
      try {
        return read(writer, operation, statement, deadline);
      } finally {
        writeLock.unlock();
      }
    }
    GuardedConnection reader = borrowReader(operation, deadline);
    try {
      return read(reader, operation, statement, deadline);
    } finally {
      giveBack(reader);
    }
  }

  @Override
  public long execute(String operation, String key, Statement statement, Deadline deadline) {
    lockWriter(operation, deadline);
    try {
      writer.arm(deadline);
      return writer.prepare(statement).executeUpdate();
    } catch (SQLException e) {
      throw failure(writer, operation, key, false, e, deadline, "nothing was written");
    } finally {
      writeLock.unlock();
    }
  }

  /** The rows as single-row INSERTs of one text ({@link BulkInsert#singleRow()}), run as JDBC batches. */
  @Override
  public long executeBatch(String operation, String key, BulkInsert insert, List<Object[]> rows, List<Statement> after,
      Deadline deadline) {
    List<Statement> statements = new ArrayList<>(rows.size() + after.size());
    for (Object[] row : rows) {
      statements.add(Statement.of(insert.singleRow(), row));
    }
    statements.addAll(after);
    long[] changes = executeAtomically(operation, key, statements, deadline);
    long total = 0;
    for (int i = 0; i < rows.size(); i++) {
      total += changes[i];
    }
    return total;
  }

  @Override
  public long[] executeAtomically(String operation, String key, List<Statement> statements, Deadline deadline) {
    lockWriter(operation, deadline);
    GuardedConnection w = writer;
    try {
      w.arm(deadline);
      w.begin();
      try {
        int n = statements.size();
        long[] changes = new long[n];
        for (int i = 0; i < n; ) {
          JdbcStatements.checkDeadline(operation, deadline, NOTHING_WRITTEN);
          // Consecutive statements with the same text (a storeAll's rows) go as JDBC batches of the
          // statement prepared once: sqlite-jdbc then runs each batch in one native call.
          String sql = statements.get(i).sql();
          int end = i + 1;
          while (end < n && end - i < ROWS_PER_BATCH && statements.get(end).sql().equals(sql)) {
            end++;
          }
          if (end - i == 1) {
            changes[i] = w.prepare(statements.get(i)).executeUpdate();
          } else {
            JdbcStatements.executeBatch(w, statements, i, end, changes);
          }
          i = end;
        }
        JdbcStatements.checkDeadline(operation, deadline, NOTHING_WRITTEN);
        w.commit();
        return changes;
      } catch (SQLException | RuntimeException e) {
        w.rollbackQuietly(e);
        throw e;
      }
    } catch (SQLException e) {
      throw failure(w, operation, key, true, e, deadline, NOTHING_WRITTEN);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Ends calls in flight (their statements stop at the next check, with an exception), waits for the
   * writer at most one deadline, and closes every connection; a reader in use is closed when handed back.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    GuardedConnection w = writer;
    if (w != null) {
      w.abort();
    }
    for (GuardedConnection reader : readers) {
      reader.abort();
    }
    synchronized (readerReturn) {
      GuardedConnection idle;
      while ((idle = idleReaders.poll()) != null) {
        idle.close();
      }
    }
    boolean locked = false;
    try {
      locked = writeLock.tryLock(closeWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      // Unlocked only if a writer did not end after abort(); sqlite-jdbc then closes once its call returns.
      if (w != null) {
        w.close();
      }
    } finally {
      if (locked) {
        writeLock.unlock();
      }
    }
  }

  @Override
  public String toString() {
    return describe();
  }

  private void openDatabase(boolean create, Deadline deadline) {
    String url = "jdbc:sqlite:" + (memory ? ":memory:" : file.toString());
    try {
      writer = GuardedConnection.open(url, JdbcStatements.config(create, deadline), deadline);
      if (!memory) {
        JdbcStatements.useWal(writer, deadline, describe());
      }
      for (int i = 0; i < readerCount; i++) {
        GuardedConnection reader = GuardedConnection.open(url, JdbcStatements.config(false, deadline), deadline);
        readers.add(reader);
        reader.run("PRAGMA query_only = ON");
        idleReaders.add(reader);
      }
    } catch (SQLException | RuntimeException e) {
      closeAll();
      if (!create && !memory && !Files.exists(file)) {
        throw missingFile(e);
      }
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      HeartbeatStoreException failure = failure(null, "open", null, false, (SQLException) e, deadline, null);
      throw failure instanceof StoreTimeoutException ? failure
          : new StoreUnavailableException("cannot open " + describe() + ": " + e.getMessage(), e);
    }
  }

  private ConfigurationException missingFile(Throwable cause) {
    ConfigurationException e = new ConfigurationException(HeartbeatStoreConfig.TURSO_DATABASE_URL + " points at "
        + file + ", which does not exist; " + HeartbeatStoreConfig.MIGRATE + "=false does not create it: "
        + "start once with " + HeartbeatStoreConfig.MIGRATE + "=true to create the database and its schema");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private List<Object[]> read(GuardedConnection c, String operation, Statement statement, Deadline deadline) {
    c.arm(deadline);
    try {
      return JdbcStatements.rows(c.prepare(statement), operation, deadline);
    } catch (SQLException e) {
      throw failure(c, operation, null, false, e, deadline, null);
    }
  }

  /** {@link JdbcStatements#failure} on this session; a call cut by {@link #close()} says so. */
  private HeartbeatStoreException failure(GuardedConnection c, String operation, String key, boolean atomic,
                                          SQLException e, Deadline deadline, String onTimeout) {
    return JdbcStatements.failure(c, operation, key, atomic, e, deadline, onTimeout, closed, describe());
  }

  private GuardedConnection borrowReader(String operation, Deadline deadline) {
    checkOpen(operation);
    try {
      GuardedConnection c = idleReaders.poll(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
      if (c == null) {
        checkOpen(operation);
        throw deadline.timeout(operation, "every reader connection of " + describe() + " stayed busy");
      }
      return c;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(operation + " was interrupted");
    }
  }

  private void giveBack(GuardedConnection c) {
    synchronized (readerReturn) {
      if (!closed) {
        idleReaders.add(c);
        return;
      }
    }
    c.close();
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
    if (writer == null) {
      throw missingFile(null);
    }
  }

  private void closeAll() {
    for (GuardedConnection reader : readers) {
      reader.close();
    }
    readers.clear();
    idleReaders.clear();
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }
}
