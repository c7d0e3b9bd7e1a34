package dev.heartbeatstore.postgres.internal;

import dev.heartbeatstore.CorruptRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.IndexParams;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Heartbeats in PostgreSQL. Arguments arrive validated and truncated to microseconds (core does it);
 * every statement is prepared, and pgjdbc keeps it server-side after a few runs on a connection.
 */
final class PostgresHeartbeatRepository implements HeartbeatRepository {

  static final String TABLE = "heartbeats";

  private static final String COLUMNS = "id, owner, version, charging, user_id, \"timestamp\"";

  private static final String INSERT =
      "INSERT INTO heartbeats (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";

  /** One statement, so one round trip and atomic: the whole batch or, on any error, none of it. */
  private static final String INSERT_ALL =
      "INSERT INTO heartbeats (" + COLUMNS + ")"
          + " SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::bool[], ?::text[], ?::timestamptz[])";

  /** Read in the order of heartbeats_user_owner_timestamp_covering_idx, from the index alone: no sort, no heap. */
  static final String INDEX =
      "SELECT " + COLUMNS + " FROM heartbeats WHERE user_id = ? AND owner = ?"
          + " ORDER BY \"timestamp\" DESC, id DESC LIMIT ? OFFSET ?";

  /** strpos, not LIKE: the query is a literal substring, so % and _ match themselves. */
  static final String INDEX_MATCHING =
      "SELECT " + COLUMNS + " FROM heartbeats WHERE user_id = ? AND owner = ? AND strpos(version, ?) > 0"
          + " ORDER BY \"timestamp\" DESC, id DESC LIMIT ? OFFSET ?";

  static final String LAST =
      "SELECT " + COLUMNS + " FROM heartbeats WHERE user_id = ? AND owner = ?"
          + " ORDER BY \"timestamp\" DESC, id DESC LIMIT 1";

  static final String DELETE_ALL_FOR_USER = "DELETE FROM heartbeats WHERE user_id = ?";

  private final Pool pool;
  private final PostgresErrors errors;
  private final String insert;
  private final String insertAll;
  private final String deleteAllForUser;

  /** {@code journal}: each write also records its hedging journal entries, in the same statement. */
  PostgresHeartbeatRepository(Pool pool, PostgresErrors errors, boolean journal) {
    this.pool = pool;
    this.errors = errors;
    this.insert = journal ? JournalSql.perRow(INSERT, "heartbeat", "id::text") : INSERT;
    this.insertAll = journal ? JournalSql.perRow(INSERT_ALL, "heartbeat", "id::text") : INSERT_ALL;
    this.deleteAllForUser = journal
        ? JournalSql.once(DELETE_ALL_FOR_USER, "heartbeats_of_user", "user_id") : DELETE_ALL_FOR_USER;
  }

  @Override
  public void store(Heartbeat h) {
    try (Lease c = pool.lease(); PreparedStatement ps = c.prepare(insert)) {
      ps.setObject(1, h.id());
      ps.setString(2, h.owner());
      ps.setString(3, h.version());
      ps.setBoolean(4, h.charging());
      ps.setString(5, h.userId());
      ps.setObject(6, Timestamps.toDatabase(h.timestamp()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "store", TABLE, "id=" + h.id());
    }
  }

  @Override
  public void storeAll(List<Heartbeat> heartbeats) {
    try (Lease c = pool.lease(); PreparedStatement ps = c.prepare(insertAll)) {
      bindArrays(ps, heartbeats);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw errors.translate(e, "storeAll", TABLE, heartbeats.size() + " heartbeats, ids "
          + heartbeats.get(0).id() + " … " + heartbeats.get(heartbeats.size() - 1).id());
    }
  }

  /** Binds the six column arrays of an {@code unnest(uuid[], text[], text[], bool[], text[], timestamptz[])}. */
  static void bindArrays(PreparedStatement ps, List<Heartbeat> heartbeats) throws SQLException {
    int n = heartbeats.size();
    String[] ids = new String[n];
    String[] owners = new String[n];
    String[] versions = new String[n];
    boolean[] charging = new boolean[n];
    String[] userIds = new String[n];
    String[] timestamps = new String[n];
    for (int i = 0; i < n; i++) {
      Heartbeat h = heartbeats.get(i);
      ids[i] = h.id().toString();
      owners[i] = h.owner();
      versions[i] = h.version();
      charging[i] = h.charging();
      userIds[i] = h.userId();
      timestamps[i] = Timestamps.toText(h.timestamp());
    }
    ps.setObject(1, ids);
    ps.setObject(2, owners);
    ps.setObject(3, versions);
    ps.setObject(4, charging);
    ps.setObject(5, userIds);
    ps.setObject(6, timestamps);
  }

  @Override
  public List<Heartbeat> index(String userId, String owner, IndexParams params) {
    boolean filtered = params.hasQuery();
    try (Lease c = pool.lease();
         PreparedStatement ps = c.prepare(filtered ? INDEX_MATCHING : INDEX)) {
      int p = 1;
      ps.setString(p++, userId);
      ps.setString(p++, owner);
      if (filtered) {
        ps.setString(p++, params.query());
      }
      ps.setInt(p++, params.limit());
      ps.setInt(p, params.skip());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Collections.emptyList();
        }
        List<Heartbeat> result = new ArrayList<>(Math.min(params.limit(), 64));
        do {
          result.add(map(rs));
        } while (rs.next());
        return result;
      }
    } catch (SQLException e) {
      throw errors.translate(e, "index", TABLE, "userId=" + userId + ", owner=" + owner);
    }
  }

  @Override
  public Optional<Heartbeat> last(String userId, String owner) {
    try (Lease c = pool.lease(); PreparedStatement ps = c.prepare(LAST)) {
      ps.setString(1, userId);
      ps.setString(2, owner);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(map(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw errors.translate(e, "last", TABLE, "userId=" + userId + ", owner=" + owner);
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

  /** The current row; a value that cannot be a {@link Heartbeat} → {@link CorruptRecordException}. */
  static Heartbeat map(ResultSet rs) {
    UUID id = null;
    String column = "id";
    try {
      id = rs.getObject(1, UUID.class);
      if (id == null) {
        throw Rows.corrupt(TABLE, null, column, "is null", null);
      }
      column = "owner";
      String owner = Rows.text(rs, 2, TABLE, id, column);
      column = "version";
      String version = Rows.text(rs, 3, TABLE, id, column);
      column = "charging";
      boolean charging = Rows.bool(rs, 4, TABLE, id, column);
      column = "user_id";
      String userId = Rows.text(rs, 5, TABLE, id, column);
      column = "timestamp";
      Instant timestamp = Rows.instant(rs.getObject(6, OffsetDateTime.class), TABLE, id, column);
      return new Heartbeat(id, owner, version, charging, userId, timestamp);
    } catch (CorruptRecordException e) {
      throw e;
    } catch (SQLException | RuntimeException e) {
      throw Rows.corrupt(TABLE, id, column, "cannot be read: " + e.getMessage(), e);
    }
  }
}
