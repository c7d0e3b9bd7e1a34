package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.CorruptRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The one row mapper for remote and file: SQLite values to entities and back.
 *
 * <p>Storage forms: ids as canonical lowercase UUID text, booleans as INTEGER 0/1, instants as INTEGER
 * microseconds since the epoch (UTC). A stored value of the wrong type or form is a
 * {@link CorruptRecordException} naming the table, the row's id and the column — never a default.
 */
final class Rows {

  private Rows() {}

  // ---------------------------------------------------------------- writing

  static String uuid(UUID id) {
    return id.toString();
  }

  static long bool(boolean b) {
    return b ? 1L : 0L;
  }

  /** Microseconds since the epoch; core has already truncated finer digits. */
  static long micros(Instant instant) {
    try {
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("instant " + instant + " is outside the range this backend stores"
          + " (about 290,000 years around 1970)");
    }
  }

  /** The storage forms of a heartbeat, in the order of {@link SqliteSql#HEARTBEAT_COLUMNS}. */
  static Object[] values(Heartbeat h) {
    return new Object[] {uuid(h.id()), h.owner(), h.version(), bool(h.charging()), h.userId(), micros(h.timestamp())};
  }

  /** The storage forms of a monitor, in the order of {@link SqliteSql#MONITOR_COLUMNS}. */
  static Object[] values(HeartbeatMonitor m) {
    return new Object[] {uuid(m.id()), uuid(m.phoneId()), m.userId(), m.queueId(), m.owner(), bool(m.phoneOnline()),
        micros(m.createdAt()), micros(m.updatedAt())};
  }

  /** The heartbeats' ids as a JSON array of strings (UUID text needs no escaping). */
  static String idsAsJson(List<Heartbeat> heartbeats) {
    StringBuilder json = new StringBuilder(heartbeats.size() * 39 + 2).append('[');
    for (int i = 0; i < heartbeats.size(); i++) {
      json.append(i == 0 ? "\"" : ",\"").append(heartbeats.get(i).id()).append('"');
    }
    return json.append(']').toString();
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  // ---------------------------------------------------------------- reading

  static Heartbeat heartbeat(Object[] row) {
    String table = "heartbeats";
    String key = key(row);
    check(row, 6, table, key);
    return new Heartbeat(
        uuid(row[0], table, key, "id"),
        text(row[1], table, key, "owner"),
        text(row[2], table, key, "version"),
        bool(row[3], table, key, "charging"),
        text(row[4], table, key, "user_id"),
        instant(row[5], table, key, "timestamp"));
  }

  static HeartbeatMonitor monitor(Object[] row) {
    String table = "heartbeat_monitors";
    String key = key(row);
    check(row, 8, table, key);
    return new HeartbeatMonitor(
        uuid(row[0], table, key, "id"),
        uuid(row[1], table, key, "phone_id"),
        text(row[2], table, key, "user_id"),
        text(row[3], table, key, "queue_id"),
        text(row[4], table, key, "owner"),
        bool(row[5], table, key, "phone_online"),
        instant(row[6], table, key, "created_at"),
        instant(row[7], table, key, "updated_at"));
  }

  private static String key(Object[] row) {
    Object id = row.length == 0 ? null : row[0];
    return id instanceof String ? "'" + id + "'" : String.valueOf(id);
  }

  private static void check(Object[] row, int columns, String table, String key) {
    if (row.length != columns) {
      throw new CorruptRecordException(table + " row id=" + key + ": expected " + columns + " columns, got " + row.length);
    }
  }

  private static UUID uuid(Object value, String table, String key, String column) {
    if (!(value instanceof String)) {
      throw corrupt(table, key, column, "a UUID as text", value);
    }
    String s = (String) value;
    // UUID.fromString accepts short groups ("1-1-1-1-1") and upper case; only the canonical lowercase
    // form is ours: lookups by id and the id order of ties depend on it.
    if (s.length() != 36) {
      throw corrupt(table, key, column, "a canonical UUID", value);
    }
    try {
      UUID id = UUID.fromString(s);
      if (!id.toString().equals(s)) {
        throw corrupt(table, key, column, "a canonical UUID", value);
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw corrupt(table, key, column, "a canonical UUID", value);
    }
  }

  private static String text(Object value, String table, String key, String column) {
    if (!(value instanceof String)) {
      throw corrupt(table, key, column, "text", value);
    }
    return (String) value;
  }

  private static boolean bool(Object value, String table, String key, String column) {
    if (value instanceof Long) {
      long v = (Long) value;
      if (v == 0) {
        return false;
      }
      if (v == 1) {
        return true;
      }
    }
    throw corrupt(table, key, column, "0 or 1", value);
  }

  private static Instant instant(Object value, String table, String key, String column) {
    if (!(value instanceof Long)) {
      throw corrupt(table, key, column, "an integer of microseconds since the epoch", value);
    }
    return instant((long) (Long) value);
  }

  private static CorruptRecordException corrupt(String table, String key, String column, String expected, Object value) {
    return new CorruptRecordException(table + " row id=" + key + ": column " + column + " holds " + describe(value)
        + " where " + expected + " was expected");
  }

  private static String describe(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof String) {
      String s = (String) value;
      return "the text '" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + "'";
    }
    if (value instanceof byte[]) {
      return "a blob of " + ((byte[]) value).length + " bytes";
    }
    return "the " + (value instanceof Double ? "real" : "integer") + " " + value;
  }
}
