package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Deadline;
import dev.heartbeatstore.spi.TableAccess;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Whole-table access to a libSQL database (remote or file) for the migration tools, over the same
 * {@link SqlSession}, row mapper and schema as the repositories. Scans are keyset-paged in the
 * order both backends share: heartbeats by {@code (timestamp, id)}, monitors by {@code id}, ids as
 * canonical UUID text.
 */
public final class LibsqlTableAccess implements TableAccess {

  private static final String HEARTBEAT_COLUMNS = SqliteSql.HEARTBEAT_COLUMNS;
  private static final String MONITOR_COLUMNS = SqliteSql.MONITOR_COLUMNS;

  private static final String HEARTBEATS_FIRST =
      "SELECT " + HEARTBEAT_COLUMNS + " FROM heartbeats ORDER BY \"timestamp\", id LIMIT ?";
  private static final String HEARTBEATS_AFTER = "SELECT " + HEARTBEAT_COLUMNS
      + " FROM heartbeats WHERE (\"timestamp\", id) > (?, ?) ORDER BY \"timestamp\", id LIMIT ?";
  private static final String MONITORS_FIRST =
      "SELECT " + MONITOR_COLUMNS + " FROM heartbeat_monitors ORDER BY id LIMIT ?";
  private static final String MONITORS_AFTER =
      "SELECT " + MONITOR_COLUMNS + " FROM heartbeat_monitors WHERE id > ? ORDER BY id LIMIT ?";

  /** Ids per {@code DELETE … WHERE id IN (…)}: one parse per 200 rows instead of per row. */
  static final int ROWS_PER_STATEMENT = 200;

  private static final String ON_CONFLICT_IGNORE = " ON CONFLICT (id) DO NOTHING";
  private static final String HEARTBEAT_UPSERT = " ON CONFLICT (id) DO UPDATE SET"
      + " owner = excluded.owner, version = excluded.version, charging = excluded.charging,"
      + " user_id = excluded.user_id, \"timestamp\" = excluded.\"timestamp\"";
  private static final String MONITOR_UPSERT = " ON CONFLICT (id) DO UPDATE SET"
      + " phone_id = excluded.phone_id, user_id = excluded.user_id, queue_id = excluded.queue_id,"
      + " owner = excluded.owner, phone_online = excluded.phone_online, created_at = excluded.created_at,"
      + " updated_at = excluded.updated_at";

  private final SqlSession session;
  /** Each call's deadline: {@code HEARTBEAT_DB_TIMEOUT} from its start. */
  private final Duration timeout;

  /**
   * Last writer wins: a stored monitor is overwritten only by a newer {@code updated_at}; on a tie, by the one whose
   * content sorts higher (queue id, online flag, owner, phone id, user id, compared as bytes), the order PostgreSQL's
   * side uses too, so two sides that each hold one of two writes of the same instant converge on the same one.
   */
  private static final String MONITOR_UPSERT_IF_NEWER = MONITOR_UPSERT
      + " WHERE (heartbeat_monitors.updated_at, coalesce(heartbeat_monitors.queue_id, ''),"
      + " heartbeat_monitors.phone_online, heartbeat_monitors.owner, heartbeat_monitors.phone_id,"
      + " heartbeat_monitors.user_id)"
      + " < (excluded.updated_at, coalesce(excluded.queue_id, ''), excluded.phone_online, excluded.owner,"
      + " excluded.phone_id, excluded.user_id)";

  private static final BulkInsert HEARTBEATS_IF_ABSENT =
      new BulkInsert("heartbeats", HEARTBEAT_COLUMNS, ON_CONFLICT_IGNORE);
  private static final BulkInsert HEARTBEATS_UPSERT = new BulkInsert("heartbeats", HEARTBEAT_COLUMNS, HEARTBEAT_UPSERT);
  private static final BulkInsert MONITORS_IF_ABSENT =
      new BulkInsert("heartbeat_monitors", MONITOR_COLUMNS, ON_CONFLICT_IGNORE);
  private static final BulkInsert MONITORS_UPSERT =
      new BulkInsert("heartbeat_monitors", MONITOR_COLUMNS, MONITOR_UPSERT);
  private static final BulkInsert MONITORS_UPSERT_IF_NEWER =
      new BulkInsert("heartbeat_monitors", MONITOR_COLUMNS, MONITOR_UPSERT_IF_NEWER);

  private LibsqlTableAccess(SqlSession session, Duration timeout) {
    this.session = session;
    this.timeout = timeout;
  }

  /** Over a session someone else owns (and closes). */
  static LibsqlTableAccess over(SqlSession session, Duration timeout) {
    return new LibsqlTableAccess(session, timeout);
  }

  /** Inserts absent monitors and overwrites those whose stored {@code updated_at} is older, in one transaction. */
  int upsertMonitorsIfNewer(List<HeartbeatMonitor> monitors) {
    return monitors.isEmpty() ? 0
        : (int) session.executeBatch("upsertIfNewer", monitorKey(monitors),
            MONITORS_UPSERT_IF_NEWER, monitorRows(monitors), List.of(), deadline());
  }

  /** Opens the database {@code TURSO_DATABASE_URL} names, with the schema applied or checked as the store does. */
  public static LibsqlTableAccess open(HeartbeatStoreConfig config, Clock clock) {
    return new LibsqlTableAccess(Sessions.open(config, clock), config.timeout());
  }

  /** Building an index sorts the whole table: far longer than one call's deadline. */
  static final Duration INDEX_BUILD_DEADLINE = Duration.ofMinutes(30);

  @Override
  public boolean supportsBulkLoad() {
    return true;
  }

  @Override
  public List<String> beginBulkLoad() {
    return BulkIndexes.names(BulkIndexes.begin(session, timeout));
  }

  @Override
  public void finishBulkLoad() {
    BulkIndexes.finish(session, INDEX_BUILD_DEADLINE, timeout);
  }

  @Override
  public List<String> pendingIndexes() {
    return BulkIndexes.names(BulkIndexes.pending(session, Deadline.after(timeout)));
  }

  @Override
  public String backendName() {
    return HeartbeatStoreConfig.TURSO;
  }

  @Override
  public List<Heartbeat> heartbeatsAfter(HeartbeatCursor after, int limit) {
    Statement s = after == null
        ? Statement.of(HEARTBEATS_FIRST, (long) limit)
        : Statement.of(HEARTBEATS_AFTER, Rows.micros(after.timestamp()), Rows.uuid(after.id()), (long) limit);
    return map(session.scan("heartbeats.scan", s, deadline()), Rows::heartbeat);
  }

  @Override
  public List<HeartbeatMonitor> monitorsAfter(UUID afterId, int limit) {
    Statement s = afterId == null
        ? Statement.of(MONITORS_FIRST, (long) limit)
        : Statement.of(MONITORS_AFTER, Rows.uuid(afterId), (long) limit);
    return map(session.scan("heartbeat_monitors.scan", s, deadline()), Rows::monitor);
  }

  @Override
  public int insertHeartbeatsIfAbsent(List<Heartbeat> heartbeats) {
    if (heartbeats.isEmpty()) {
      return 0;
    }
    return (int) session.executeBatch("heartbeats.insertIfAbsent", heartbeatKey(heartbeats), HEARTBEATS_IF_ABSENT,
        heartbeatRows(heartbeats), List.of(), deadline());
  }

  @Override
  public int insertMonitorsIfAbsent(List<HeartbeatMonitor> monitors) {
    if (monitors.isEmpty()) {
      return 0;
    }
    return (int) session.executeBatch("heartbeat_monitors.insertIfAbsent", monitorKey(monitors), MONITORS_IF_ABSENT,
        monitorRows(monitors), List.of(), deadline());
  }

  @Override
  public void upsertHeartbeats(List<Heartbeat> heartbeats) {
    if (heartbeats.isEmpty()) {
      return;
    }
    session.executeBatch("heartbeats.upsert", heartbeatKey(heartbeats), HEARTBEATS_UPSERT, heartbeatRows(heartbeats),
        List.of(), deadline());
  }

  @Override
  public void upsertMonitors(List<HeartbeatMonitor> monitors) {
    if (monitors.isEmpty()) {
      return;
    }
    session.executeBatch("heartbeat_monitors.upsert", monitorKey(monitors), MONITORS_UPSERT, monitorRows(monitors),
        List.of(), deadline());
  }

  @Override
  public void deleteHeartbeats(List<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    session.executeAtomically("heartbeats.delete", deleteRows("heartbeats", ids), deadline());
  }

  @Override
  public void deleteMonitors(List<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    session.executeAtomically("heartbeat_monitors.delete", deleteRows("heartbeat_monitors", ids), deadline());
  }

  @Override
  public long countHeartbeats() {
    return count("heartbeats.count", "SELECT count(*) FROM heartbeats");
  }

  @Override
  public long countMonitors() {
    return count("heartbeat_monitors.count", "SELECT count(*) FROM heartbeat_monitors");
  }

  @Override
  public String schemaVersion() {
    Integer v = Migrations.appliedVersion(session, timeout);
    return v == null ? null : v.toString();
  }

  @Override
  public String expectedSchemaVersion() {
    return Integer.toString(Migrations.latestVersion());
  }

  @Override
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "LibsqlTableAccess{" + session.describe() + '}';
  }

  /**
   * The heartbeats' rows in id order: over Hrana the primary-key B-tree is then walked once per batch instead of at
   * random (measured against sqld with 200,000 rows: 1.4× to 1.7× the rows per second).
   */
  private static List<Object[]> heartbeatRows(List<Heartbeat> heartbeats) {
    List<Heartbeat> byId = new ArrayList<>(heartbeats);
    byId.sort(java.util.Comparator.comparing(h -> h.id().toString()));
    List<Object[]> rows = new ArrayList<>(byId.size());
    for (Heartbeat h : byId) {
      rows.add(Rows.values(h));
    }
    return rows;
  }

  private static List<Object[]> monitorRows(List<HeartbeatMonitor> monitors) {
    List<Object[]> rows = new ArrayList<>(monitors.size());
    for (HeartbeatMonitor m : monitors) {
      rows.add(Rows.values(m));
    }
    return rows;
  }

  private static String heartbeatKey(List<Heartbeat> heartbeats) {
    return "one of the " + heartbeats.size() + " heartbeat ids";
  }

  private static String monitorKey(List<HeartbeatMonitor> monitors) {
    return "one of the " + monitors.size() + " monitor ids";
  }

  private static List<Statement> deleteRows(String table, List<UUID> ids) {
    return chunked(ids, "DELETE FROM " + table + " WHERE id IN (", "?", ")", (id, args) -> args.add(Rows.uuid(id)));
  }

  private static <T> List<Statement> chunked(List<T> items, String head, String row, String tail,
                                             java.util.function.BiConsumer<T, List<Object>> bind) {
    List<Statement> statements = new ArrayList<>(items.size() / ROWS_PER_STATEMENT + 1);
    for (int from = 0; from < items.size(); from += ROWS_PER_STATEMENT) {
      List<T> chunk = items.subList(from, Math.min(items.size(), from + ROWS_PER_STATEMENT));
      StringBuilder sql = new StringBuilder(head.length() + chunk.size() * (row.length() + 2) + tail.length());
      sql.append(head);
      List<Object> args = new ArrayList<>();
      for (int i = 0; i < chunk.size(); i++) {
        sql.append(i == 0 ? "" : ",").append(row);
        bind.accept(chunk.get(i), args);
      }
      statements.add(Statement.of(sql.append(tail).toString(), args.toArray()));
    }
    return statements;
  }

  private long count(String operation, String sql) {
    Object v = session.query(operation, Statement.of(sql), deadline()).get(0)[0];
    return (Long) v;
  }

  private static <T> List<T> map(List<Object[]> rows, Function<Object[], T> mapper) {
    List<T> list = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      list.add(mapper.apply(row));
    }
    return list;
  }

  /**
   * Where the database is (its URL without query or token, or its file) and the {@code database_id} that
   * schema version 4 drew for it: a database copied to another place keeps its id, so both are needed.
   */
  @Override
  public String databaseIdentity() {
    List<Object[]> rows = session.query("heartbeat_store_meta.identity",
        Statement.of("SELECT value FROM heartbeat_store_meta WHERE name = 'database_id'"), deadline());
    if (rows.isEmpty() || !(rows.get(0)[0] instanceof String id)) {
      throw new dev.heartbeatstore.CorruptRecordException("the table heartbeat_store_meta in " + session.describe()
          + " has no database_id (schema version 4 records it)");
    }
    return session.describe() + " database_id " + id;
  }

  private Deadline deadline() {
    return Deadline.after(timeout);
  }
}
