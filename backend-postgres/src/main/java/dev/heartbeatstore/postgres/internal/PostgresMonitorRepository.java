package dev.heartbeatstore.postgres.internal;

import dev.heartbeatstore.CorruptRecordException;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Heartbeat monitors in PostgreSQL. Arguments arrive validated and truncated to microseconds. */
final class PostgresMonitorRepository implements HeartbeatMonitorRepository {

  static final String TABLE = "heartbeat_monitors";

  private static final String COLUMNS =
      "id, phone_id, user_id, queue_id, owner, phone_online, created_at, updated_at";

  private static final String INSERT =
      "INSERT INTO heartbeat_monitors (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  /** One monitor per phone is the rule; should there be more, the newest wins, deterministically. */
  static final String LOAD =
      "SELECT " + COLUMNS + " FROM heartbeat_monitors WHERE user_id = ? AND owner = ?"
          + " ORDER BY created_at DESC, id DESC LIMIT 1";

  private static final String EXISTS = "SELECT 1 FROM heartbeat_monitors WHERE id = ? AND user_id = ?";

  private static final String UPDATE_QUEUE_ID =
      "UPDATE heartbeat_monitors SET queue_id = ?, updated_at = ? WHERE id = ?";

  private static final String DELETE = "DELETE FROM heartbeat_monitors WHERE user_id = ? AND owner = ?";

  private static final String UPDATE_PHONE_ONLINE =
      "UPDATE heartbeat_monitors SET phone_online = ?, updated_at = ? WHERE id = ? AND user_id = ?";

  static final String DELETE_ALL_FOR_USER = "DELETE FROM heartbeat_monitors WHERE user_id = ?";

  private final Pool pool;
  private final PostgresErrors errors;
  private final Clock clock;

  private final String insert;
  private final String updateQueueId;
  private final String delete;
  private final String updatePhoneOnline;
  private final String deleteAllForUser;

  /** {@code journal}: each write also records its hedging journal entries, in the same statement. */
  PostgresMonitorRepository(Pool pool, PostgresErrors errors, Clock clock, boolean journal) {
    this.pool = pool;
    this.errors = errors;
    this.clock = clock;
    this.insert = journaled(INSERT, journal);
    this.updateQueueId = journaled(UPDATE_QUEUE_ID, journal);
    this.delete = journaled(DELETE, journal);
    this.updatePhoneOnline = journaled(UPDATE_PHONE_ONLINE, journal);
    this.deleteAllForUser = journaled(DELETE_ALL_FOR_USER, journal);
  }

  private static String journaled(String write, boolean journal) {
    return journal ? JournalSql.perRow(write, "monitor", "id::text") : write;
  }

  @Override
  public void store(HeartbeatMonitor m) {
    try (Lease c = pool.lease(); PreparedStatement ps = c.prepare(insert)) {
      ps.setObject(1, m.id());
      ps.setObject(2, m.phoneId());
      ps.setString(3, m.userId());
      ps.setString(4, m.queueId());
      ps.setString(5, m.owner());
      ps.setBoolean(6, m.phoneOnline());
      ps.setObject(7, Timestamps.toDatabase(m.createdAt()));
      ps.setObject(8, Timestamps.toDatabase(m.updatedAt()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "store", TABLE, "id=" + m.id());
    }
  }

  @Override
  public Optional<HeartbeatMonitor> load(String userId, String owner) {
    try (Lease c = pool.lease(); PreparedStatement ps = c.prepare(LOAD)) {
      ps.setString(1, userId);
      ps.setString(2, owner);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(map(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw errors.translate(e, "load", TABLE, "userId=" + userId + ", owner=" + owner);
    }
  }

  @Override
  public boolean exists(String userId, UUID monitorId) {
    try (Lease c = pool.lease(); PreparedStatement ps = c.prepare(EXISTS)) {
      ps.setObject(1, monitorId);
      ps.setString(2, userId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw errors.translate(e, "exists", TABLE, "id=" + monitorId + ", userId=" + userId);
    }
  }

  @Override
  public void updateQueueId(UUID monitorId, String queueId) {
    try (Lease c = pool.lease(); PreparedStatement ps = c.prepare(updateQueueId)) {
      ps.setString(1, queueId);
      ps.setObject(2, Timestamps.toDatabase(now()));
      ps.setObject(3, monitorId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "updateQueueId", TABLE, "id=" + monitorId);
    }
  }

  @Override
  public void delete(String userId, String owner) {
    try (Lease c = pool.lease(); PreparedStatement ps = c.prepare(delete)) {
      ps.setString(1, userId);
      ps.setString(2, owner);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "delete", TABLE, "userId=" + userId + ", owner=" + owner);
    }
  }

  @Override
  public void updatePhoneOnline(String userId, UUID monitorId, boolean online) {
    try (Lease c = pool.lease(); PreparedStatement ps = c.prepare(updatePhoneOnline)) {
      ps.setBoolean(1, online);
      ps.setObject(2, Timestamps.toDatabase(now()));
      ps.setObject(3, monitorId);
      ps.setString(4, userId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "updatePhoneOnline", TABLE, "id=" + monitorId + ", userId=" + userId);
    }
  }

  @Override
  public void deleteAllForUser(String userId) {
    try (Lease c = pool.lease(); PreparedStatement ps = c.prepare(deleteAllForUser)) {
      ps.setString(1, userId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "deleteAllForUser", TABLE, "userId=" + userId);
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Binds the eight column arrays of an {@code unnest(uuid[], uuid[], text[], text[], text[], bool[],
   * timestamptz[], timestamptz[])} in column order.
   */
  static void bindArrays(PreparedStatement ps, List<HeartbeatMonitor> monitors) throws SQLException {
    int n = monitors.size();
    String[] ids = new String[n];
    String[] phoneIds = new String[n];
    String[] userIds = new String[n];
    String[] queueIds = new String[n];
    String[] owners = new String[n];
    boolean[] online = new boolean[n];
    String[] created = new String[n];
    String[] updated = new String[n];
    for (int i = 0; i < n; i++) {
      HeartbeatMonitor m = monitors.get(i);
      ids[i] = m.id().toString();
      phoneIds[i] = m.phoneId().toString();
      userIds[i] = m.userId();
      queueIds[i] = m.queueId();
      owners[i] = m.owner();
      online[i] = m.phoneOnline();
      created[i] = Timestamps.toText(m.createdAt());
      updated[i] = Timestamps.toText(m.updatedAt());
    }
    ps.setObject(1, ids);
    ps.setObject(2, phoneIds);
    ps.setObject(3, userIds);
    ps.setObject(4, queueIds);
    ps.setObject(5, owners);
    ps.setObject(6, online);
    ps.setObject(7, created);
    ps.setObject(8, updated);
  }

  /** The current row; a value that cannot be a {@link HeartbeatMonitor} → {@link CorruptRecordException}. */
  static HeartbeatMonitor map(ResultSet rs) {
    UUID id = null;
    String column = "id";
    try {
      id = rs.getObject(1, UUID.class);
      if (id == null) {
        throw Rows.corrupt(TABLE, null, column, "is null", null);
      }
      column = "phone_id";
      UUID phoneId = Rows.uuid(rs, 2, TABLE, id, column);
      column = "user_id";
      String userId = Rows.text(rs, 3, TABLE, id, column);
      column = "queue_id";
      String queueId = Rows.text(rs, 4, TABLE, id, column);
      column = "owner";
      String owner = Rows.text(rs, 5, TABLE, id, column);
      column = "phone_online";
      boolean phoneOnline = Rows.bool(rs, 6, TABLE, id, column);
      column = "created_at";
      Instant createdAt = Rows.instant(rs.getObject(7, OffsetDateTime.class), TABLE, id, column);
      column = "updated_at";
      Instant updatedAt = Rows.instant(rs.getObject(8, OffsetDateTime.class), TABLE, id, column);
      return new HeartbeatMonitor(id, phoneId, userId, queueId, owner, phoneOnline, createdAt, updatedAt);
    } catch (CorruptRecordException e) {
      throw e;
    } catch (SQLException | RuntimeException e) {
      throw Rows.corrupt(TABLE, id, column, "cannot be read: " + e.getMessage(), e);
    }
  }
}
