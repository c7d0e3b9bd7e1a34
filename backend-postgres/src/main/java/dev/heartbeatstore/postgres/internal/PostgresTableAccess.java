package dev.heartbeatstore.postgres.internal;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.TableAccess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Whole-table access for the migration tools, over the same pool, schema handling and error
 * translation as the store. Batches are single statements over arrays ({@code unnest}): one round
 * trip and atomic each.
 */
public final class PostgresTableAccess implements TableAccess {

  static final String HB_COLUMNS = "id, owner, version, charging, user_id, \"timestamp\"";
  static final String MON_COLUMNS =
      "id, phone_id, user_id, queue_id, owner, phone_online, created_at, updated_at";

  private static final String HB_FIRST =
      "SELECT " + HB_COLUMNS + " FROM heartbeats ORDER BY \"timestamp\", id LIMIT ?";
  /** A row comparison: served by heartbeats_timestamp_id_idx, each page starts where the last ended. */
  private static final String HB_AFTER =
      "SELECT " + HB_COLUMNS + " FROM heartbeats WHERE (\"timestamp\", id) > (?, ?) ORDER BY \"timestamp\", id LIMIT ?";
  private static final String MON_FIRST = "SELECT " + MON_COLUMNS + " FROM heartbeat_monitors ORDER BY id LIMIT ?";
  private static final String MON_AFTER =
      "SELECT " + MON_COLUMNS + " FROM heartbeat_monitors WHERE id > ? ORDER BY id LIMIT ?";

  private static final String HB_UNNEST =
      " SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::bool[], ?::text[], ?::timestamptz[])";
  private static final String MON_UNNEST = " SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[],"
      + " ?::text[], ?::bool[], ?::timestamptz[], ?::timestamptz[])";

  private static final String HB_INSERT_IF_ABSENT =
      "INSERT INTO heartbeats (" + HB_COLUMNS + ")" + HB_UNNEST + " ON CONFLICT (id) DO NOTHING";
  private static final String HB_UPSERT = "INSERT INTO heartbeats (" + HB_COLUMNS + ")" + HB_UNNEST
      + " ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, version = EXCLUDED.version,"
      + " charging = EXCLUDED.charging, user_id = EXCLUDED.user_id, \"timestamp\" = EXCLUDED.\"timestamp\"";
  private static final String MON_INSERT_IF_ABSENT =
      "INSERT INTO heartbeat_monitors (" + MON_COLUMNS + ")" + MON_UNNEST + " ON CONFLICT (id) DO NOTHING";
  static final String MON_UPSERT = "INSERT INTO heartbeat_monitors (" + MON_COLUMNS + ")" + MON_UNNEST
      + " ON CONFLICT (id) DO UPDATE SET phone_id = EXCLUDED.phone_id, user_id = EXCLUDED.user_id,"
      + " queue_id = EXCLUDED.queue_id, owner = EXCLUDED.owner, phone_online = EXCLUDED.phone_online,"
      + " created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at";

  private final PostgresHeartbeatStore store;
  private final PostgresErrors errors;

  private PostgresTableAccess(PostgresHeartbeatStore store) {
    this.store = store;
    this.errors = store.errors();
  }

  /** Opens the pool and applies or checks the schema, exactly as the store does. */
  public static PostgresTableAccess open(HeartbeatStoreConfig config, Clock clock) {
    return new PostgresTableAccess(PostgresHeartbeatStore.open(config, clock));
  }

  @Override
  public String backendName() {
    return HeartbeatStoreConfig.POSTGRES;
  }

  @Override
  public List<Heartbeat> heartbeatsAfter(HeartbeatCursor after, int limit) {
    try (Connection c = store.pool().getConnection();
         PreparedStatement ps = c.prepareStatement(after == null ? HB_FIRST : HB_AFTER)) {
      int p = 1;
      if (after != null) {
        ps.setObject(p++, Timestamps.toDatabase(after.timestamp()));
        ps.setObject(p++, after.id());
      }
      ps.setInt(p, limit);
      return read(ps, limit, PostgresHeartbeatRepository::map);
    } catch (SQLException e) {
      throw errors.translate(e, "scan", PostgresHeartbeatRepository.TABLE, "after " + after);
    }
  }

  @Override
  public List<HeartbeatMonitor> monitorsAfter(UUID afterId, int limit) {
    try (Connection c = store.pool().getConnection();
         PreparedStatement ps = c.prepareStatement(afterId == null ? MON_FIRST : MON_AFTER)) {
      int p = 1;
      if (afterId != null) {
        ps.setObject(p++, afterId);
      }
      ps.setInt(p, limit);
      return read(ps, limit, PostgresMonitorRepository::map);
    } catch (SQLException e) {
      throw errors.translate(e, "scan", PostgresMonitorRepository.TABLE, "after id=" + afterId);
    }
  }

  @Override
  public int insertHeartbeatsIfAbsent(List<Heartbeat> heartbeats) {
    return heartbeats.isEmpty() ? 0 : updateHeartbeats(HB_INSERT_IF_ABSENT, "insertIfAbsent", heartbeats);
  }

  @Override
  public int insertMonitorsIfAbsent(List<HeartbeatMonitor> monitors) {
    return monitors.isEmpty() ? 0 : updateMonitors(MON_INSERT_IF_ABSENT, "insertIfAbsent", monitors);
  }

  @Override
  public void upsertHeartbeats(List<Heartbeat> heartbeats) {
    if (!heartbeats.isEmpty()) {
      updateHeartbeats(HB_UPSERT, "upsert", heartbeats);
    }
  }

  @Override
  public void upsertMonitors(List<HeartbeatMonitor> monitors) {
    if (!monitors.isEmpty()) {
      updateMonitors(MON_UPSERT, "upsert", monitors);
    }
  }

  @Override
  public void deleteHeartbeats(List<UUID> ids) {
    deleteByIds(PostgresHeartbeatRepository.TABLE, ids);
  }

  @Override
  public void deleteMonitors(List<UUID> ids) {
    deleteByIds(PostgresMonitorRepository.TABLE, ids);
  }

  @Override
  public long countHeartbeats() {
    return count(PostgresHeartbeatRepository.TABLE);
  }

  @Override
  public long countMonitors() {
    return count(PostgresMonitorRepository.TABLE);
  }

  @Override
  public String schemaVersion() {
    return PostgresSchema.currentVersion(store.migrationDataSource());
  }

  @Override
  public String expectedSchemaVersion() {
    return PostgresSchema.latestVersion(store.migrationDataSource());
  }

  @Override
  public void close() {
    store.close();
  }

  private int updateHeartbeats(String sql, String operation, List<Heartbeat> heartbeats) {
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      PostgresHeartbeatRepository.bindArrays(ps, heartbeats);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, operation, PostgresHeartbeatRepository.TABLE, heartbeats.size() + " heartbeats");
    }
  }

  private int updateMonitors(String sql, String operation, List<HeartbeatMonitor> monitors) {
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      PostgresMonitorRepository.bindArrays(ps, monitors);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, operation, PostgresMonitorRepository.TABLE, monitors.size() + " monitors");
    }
  }

  private void deleteByIds(String table, List<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    try (Connection c = store.pool().getConnection();
         PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ANY (?::uuid[])")) {
      ps.setObject(1, ids.stream().map(UUID::toString).toArray(String[]::new));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "delete", table, ids.size() + " ids");
    }
  }

  /** Exact, and allowed longer than one operation's deadline: a large table takes a while to count. */
  private long count(String table) {
    try (Connection c = store.pool().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL statement_timeout = '10min'");
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          long n = rs.getLong(1);
          c.commit();
          return n;
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw errors.translate(e, "count", table, "all rows");
    }
  }

  private static <T> List<T> read(PreparedStatement ps, int limit, Function<ResultSet, T> map) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<T> rows = new ArrayList<>(Math.min(limit, 4096));
      while (rs.next()) {
        rows.add(map.apply(rs));
      }
      return rows;
    }
  }

  /**
   * {@code postgresql system <system_identifier> database <name> schema <name>}: the cluster's identifier
   * (drawn by initdb, kept by physical replicas, changed by a dump and restore elsewhere) with the
   * database and schema the tables live in. Host and port are left out: the same database reached
   * through another address is the same database.
   */
  @Override
  public String databaseIdentity() {
    String sql = "SELECT (SELECT system_identifier FROM pg_control_system()), current_database(), current_schema()";
    try (Connection c = store.pool().getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return "postgresql system " + rs.getLong(1) + " database " + rs.getString(2) + " schema " + rs.getString(3);
    } catch (SQLException e) {
      throw errors.translate(e, "identity", "pg_control_system", "the database's identity");
    }
  }
}
