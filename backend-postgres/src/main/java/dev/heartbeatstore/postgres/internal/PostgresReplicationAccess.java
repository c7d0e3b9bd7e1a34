package dev.heartbeatstore.postgres.internal;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.ReplicationAccess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** The hedging journal in PostgreSQL, and replay into PostgreSQL: one statement per call. */
public final class PostgresReplicationAccess implements ReplicationAccess {

  private static final String JOURNAL = "heartbeat_journal";
  private static final String NOW_MS = JournalSql.NOW_MS;
  private static final String ENTRY_COLUMNS = "seq, created_at_ms, entity, entity_key, attempts";

  private static final String PENDING = "SELECT " + ENTRY_COLUMNS + " FROM heartbeat_journal"
      + " WHERE created_at_ms <= " + NOW_MS + " - ? ORDER BY seq LIMIT ?";
  private static final String REMOVE = "DELETE FROM heartbeat_journal WHERE seq = ANY (?::bigint[])";
  private static final String REMOVE_APPLIED_HEARTBEATS = "DELETE FROM heartbeat_journal WHERE seq > (SELECT"
      + " coalesce(max(seq), 0) - " + RECENT_ENTRIES + " FROM heartbeat_journal) AND entity = 'heartbeat'"
      + " AND entity_key = ANY (?::text[])";
  private static final String COUNT_ATTEMPT =
      "UPDATE heartbeat_journal SET attempts = attempts + 1 WHERE seq = ANY (?::bigint[])";
  private static final String DEAD_LETTER = "WITH moved AS (DELETE FROM heartbeat_journal WHERE seq = ? RETURNING *)"
      + " INSERT INTO heartbeat_journal_dead (" + ENTRY_COLUMNS + ", failed_at_ms, reason)"
      + " SELECT " + ENTRY_COLUMNS + ", " + NOW_MS + ", ? FROM moved ON CONFLICT (seq) DO NOTHING";
  private static final String DEAD_LETTERS = "SELECT " + ENTRY_COLUMNS + ", failed_at_ms, reason"
      + " FROM heartbeat_journal_dead ORDER BY seq LIMIT ?";
  private static final String STATS = "SELECT count(*), min(seq), min(created_at_ms), " + NOW_MS + ", max(seq),"
      + " (SELECT count(*) FROM heartbeat_journal_dead) FROM heartbeat_journal";
  private static final String TAKE_LEASE = "UPDATE heartbeat_journal_lease SET holder = ?, expires_at_ms = "
      + NOW_MS + " + ? WHERE name = 'relay' AND (holder = ? OR holder IS NULL OR expires_at_ms < " + NOW_MS + ")";
  private static final String RELEASE_LEASE =
      "UPDATE heartbeat_journal_lease SET holder = NULL, expires_at_ms = 0 WHERE name = 'relay' AND holder = ?";

  private static final String HB_COLUMNS = PostgresTableAccess.HB_COLUMNS;
  private static final String MON_COLUMNS = PostgresTableAccess.MON_COLUMNS;
  private static final String HEARTBEATS_BY_IDS =
      "SELECT " + HB_COLUMNS + " FROM heartbeats WHERE id = ANY (?::uuid[])";
  private static final String MONITORS_BY_IDS =
      "SELECT " + MON_COLUMNS + " FROM heartbeat_monitors WHERE id = ANY (?::uuid[])";
  private static final String HEARTBEAT_IDS_OF_USER = "SELECT id FROM heartbeats WHERE user_id = ?";
  private static final String APPLY_HEARTBEATS = "INSERT INTO heartbeats (" + HB_COLUMNS + ")"
      + " SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::bool[], ?::text[], ?::timestamptz[])"
      + " ON CONFLICT (id) DO NOTHING";
  /**
   * Last writer wins: a stored monitor is overwritten only by a newer {@code updated_at}; on a tie, by the one whose
   * content sorts higher (queue id, online flag, owner, phone id, user id; text in byte order, {@code COLLATE "C"},
   * as libSQL compares), so two sides that each hold one of two writes of the same instant converge on the same one.
   */
  private static final String APPLY_MONITORS = PostgresTableAccess.MON_UPSERT
      + " WHERE (heartbeat_monitors.updated_at, coalesce(heartbeat_monitors.queue_id, '') COLLATE \"C\","
      + " heartbeat_monitors.phone_online, heartbeat_monitors.owner COLLATE \"C\", heartbeat_monitors.phone_id,"
      + " heartbeat_monitors.user_id COLLATE \"C\")"
      + " < (EXCLUDED.updated_at, coalesce(EXCLUDED.queue_id, '') COLLATE \"C\", EXCLUDED.phone_online,"
      + " EXCLUDED.owner COLLATE \"C\", EXCLUDED.phone_id, EXCLUDED.user_id COLLATE \"C\")";

  private final PostgresHeartbeatStore store;
  private final PostgresErrors errors;

  private PostgresReplicationAccess(PostgresHeartbeatStore store) {
    this.store = store;
    this.errors = store.errors();
  }

  /** Opens a pool of its own (at most two connections) and applies or checks the schema, as the store does. */
  public static PostgresReplicationAccess open(HeartbeatStoreConfig config, Clock clock) {
    HeartbeatStoreConfig small = config.toBuilder().poolSize(Math.min(2, config.poolSize())).build();
    return new PostgresReplicationAccess(PostgresHeartbeatStore.open(small, clock));
  }

  @Override
  public String backendName() {
    return HeartbeatStoreConfig.POSTGRES;
  }

  @Override
  public List<Entry> pending(int limit, Duration minAge) {
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(PENDING)) {
      ps.setLong(1, minAge.toMillis());
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<Entry> entries = new ArrayList<>();
        while (rs.next()) {
          entries.add(entry(rs));
        }
        return entries;
      }
    } catch (SQLException e) {
      throw errors.translate(e, "pending", JOURNAL, "up to " + limit + " entries");
    }
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    return new Entry(rs.getLong(1), rs.getLong(2), Entity.ofCode(rs.getString(3)), rs.getString(4), rs.getInt(5));
  }

  @Override
  public void remove(Collection<Long> seqs) {
    updateSeqs(REMOVE, "remove", seqs);
  }

  @Override
  public void removeAppliedHeartbeats(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    String[] keys = new String[ids.size()];
    int i = 0;
    for (UUID id : ids) {
      keys[i++] = id.toString();
    }
    try (Connection c = store.pool().getConnection();
         PreparedStatement ps = c.prepareStatement(REMOVE_APPLIED_HEARTBEATS)) {
      ps.setObject(1, keys);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "removeAppliedHeartbeats", JOURNAL, ids.size() + " heartbeats");
    }
  }

  @Override
  public void countFailedAttempt(Collection<Long> seqs) {
    updateSeqs(COUNT_ATTEMPT, "countFailedAttempt", seqs);
  }

  private void updateSeqs(String sql, String operation, Collection<Long> seqs) {
    if (seqs.isEmpty()) {
      return;
    }
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, seqs.toArray(new Long[0]));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, operation, JOURNAL, seqs.size() + " entries");
    }
  }

  @Override
  public void deadLetter(Entry entry, String reason) {
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(DEAD_LETTER)) {
      ps.setLong(1, entry.seq());
      ps.setString(2, reason);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "deadLetter", JOURNAL, "seq=" + entry.seq());
    }
  }

  @Override
  public List<DeadLetter> deadLetters(int limit) {
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(DEAD_LETTERS)) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<DeadLetter> dead = new ArrayList<>();
        while (rs.next()) {
          dead.add(new DeadLetter(entry(rs), rs.getLong(6), rs.getString(7)));
        }
        return dead;
      }
    } catch (SQLException e) {
      throw errors.translate(e, "deadLetters", JOURNAL, "up to " + limit);
    }
  }

  @Override
  public Stats stats() {
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(STATS);
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      long depth = rs.getLong(1);
      long oldestSeq = rs.getLong(2);
      long oldestMs = rs.getLong(3);
      long nowMs = rs.getLong(4);
      Duration lag = depth == 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, nowMs - oldestMs));
      return new Stats(depth, lag, oldestSeq, rs.getLong(5), rs.getLong(6));
    } catch (SQLException e) {
      throw errors.translate(e, "stats", JOURNAL, "all entries");
    }
  }

  @Override
  public boolean tryLease(String holder, Duration ttl) {
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(TAKE_LEASE)) {
      ps.setString(1, holder);
      ps.setLong(2, ttl.toMillis());
      ps.setString(3, holder);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw errors.translate(e, "tryLease", "heartbeat_journal_lease", "relay");
    }
  }

  @Override
  public void releaseLease(String holder) {
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(RELEASE_LEASE)) {
      ps.setString(1, holder);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "releaseLease", "heartbeat_journal_lease", "relay");
    }
  }

  @Override
  public List<Heartbeat> heartbeatsByIds(Collection<UUID> ids) {
    return byIds(HEARTBEATS_BY_IDS, PostgresHeartbeatRepository.TABLE, ids, PostgresHeartbeatRepository::map);
  }

  @Override
  public List<HeartbeatMonitor> monitorsByIds(Collection<UUID> ids) {
    return byIds(MONITORS_BY_IDS, PostgresMonitorRepository.TABLE, ids, PostgresMonitorRepository::map);
  }

  private <T> List<T> byIds(String sql, String table, Collection<UUID> ids, java.util.function.Function<ResultSet, T> map) {
    if (ids.isEmpty()) {
      return List.of();
    }
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, ids.stream().map(UUID::toString).toArray(String[]::new));
      try (ResultSet rs = ps.executeQuery()) {
        List<T> rows = new ArrayList<>(ids.size());
        while (rs.next()) {
          rows.add(map.apply(rs));
        }
        return rows;
      }
    } catch (SQLException e) {
      throw errors.translate(e, "byIds", table, ids.size() + " ids");
    }
  }

  @Override
  public List<UUID> heartbeatIdsOfUser(String userId) {
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(HEARTBEAT_IDS_OF_USER)) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        List<UUID> ids = new ArrayList<>();
        while (rs.next()) {
          ids.add(rs.getObject(1, UUID.class));
        }
        return ids;
      }
    } catch (SQLException e) {
      throw errors.translate(e, "heartbeatIdsOfUser", PostgresHeartbeatRepository.TABLE, "userId=" + userId);
    }
  }

  @Override
  public int applyHeartbeats(List<Heartbeat> heartbeats) {
    if (heartbeats.isEmpty()) {
      return 0;
    }
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(APPLY_HEARTBEATS)) {
      PostgresHeartbeatRepository.bindArrays(ps, heartbeats);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "applyHeartbeats", PostgresHeartbeatRepository.TABLE, heartbeats.size() + " heartbeats");
    }
  }

  @Override
  public int applyMonitors(List<HeartbeatMonitor> monitors) {
    if (monitors.isEmpty()) {
      return 0;
    }
    try (Connection c = store.pool().getConnection(); PreparedStatement ps = c.prepareStatement(APPLY_MONITORS)) {
      PostgresMonitorRepository.bindArrays(ps, monitors);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "applyMonitors", PostgresMonitorRepository.TABLE, monitors.size() + " monitors");
    }
  }

  @Override
  public void deleteHeartbeats(Collection<UUID> ids) {
    deleteByIds(PostgresHeartbeatRepository.TABLE, ids);
  }

  @Override
  public void deleteMonitors(Collection<UUID> ids) {
    deleteByIds(PostgresMonitorRepository.TABLE, ids);
  }

  private void deleteByIds(String table, Collection<UUID> ids) {
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

  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return "PostgresReplicationAccess{" + store + '}';
  }
}
