package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bulk mode of a backfill into libSQL: the secondary indexes of {@code heartbeats} are dropped before
 * the copy and built after it, which is several times cheaper than keeping them up to date row by row.
 *
 * <p>While they are missing, the database records it in {@code heartbeat_store_meta} (row
 * {@value #PENDING}, whose value is the {@code CREATE INDEX} statements to run again, one per line), in the
 * same transaction that drops them: any process sees it, whatever happened to the backfill that dropped
 * them. A store that would serve reads from this database (a plain store, or the hedging primary) refuses
 * to open ({@link #refuseIfPending}); the hedging secondary, the journal's replay and the migration tools
 * keep working (their writes and reads go by primary key). {@link #finish} builds what is missing, one
 * index per transaction, and removes the row last, so a run killed at any point is finished by the next.
 */
final class BulkIndexes {

  private static final Logger log = LoggerFactory.getLogger(BulkIndexes.class);

  static final String PENDING = "bulk_backfill_pending_indexes";

  /**
   * The index a bulk load keeps: the scan index {@code (timestamp, id)}, in the order the backfill copies, so
   * each batch appends to its end (nearly free), and {@code verify} keeps its keyset scan meanwhile.
   */
  static final String KEPT = "heartbeats_timestamp_id_idx";

  /** The indexes a bulk load drops: every other explicit index of the big table (not its primary key's). */
  private static final String CURRENT = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
      + " AND tbl_name = 'heartbeats' AND sql IS NOT NULL AND name <> '" + KEPT + "' ORDER BY name";
  private static final String READ_PENDING = "SELECT value FROM heartbeat_store_meta WHERE name = '" + PENDING + "'";
  private static final String RECORD_PENDING = "INSERT INTO heartbeat_store_meta (name, value) VALUES ('"
      + PENDING + "', ?) ON CONFLICT (name) DO NOTHING";
  private static final String CLEAR_PENDING = "DELETE FROM heartbeat_store_meta WHERE name = '" + PENDING + "'";
  private static final String EXISTS = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?";

  private BulkIndexes() {}

  /** The {@code CREATE INDEX} statements a bulk load left to run, or an empty list. */
  static List<String> pending(SqlSession session, Deadline deadline) {
    List<Object[]> rows = session.query("bulk.pending", Statement.of(READ_PENDING), deadline);
    if (rows.isEmpty() || !(rows.get(0)[0] instanceof String value)) {
      return List.of();
    }
    List<String> statements = new ArrayList<>();
    for (String line : value.split("\n")) {
      if (!line.isBlank()) {
        statements.add(line.strip());
      }
    }
    return statements;
  }

  /** The index names of these {@code CREATE INDEX} statements. */
  static List<String> names(List<String> statements) {
    List<String> names = new ArrayList<>();
    for (String sql : statements) {
      names.add(indexName(sql));
    }
    return names;
  }

  /**
   * Records the indexes as pending and drops them, in one transaction. Already pending (a resumed bulk
   * load): drops what the record names, which may have been rebuilt meanwhile, and keeps the record.
   */
  static List<String> begin(SqlSession session, Duration timeout) {
    List<String> statements = pending(session, Deadline.after(timeout));
    List<Statement> batch = new ArrayList<>();
    if (statements.isEmpty()) {
      statements = new ArrayList<>();
      for (Object[] row : session.query("bulk.indexes", Statement.of(CURRENT), Deadline.after(timeout))) {
        // One statement per line in the record: SQLite keeps the text as written, which may span lines.
        statements.add(((String) row[1]).replaceAll("\\s+", " ").strip());
      }
      if (statements.isEmpty()) {
        return List.of();
      }
      batch.add(Statement.of(RECORD_PENDING, String.join("\n", statements)));
    }
    for (String name : names(statements)) {
      batch.add(Statement.of("DROP INDEX IF EXISTS \"" + name + "\""));
    }
    session.executeAtomically("bulk.begin", batch, Deadline.after(timeout));
    log.info("bulk backfill into {}: dropped the indexes {} until the copy is done", session.describe(),
        names(statements));
    return statements;
  }

  /**
   * Builds every pending index that does not exist yet, one per transaction (each holds the database's
   * single writer while it sorts the table: the live service's writes wait in between, not for all of them),
   * with {@code perIndex} as the deadline of each build and {@code timeout} of every other call, then removes the
   * record.
   */
  static void finish(SqlSession session, Duration perIndex, Duration timeout) {
    List<String> statements = pending(session, Deadline.after(timeout));
    if (statements.isEmpty()) {
      return;
    }
    for (String sql : statements) {
      String name = indexName(sql);
      List<Object[]> exists = session.query("bulk.exists", Statement.of(EXISTS, name), Deadline.after(timeout));
      if (Long.valueOf(1L).equals(exists.get(0)[0])) {
        continue;
      }
      long started = System.nanoTime();
      // IF NOT EXISTS: a build whose answer timed out may have committed meanwhile, and be tried again. One
      // autocommit statement, not a BEGIN … COMMIT batch: under live writes a batch's COMMIT failed at 2M rows,
      // most likely because sqld takes the write lock back from a transaction held > 5 s while another writer waits.
      session.execute("bulk.createIndex", Statement.of(ifNotExists(sql)), Deadline.after(perIndex));
      log.info("bulk backfill into {}: built the index {} in {} ms", session.describe(), name,
          (System.nanoTime() - started) / 1_000_000);
    }
    session.execute("bulk.finish", Statement.of(CLEAR_PENDING), Deadline.after(timeout));
  }

  /**
   * Refuses a database whose indexes a bulk backfill dropped, for every use but the hedging secondary's:
   * a store reading from it would scan the whole table for each query.
   */
  static void refuseIfPending(SqlSession session, HeartbeatStoreConfig config, boolean journal, Deadline deadline) {
    boolean secondary = !journal && HeartbeatStoreConfig.HEDGING.equals(config.backend())
        && HeartbeatStoreConfig.TURSO.equals(config.hedgingSecondary());
    if (secondary) {
      return;
    }
    List<String> statements = pending(session, deadline);
    if (statements.isEmpty()) {
      return;
    }
    String role = HeartbeatStoreConfig.HEDGING.equals(config.backend())
        ? "the hedging primary (" + HeartbeatStoreConfig.HEDGING_PRIMARY + "=" + HeartbeatStoreConfig.TURSO + ")"
        : "a store (" + HeartbeatStoreConfig.BACKEND + "=" + config.backend() + ")";
    throw new ConfigurationException("the secondary indexes " + names(statements) + " of heartbeats in "
        + session.describe() + " are missing (bulk backfill in progress or interrupted): this database cannot"
        + " serve as " + role + " until they are built; run `heartbeat backfill` to finish (it builds them),"
        + " and meanwhile keep it the hedging secondary");
  }

  static String ifNotExists(String sql) {
    return sql.matches("(?is)CREATE\\s+(UNIQUE\\s+)?INDEX\\s+IF\\s+NOT\\s+EXISTS\\b.*") ? sql
        : sql.replaceFirst("(?i)^(CREATE\\s+(?:UNIQUE\\s+)?INDEX)\\s+", "$1 IF NOT EXISTS ");
  }

  /** {@code CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON …} → name, without quotes. */
  static String indexName(String sql) {
    String[] words = sql.strip().split("\\s+");
    int i = 1;
    if (words[i].equalsIgnoreCase("UNIQUE")) {
      i++;
    }
    i++; // INDEX
    if (words[i].equalsIgnoreCase("IF")) {
      i += 3;
    }
    return words[i].replaceAll("[\"`\\[\\]]", "");
  }
}
