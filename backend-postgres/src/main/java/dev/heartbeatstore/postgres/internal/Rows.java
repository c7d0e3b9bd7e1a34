package dev.heartbeatstore.postgres.internal;

import dev.heartbeatstore.CorruptRecordException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Column reads that refuse what the entities cannot hold: never a silent default. */
final class Rows {

  private Rows() {}

  static String text(ResultSet rs, int index, String table, UUID id, String column) throws SQLException {
    String value = rs.getString(index);
    if (value == null) {
      throw corrupt(table, id, column, "is null", null);
    }
    return value;
  }

  static boolean bool(ResultSet rs, int index, String table, UUID id, String column) throws SQLException {
    boolean value = rs.getBoolean(index);
    if (rs.wasNull()) {
      throw corrupt(table, id, column, "is null", null);
    }
    return value;
  }

  static UUID uuid(ResultSet rs, int index, String table, UUID id, String column) throws SQLException {
    UUID value = rs.getObject(index, UUID.class);
    if (value == null) {
      throw corrupt(table, id, column, "is null", null);
    }
    return value;
  }

  static Instant instant(OffsetDateTime value, String table, UUID id, String column) {
    Instant instant = Timestamps.fromDatabase(value);
    if (instant == null) {
      throw corrupt(table, id, column, value == null ? "is null" : "is " + value + " (infinity)", null);
    }
    return instant;
  }

  static CorruptRecordException corrupt(String table, UUID id, String column, String problem, Throwable cause) {
    String row = id == null ? "a row of " + table + " with an unreadable id" : table + " row id=" + id;
    return new CorruptRecordException(row + ": column " + column + " " + problem, cause);
  }
}
