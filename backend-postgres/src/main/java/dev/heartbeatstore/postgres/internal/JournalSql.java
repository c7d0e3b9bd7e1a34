package dev.heartbeatstore.postgres.internal;

/**
 * A write statement and its hedging journal entries as one statement: the change in a data-modifying
 * {@code WITH}, the journal rows inserted from what it returned. One round trip, one transaction, so the
 * journal holds an entry for a change exactly when the change committed.
 */
final class JournalSql {

  private JournalSql() {}

  /** Milliseconds since the epoch by the database's clock, as the journal records them. */
  static final String NOW_MS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

  /**
   * {@code write} (an INSERT, UPDATE or DELETE without RETURNING) journaled with one entry of
   * {@code entity} per row it changed, keyed by {@code key} (an expression over the changed row).
   */
  static String perRow(String write, String entity, String key) {
    return "WITH changed AS (" + write + " RETURNING " + key + " AS k)"
        + " INSERT INTO heartbeat_journal (entity, entity_key) SELECT '" + entity + "', k FROM changed";
  }

  /** Like {@link #perRow}, but one entry whatever the number of rows changed (none: no entry). */
  static String once(String write, String entity, String key) {
    return "WITH changed AS (" + write + " RETURNING " + key + " AS k)"
        + " INSERT INTO heartbeat_journal (entity, entity_key) SELECT DISTINCT '" + entity + "', k FROM changed";
  }
}
