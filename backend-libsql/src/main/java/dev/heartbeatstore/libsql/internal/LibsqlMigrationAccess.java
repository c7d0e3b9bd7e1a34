package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.MigrationAccess;
import java.time.Clock;
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
public final class LibsqlMigrationAccess implements MigrationAccess {

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

  private static final String INSERT_HEARTBEAT_IF_ABSENT = SqliteSql.INSERT_HEARTBEAT + " ON CONFLICT (id) DO NOTHING";
  private static final String INSERT_MONITOR_IF_ABSENT = SqliteSql.INSERT_MONITOR + " ON CONFLICT (id) DO NOTHING";
  private static final String UPSERT_HEARTBEAT = SqliteSql.INSERT_HEARTBEAT + " ON CONFLICT (id) DO UPDATE SET"
      + " owner = excluded.owner, version = excluded.version, charging = excluded.charging,"
      + " user_id = excluded.user_id, \"timestamp\" = excluded.\"timestamp\"";
  private static final String UPSERT_MONITOR = SqliteSql.INSERT_MONITOR + " ON CONFLICT (id) DO UPDATE SET"
      + " phone_id = excluded.phone_id, user_id = excluded.user_id, queue_id = excluded.queue_id,"
      + " owner = excluded.owner, phone_online = excluded.phone_online, created_at = excluded.created_at,"
      + " updated_at = excluded.updated_at";

  private final SqlSession session;

  private LibsqlMigrationAccess(SqlSession session) {
    this.session = session;
  }

  /** Opens the database {@code TURSO_DATABASE_URL} names, with the schema applied or checked as the store does. */
  public static LibsqlMigrationAccess open(HeartbeatStoreConfig config, Clock clock) {
    return new LibsqlMigrationAccess(Sessions.open(config, clock));
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
    return map(session.query("heartbeats.scan", s), Rows::heartbeat);
  }

  @Override
  public List<HeartbeatMonitor> monitorsAfter(UUID afterId, int limit) {
    Statement s = afterId == null
        ? Statement.of(MONITORS_FIRST, (long) limit)
        : Statement.of(MONITORS_AFTER, Rows.uuid(afterId), (long) limit);
    return map(session.query("heartbeat_monitors.scan", s), Rows::monitor);
  }

  @Override
  public int insertHeartbeatsIfAbsent(List<Heartbeat> heartbeats) {
    return sum(atomically("heartbeats.insertIfAbsent", heartbeats, h -> heartbeat(INSERT_HEARTBEAT_IF_ABSENT, h)));
  }

  @Override
  public int insertMonitorsIfAbsent(List<HeartbeatMonitor> monitors) {
    return sum(atomically("heartbeat_monitors.insertIfAbsent", monitors, m -> monitor(INSERT_MONITOR_IF_ABSENT, m)));
  }

  @Override
  public void upsertHeartbeats(List<Heartbeat> heartbeats) {
    atomically("heartbeats.upsert", heartbeats, h -> heartbeat(UPSERT_HEARTBEAT, h));
  }

  @Override
  public void upsertMonitors(List<HeartbeatMonitor> monitors) {
    atomically("heartbeat_monitors.upsert", monitors, m -> monitor(UPSERT_MONITOR, m));
  }

  @Override
  public void deleteHeartbeats(List<UUID> ids) {
    atomically("heartbeats.delete", ids, id -> Statement.of("DELETE FROM heartbeats WHERE id = ?", Rows.uuid(id)));
  }

  @Override
  public void deleteMonitors(List<UUID> ids) {
    atomically("heartbeat_monitors.delete", ids,
        id -> Statement.of("DELETE FROM heartbeat_monitors WHERE id = ?", Rows.uuid(id)));
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
    Integer v = Migrations.appliedVersion(session);
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
    return "LibsqlMigrationAccess{" + session.describe() + '}';
  }

  private <T> long[] atomically(String operation, List<T> items, Function<T, Statement> statement) {
    if (items.isEmpty()) {
      return new long[0];
    }
    List<Statement> statements = new ArrayList<>(items.size());
    for (T item : items) {
      statements.add(statement.apply(item));
    }
    return session.executeAtomically(operation, statements);
  }

  private long count(String operation, String sql) {
    Object v = session.query(operation, Statement.of(sql)).get(0)[0];
    return (Long) v;
  }

  private static int sum(long[] changes) {
    long total = 0;
    for (long c : changes) {
      total += c;
    }
    return (int) total;
  }

  private static <T> List<T> map(List<Object[]> rows, Function<Object[], T> mapper) {
    List<T> list = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      list.add(mapper.apply(row));
    }
    return list;
  }

  private static Statement heartbeat(String sql, Heartbeat h) {
    return Statement.of(sql, Rows.uuid(h.id()), h.owner(), h.version(), Rows.bool(h.charging()), h.userId(),
        Rows.micros(h.timestamp()));
  }

  private static Statement monitor(String sql, HeartbeatMonitor m) {
    return Statement.of(sql, Rows.uuid(m.id()), Rows.uuid(m.phoneId()), m.userId(), m.queueId(), m.owner(),
        Rows.bool(m.phoneOnline()), Rows.micros(m.createdAt()), Rows.micros(m.updatedAt()));
  }
}
