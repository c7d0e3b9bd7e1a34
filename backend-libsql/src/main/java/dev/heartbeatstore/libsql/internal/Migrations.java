package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libSQL schema's versioned migrations ({@code dev/heartbeatstore/libsql/migration/V<n>__<name>.sql}),
 * applied over a {@link SqlSession} so remote and file databases get the same files. Each version is
 * applied in one transaction together with its row in {@value #HISTORY}; a checksum of every applied
 * file is kept and checked at each start.
 */
final class Migrations {

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  static final String HISTORY = "heartbeat_store_schema_history";
  private static final String LOCATION = "/dev/heartbeatstore/libsql/migration/";

  /** Every migration, in order; a new schema version adds a file here and to the resources. */
  private static final List<String> FILES = List.of(
      "V1__heartbeats_and_monitors.sql",
      "V2__heartbeats_scan_index.sql",
      "V3__hedging_journal.sql",
      "V4__database_identity.sql");

  private static final String CREATE_HISTORY = "CREATE TABLE IF NOT EXISTS " + HISTORY + " ("
      + "version INTEGER NOT NULL PRIMARY KEY, "
      + "description TEXT NOT NULL, "
      + "checksum INTEGER NOT NULL, "
      + "installed_at INTEGER NOT NULL)";
  private static final String HISTORY_EXISTS =
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + HISTORY + "'";
  private static final String APPLIED = "SELECT version, checksum FROM " + HISTORY + " ORDER BY version";
  private static final String RECORD =
      "INSERT INTO " + HISTORY + " (version, description, checksum, installed_at) VALUES (?, ?, ?, ?)";

  record Migration(int version, String description, long checksum, List<String> statements) {}

  private Migrations() {}

  /** The migrations shipped with this library, in version order. */
  static List<Migration> available() {
    List<Migration> list = new ArrayList<>();
    for (String file : FILES) {
      list.add(load(file));
    }
    return list;
  }

  static int latestVersion() {
    List<Migration> all = available();
    return all.get(all.size() - 1).version();
  }

  /** Creates or upgrades the schema; safe when several processes start at once. */
  static void migrate(SqlSession session, Clock clock) {
    String op = "schema.migrate";
    session.execute(op, Statement.of(CREATE_HISTORY));
    Map<Integer, Long> applied = applied(session, op);
    verifyChecksums(session, applied);
    for (Migration m : available()) {
      if (applied.containsKey(m.version())) {
        continue;
      }
      List<Statement> statements = new ArrayList<>();
      for (String sql : m.statements()) {
        statements.add(Statement.of(sql));
      }
      statements.add(Statement.of(RECORD, (long) m.version(), m.description(), m.checksum(),
          Rows.micros(clock.instant())));
      try {
        session.executeAtomically(op, statements);
        log.info("applied libSQL schema version {} ({}) to {}", m.version(), m.description(), session.describe());
      } catch (HeartbeatStoreException e) {
        // Another process may have applied it at the same moment: then our transaction lost, and that is fine.
        if (!applied(session, op).containsKey(m.version())) {
          throw e;
        }
      }
    }
  }

  /** {@code HEARTBEAT_DB_MIGRATE=false}: only checks that the schema is there and current. */
  static void check(SqlSession session) {
    String op = "schema.check";
    List<Object[]> rows = session.query(op, Statement.of(HISTORY_EXISTS));
    boolean hasHistory = !rows.isEmpty() && Long.valueOf(1L).equals(rows.get(0)[0]);
    if (!hasHistory) {
      throw new ConfigurationException("the heartbeat-store schema is missing in " + session.describe()
          + " (no table " + HISTORY + "); " + HeartbeatStoreConfig.MIGRATE + "=false only checks it: "
          + "start once with " + HeartbeatStoreConfig.MIGRATE + "=true to create it");
    }
    Map<Integer, Long> applied = applied(session, op);
    verifyChecksums(session, applied);
    List<Integer> missing = new ArrayList<>();
    for (Migration m : available()) {
      if (!applied.containsKey(m.version())) {
        missing.add(m.version());
      }
    }
    if (!missing.isEmpty()) {
      throw new ConfigurationException("the heartbeat-store schema in " + session.describe()
          + " is behind: versions " + missing + " are not applied; " + HeartbeatStoreConfig.MIGRATE
          + "=false only checks it: start once with " + HeartbeatStoreConfig.MIGRATE + "=true to upgrade it");
    }
  }

  /** The highest version applied, or null when the database has no history table. */
  static Integer appliedVersion(SqlSession session) {
    String op = "schema.version";
    List<Object[]> rows = session.query(op, Statement.of(HISTORY_EXISTS));
    if (rows.isEmpty() || !Long.valueOf(1L).equals(rows.get(0)[0])) {
      return null;
    }
    return applied(session, op).keySet().stream().max(Integer::compare).orElse(null);
  }

  private static Map<Integer, Long> applied(SqlSession session, String op) {
    Map<Integer, Long> applied = new HashMap<>();
    for (Object[] row : session.query(op, Statement.of(APPLIED))) {
      if (!(row[0] instanceof Long) || !(row[1] instanceof Long)) {
        throw new ConfigurationException("the table " + HISTORY + " in " + session.describe()
            + " holds a row that is not (version, checksum) integers");
      }
      applied.put(((Long) row[0]).intValue(), (Long) row[1]);
    }
    return applied;
  }

  private static void verifyChecksums(SqlSession session, Map<Integer, Long> applied) {
    for (Migration m : available()) {
      Long checksum = applied.get(m.version());
      if (checksum != null && checksum != m.checksum()) {
        throw new ConfigurationException("schema version " + m.version() + " in " + session.describe()
            + " was applied from a different file (checksum " + checksum + ", this library has " + m.checksum()
            + "); the database was changed by another tool or version");
      }
    }
  }

  private static Migration load(String file) {
    int split = file.indexOf("__");
    int version = Integer.parseInt(file.substring(1, split));
    String description = file.substring(split + 2, file.length() - ".sql".length()).replace('_', ' ');
    String text;
    try (InputStream in = Migrations.class.getResourceAsStream(LOCATION + file)) {
      if (in == null) {
        throw new IllegalStateException("migration " + file + " is missing from the classpath");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CRC32 crc = new CRC32();
    crc.update(text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
    return new Migration(version, description, crc.getValue(), statements(text));
  }

  /** Splits a migration into statements: {@code --} comment lines dropped, split at {@code ;}. */
  static List<String> statements(String text) {
    StringBuilder sql = new StringBuilder();
    for (String line : text.split("\\R")) {
      String trimmed = line.strip();
      if (!trimmed.startsWith("--")) {
        sql.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String part : sql.toString().split(";")) {
      if (!part.isBlank()) {
        statements.add(part.strip());
      }
    }
    return statements;
  }
}
