package dev.heartbeatstore.libsql.internal;

/**
 * Every statement the libSQL backend runs, in the SQLite dialect, for remote and file alike.
 * Column lists are fixed: {@link Rows} reads them by position.
 */
final class SqliteSql {

  private SqliteSql() {}

  static final String HEARTBEAT_COLUMNS = "id, owner, version, charging, user_id, \"timestamp\"";

  static final String INSERT_HEARTBEAT =
      "INSERT INTO heartbeats (" + HEARTBEAT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";

  /** Heartbeats in bulk ({@code storeAll}): rows of {@link Rows#values(dev.heartbeatstore.Heartbeat)}. */
  static final BulkInsert HEARTBEATS = new BulkInsert("heartbeats", HEARTBEAT_COLUMNS, "");

  static final String INDEX_HEARTBEATS =
      "SELECT " + HEARTBEAT_COLUMNS + " FROM heartbeats WHERE user_id = ? AND owner = ?"
          + " ORDER BY \"timestamp\" DESC, id DESC LIMIT ? OFFSET ?";

  /** A literal substring: {@code instr} knows no wildcards, so {@code %} and {@code _} match themselves. */
  static final String INDEX_HEARTBEATS_MATCHING =
      "SELECT " + HEARTBEAT_COLUMNS + " FROM heartbeats WHERE user_id = ? AND owner = ? AND instr(version, ?) > 0"
          + " ORDER BY \"timestamp\" DESC, id DESC LIMIT ? OFFSET ?";

  static final String LAST_HEARTBEAT =
      "SELECT " + HEARTBEAT_COLUMNS + " FROM heartbeats WHERE user_id = ? AND owner = ?"
          + " ORDER BY \"timestamp\" DESC, id DESC LIMIT 1";

  static final String DELETE_HEARTBEATS_OF_USER = "DELETE FROM heartbeats WHERE user_id = ?";

  static final String MONITOR_COLUMNS =
      "id, phone_id, user_id, queue_id, owner, phone_online, created_at, updated_at";

  static final String INSERT_MONITOR =
      "INSERT INTO heartbeat_monitors (" + MONITOR_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  /** Should a user have two monitors for one owner, the newest one is "the" monitor. */
  static final String LOAD_MONITOR =
      "SELECT " + MONITOR_COLUMNS + " FROM heartbeat_monitors WHERE user_id = ? AND owner = ?"
          + " ORDER BY created_at DESC, id DESC LIMIT 1";

  static final String MONITOR_EXISTS = "SELECT 1 FROM heartbeat_monitors WHERE user_id = ? AND id = ? LIMIT 1";

  static final String UPDATE_MONITOR_QUEUE_ID =
      "UPDATE heartbeat_monitors SET queue_id = ?, updated_at = ? WHERE id = ?";

  static final String UPDATE_MONITOR_PHONE_ONLINE =
      "UPDATE heartbeat_monitors SET phone_online = ?, updated_at = ? WHERE user_id = ? AND id = ?";

  static final String DELETE_MONITOR = "DELETE FROM heartbeat_monitors WHERE user_id = ? AND owner = ?";

  static final String DELETE_MONITORS_OF_USER = "DELETE FROM heartbeat_monitors WHERE user_id = ?";

  // ---- the hedging journal: written in the same transaction as the change it records ----

  static final String JOURNAL_ENTRY = "INSERT INTO heartbeat_journal (entity, entity_key) VALUES (?, ?)";

  /** One entry per element of a JSON array of keys. */
  static final String JOURNAL_ENTRIES_FROM_JSON =
      "INSERT INTO heartbeat_journal (entity, entity_key) SELECT ?, value FROM json_each(?)";

  /** After an UPDATE of one monitor: an entry only when it changed a row. */
  static final String JOURNAL_MONITOR_IF_CHANGED =
      "INSERT INTO heartbeat_journal (entity, entity_key) SELECT 'monitor', ? WHERE changes() > 0";

  /** Before a DELETE by (user_id, owner): an entry per monitor it is about to delete. */
  static final String JOURNAL_MONITORS_OF_OWNER = "INSERT INTO heartbeat_journal (entity, entity_key)"
      + " SELECT 'monitor', id FROM heartbeat_monitors WHERE user_id = ? AND owner = ?";

  /** Before a DELETE by user_id: an entry per monitor it is about to delete. */
  static final String JOURNAL_MONITORS_OF_USER = "INSERT INTO heartbeat_journal (entity, entity_key)"
      + " SELECT 'monitor', id FROM heartbeat_monitors WHERE user_id = ?";
}
