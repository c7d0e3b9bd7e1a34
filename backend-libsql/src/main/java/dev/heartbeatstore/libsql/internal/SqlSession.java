package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.spi.Deadline;
import java.util.List;

/**
 * How a SQLite-dialect statement reaches the database: over Hrana (remote libSQL) or through
 * sqlite-jdbc (a local file). The repositories, the row mapper and the migrations are written
 * once against this seam.
 *
 * <p>Every call ends by the {@link Deadline} it is given (waiting, sending and retrying included), or throws
 * {@code StoreTimeoutException}; errors arrive already translated into the contract's exceptions.
 * {@code operation} ({@code "heartbeats.store"}) names the call in messages.
 */
public interface SqlSession extends AutoCloseable {

  /**
   * Runs a read and returns its rows; each row holds {@link Long}, {@link Double}, {@link String},
   * {@code byte[]} or null per column, as SQLite stored it (no conversion, so the mapper can tell
   * a corrupt value from a good one).
   */
  List<Object[]> query(String operation, Statement statement, Deadline deadline);

  /**
   * A read of the migration tools' whole-table scans: pages of up to 10,000 rows, so the remote session allows it
   * a larger response than {@link #query} (see {@code hrana.HranaSession.MAX_SCAN_RESPONSE_BYTES}); otherwise the same.
   */
  default List<Object[]> scan(String operation, Statement statement, Deadline deadline) {
    return query(operation, statement, deadline);
  }

  /** Runs one write; returns the number of rows it changed. */
  default long execute(String operation, Statement statement, Deadline deadline) {
    return execute(operation, null, statement, deadline);
  }

  /**
   * Runs one write that may repeat a key; returns the number of rows it changed.
   *
   * @param key what a duplicate repeats, as its {@code DuplicateRecordException} says it: {@code "a heartbeat with
   *            id …"} gives "heartbeats.store: a heartbeat with id … already exists (…)"; null: "a record with the
   *            same id"
   */
  long execute(String operation, String key, Statement statement, Deadline deadline);

  /** Runs the statements in one transaction, all of them or none; returns each one's change count. */
  default long[] executeAtomically(String operation, List<Statement> statements, Deadline deadline) {
    return executeAtomically(operation, null, statements, deadline);
  }

  /** {@link #executeAtomically(String, List, Deadline)} with the key a duplicate repeats (see {@link #execute}). */
  long[] executeAtomically(String operation, String key, List<Statement> statements, Deadline deadline);

  /**
   * Inserts {@code rows} (each one's values in the order of {@code insert}'s columns: {@link String}, {@link Long} or
   * null), then runs {@code after}, all in one transaction, all of it or none; returns the number of rows the inserts
   * changed. The session sends the rows as it sends them best ({@link BulkInsert}): over Hrana as JSON texts of
   * {@value BulkInsert#JSON_CHUNK} rows, through sqlite-jdbc as JDBC batches of one single-row INSERT.
   *
   * @param key what a duplicate repeats, as its {@code DuplicateRecordException} says it (see {@link #execute})
   */
  long executeBatch(String operation, String key, BulkInsert insert, List<Object[]> rows, List<Statement> after,
      Deadline deadline);

  /**
   * Creates the database if it does not exist yet: a local file. The schema migration calls it first;
   * without it a missing file is never created ({@code HEARTBEAT_DB_MIGRATE=false} only checks). A remote
   * database always exists.
   */
  default void createIfMissing(Deadline deadline) {}

  /**
   * Checks, once at start-up and before anything else, that the database answers where the settings say: a remote
   * session finds which protocol path the server takes, and says which URL and what was tried when there is no
   * database there. A file has nothing to check.
   */
  default void connect(Deadline deadline) {}

  /** Where the session points, without secrets, for messages. */
  String describe();

  @Override
  void close();
}
