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

  /** Where a heartbeat scan stands: the last row read. */
  record HeartbeatCursor(Instant timestamp, UUID id) {}

  /** {@code "postgres"} or {@code "turso"}. */
  String backendName();

  /** Up to {@code limit} heartbeats strictly after {@code after} (null: from the first). */
  List<Heartbeat> heartbeatsAfter(HeartbeatCursor after, int limit);

  /** Up to {@code limit} monitors with an id strictly after {@code afterId} (null: from the first). */
  List<HeartbeatMonitor> monitorsAfter(UUID afterId, int limit);

  /** Inserts the heartbeats whose id is not there yet, in one transaction; returns how many it inserted. */
  int insertHeartbeatsIfAbsent(List<Heartbeat> heartbeats);

  /** Inserts the monitors whose id is not there yet, in one transaction; returns how many it inserted. */
  int insertMonitorsIfAbsent(List<HeartbeatMonitor> monitors);

  /** Inserts or overwrites (by id) every heartbeat, in one transaction. */
  void upsertHeartbeats(List<Heartbeat> heartbeats);

  /** Inserts or overwrites (by id) every monitor, in one transaction. */
  void upsertMonitors(List<HeartbeatMonitor> monitors);

  /** Deletes the heartbeats with these ids, in one transaction. */
  void deleteHeartbeats(List<UUID> ids);

  /** Deletes the monitors with these ids, in one transaction. */
  void deleteMonitors(List<UUID> ids);

  long countHeartbeats();

  long countMonitors();

  /** The schema version applied in the database, e.g. {@code "1"}; null when there is no schema. */
  String schemaVersion();

  /** The newest schema version this library knows. */
  String expectedSchemaVersion();

  /**
   * What tells this database apart from every other one, without secrets, stable across restarts and
   * reconnections; e.g. PostgreSQL's system identifier with the database and schema, or a libSQL URL
   * (without its token) with the id the schema drew for the database. A backfill checkpoint records
   * the identities of its source and target, and is refused against any other.
   */
  String databaseIdentity();

  /**
   * Whether {@link #beginBulkLoad()} makes a large copy into this database cheaper. libSQL: yes (its
   * secondary indexes are dropped and built after the copy). PostgreSQL: no, bulk mode is a no-op there.
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

  /** The secondary indexes a bulk load dropped and that are not rebuilt yet (empty: none). */
  default List<String> pendingIndexes() {
    return List.of();
  }

  @Override
  void close();
}
