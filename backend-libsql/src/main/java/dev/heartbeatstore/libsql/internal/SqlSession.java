package dev.heartbeatstore.libsql.internal;

import java.util.List;

/**
 * How a SQLite-dialect statement reaches the database: over Hrana (remote libSQL) or through
 * sqlite-jdbc (a local file). The repositories, the row mapper and the migrations are written
 * once against this seam.
 *
 * <p>Every call has the session's deadline; errors arrive already translated into the contract's
 * exceptions. {@code operation} ({@code "heartbeats.store"}) names the call in messages.
 */
interface SqlSession extends AutoCloseable {

  /**
   * Runs a read and returns its rows; each row holds {@link Long}, {@link Double}, {@link String},
   * {@code byte[]} or null per column, as SQLite stored it (no conversion, so the mapper can tell
   * a corrupt value from a good one).
   */
  List<Object[]> query(String operation, Statement statement);

  /**
   * A read of the migration tools' whole-table scans: pages of up to 10,000 rows, so the remote session allows it
   * a larger response than {@link #query} (see {@code HranaSession.MAX_SCAN_RESPONSE_BYTES}); otherwise the same.
   */
  default List<Object[]> scan(String operation, Statement statement) {
    return query(operation, statement);
  }

  /** Runs one write; returns the number of rows it changed. */
  long execute(String operation, Statement statement);

  /** Runs the statements in one transaction, all of them or none; returns each one's change count. */
  long[] executeAtomically(String operation, List<Statement> statements);

  /**
   * {@link #executeAtomically(String, List)} of statements built inside the call, so that building them counts
   * against its deadline: the JSON of a {@code storeAll} of 10,000 rows takes 10–30 ms warm, far more cold.
   */
  default long[] executeAtomically(String operation, java.util.function.Supplier<List<Statement>> statements) {
    return executeAtomically(operation, statements.get());
  }

  /**
   * Whether bulk inserts should send their rows as one JSON text argument ({@code json_each}) instead
   * of multi-row INSERTs with one bound value per column: true over Hrana, where each bound value is a
   * JSON object for sqld to read; false for sqlite-jdbc, which binds values natively.
   */
  default boolean bulkRowsAsJson() {
    return false;
  }

  /**
   * Creates the database if it does not exist yet: a local file. The schema migration calls it first;
   * without it a missing file is never created ({@code HEARTBEAT_DB_MIGRATE=false} only checks). A remote
   * database always exists.
   */
  default void createIfMissing() {}

  /**
   * Sets the deadline of every later call. The store opens its session with a longer start-up
   * deadline for the schema migration, then sets the per-operation one before serving.
   */
  void setTimeout(java.time.Duration timeout);

  /** Where the session points, without secrets, for messages. */
  String describe();

  @Override
  void close();
}
