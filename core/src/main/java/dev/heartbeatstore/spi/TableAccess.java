package dev.heartbeatstore.spi;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Whole-table access for the migration tools (backfill, verify, doctor), beside the per-user
 * repositories. Opened with {@link BackendProvider#openTableAccess(BackendContext)}; validated
 * input only (the tools copy rows one backend already accepted).
 *
 * <p>Scans are keyset-paged and return rows in one global order that both backends share:
 * heartbeats by {@code (timestamp, id)} ascending, monitors by {@code id} ascending, ids compared as
 * canonical lowercase UUID text (PostgreSQL's uuid order is the same).
 */
public interface TableAccess extends AutoCloseable {

  /**
   * Where a heartbeat scan stands: the last row read.
   *
   * @param timestamp the last heartbeat's timestamp
   * @param id        the last heartbeat's id, the tie-breaker between equal timestamps
   */
  record HeartbeatCursor(Instant timestamp, UUID id) {}

  /**
   * The backend this access reads and writes.
   *
   * @return {@code "postgres"} or {@code "turso"}
   */
  String backendName();

  /**
   * Up to {@code limit} heartbeats strictly after {@code after}, in scan order.
   *
   * @param after the last row already read, or null to start from the first
   * @param limit the most rows to return
   * @return the next rows; empty at the end of the table
   */
  List<Heartbeat> heartbeatsAfter(HeartbeatCursor after, int limit);

  /**
   * Up to {@code limit} monitors with an id strictly after {@code afterId}, in id order.
   *
   * @param afterId the last id already read, or null to start from the first
   * @param limit   the most rows to return
   * @return the next rows; empty at the end of the table
   */
  List<HeartbeatMonitor> monitorsAfter(UUID afterId, int limit);

  /**
   * Inserts the heartbeats whose id is not there yet, in one transaction.
   *
   * @param heartbeats the rows to insert; those whose id exists are skipped
   * @return how many it inserted
   */
  int insertHeartbeatsIfAbsent(List<Heartbeat> heartbeats);

  /**
   * Inserts the monitors whose id is not there yet, in one transaction.
   *
   * @param monitors the rows to insert; those whose id exists are skipped
   * @return how many it inserted
   */
  int insertMonitorsIfAbsent(List<HeartbeatMonitor> monitors);

  /**
   * Inserts or overwrites (by id) every heartbeat, in one transaction.
   *
   * @param heartbeats the rows to write
   */
  void upsertHeartbeats(List<Heartbeat> heartbeats);

  /**
   * Inserts or overwrites (by id) every monitor, in one transaction.
   *
   * @param monitors the rows to write
   */
  void upsertMonitors(List<HeartbeatMonitor> monitors);

  /**
   * Deletes the heartbeats with these ids, in one transaction.
   *
   * @param ids the heartbeat ids; ids not stored are ignored
   */
  void deleteHeartbeats(List<UUID> ids);

  /**
   * Deletes the monitors with these ids, in one transaction.
   *
   * @param ids the monitor ids; ids not stored are ignored
   */
  void deleteMonitors(List<UUID> ids);

  /**
   * Counts every heartbeat in the table.
   *
   * @return the number of heartbeat rows
   */
  long countHeartbeats();

  /**
   * Counts every monitor in the table.
   *
   * @return the number of monitor rows
   */
  long countMonitors();

  /**
   * The schema version applied in the database.
   *
   * @return the version, e.g. {@code "1"}; null when there is no schema
   */
  String schemaVersion();

  /**
   * The newest schema version this library knows.
   *
   * @return the version, e.g. {@code "1"}
   */
  String expectedSchemaVersion();

  /**
   * What tells this database apart from every other one, without secrets, stable across restarts and
   * reconnections; e.g. PostgreSQL's system identifier with the database and schema, or a libSQL URL
   * (without its token) with the id the schema drew for the database. A backfill checkpoint records
   * the identities of its source and target, and is refused against any other.
   *
   * @return the identity, free of secrets
   */
  String databaseIdentity();

  /**
   * Whether {@link #beginBulkLoad()} makes a large copy into this database cheaper. libSQL: yes (its
   * secondary indexes are dropped and built after the copy). PostgreSQL: no, bulk mode is a no-op there.
   *
   * @return true when bulk mode helps; false by default
   */
  default boolean supportsBulkLoad() {
    return false;
  }

  /**
   * Prepares a large copy into this database: records, in the database itself and in the same transaction,
   * that its secondary indexes are pending, then drops them. Idempotent: a resumed bulk load drops what the
   * record names again. Until {@link #finishBulkLoad()}, {@link #pendingIndexes()} names them, and opening
   * the database as a plain store or hedging primary is refused. Default: nothing (no bulk mode).
   *
   * @return the names of the indexes now pending
   */
  default List<String> beginBulkLoad() {
    return List.of();
  }

  /**
   * Builds every index {@link #beginBulkLoad()} dropped and not yet rebuilt, one at a time, then removes
   * the record. Idempotent; safe after a kill at any point. Default: nothing.
   */
  default void finishBulkLoad() {}

  /**
   * The secondary indexes a bulk load dropped and that are not rebuilt yet.
   *
   * @return the index names; empty when none is pending (always, by default)
   */

  default List<String> pendingIndexes() {
    return List.of();
  }

  @Override
  void close();
}
