package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.spi.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  /** A statement that creates a named object: group 1 = its IF NOT EXISTS, if any; group 2 = its name. */
  private static final Pattern CREATE = Pattern.compile("CREATE\\s+(?:UNIQUE\\s+)?(?:TEMP(?:ORARY)?\\s+)?"
      + "(?:TABLE|INDEX|VIEW|TRIGGER)\\s+(IF\\s+NOT\\s+EXISTS\\s+)?[\"`\\[]?(\\w+)", Pattern.CASE_INSENSITIVE);

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

  /**
   * Creates or upgrades the schema; safe when several processes start at once: each version is applied
   * in one transaction that first records it in the history, so that when another process applied it
   * meanwhile, its history row's primary key refuses ours and nothing of ours is left. A file database
   * takes its write lock first ({@code BEGIN IMMEDIATE}): processes starting together then migrate one
   * after the other, each waiting until its start-up deadline, as PostgreSQL's do under an advisory lock.
   */
  static void migrate(SqlSession session, Duration budget, Clock clock) {
    String op = "schema.migrate";
    session.createIfMissing(Deadline.after(budget));
    refuseForeignTablesWithoutHistory(session, budget, op);
    session.execute(op, Statement.of(CREATE_HISTORY), Deadline.after(budget));
    Map<Integer, Long> applied = applied(session, budget, op);
    refuseNewer(session, applied);
    verifyChecksums(session, applied);
    for (Migration m : available()) {
      if (!applied.containsKey(m.version())) {
        apply(session, budget, m, clock, op);
      }
    }
  }

  private static void apply(SqlSession session, Duration budget, Migration m, Clock clock, String op) {
    List<Statement> statements = new ArrayList<>();
    statements.add(Statement.of(RECORD, (long) m.version(), m.description(), m.checksum(),
        Rows.micros(clock.instant())));
    for (String sql : m.statements()) {
      statements.add(Statement.of(sql));
    }
    try {
      session.executeAtomically(op, statements, Deadline.after(budget));
      log.info("applied libSQL schema version {} ({}) to {}", m.version(), m.description(), session.describe());
    } catch (HeartbeatStoreException e) {
      // Objects first, history second: a version's objects and its history row are committed together,
      // so objects seen before a history without the version cannot be another process's migration.
      List<String> existing = existingObjects(session, budget, List.of(m), op);
      Map<Integer, Long> applied = applied(session, budget, op);
      if (applied.containsKey(m.version())) {
        log.info("libSQL schema version {} was applied to {} by another process meanwhile", m.version(),
            session.describe());
        verifyChecksums(session, applied);
        return;
      }
      if (!existing.isEmpty()) {
        throw notOurs(session, existing, "schema version " + m.version() + " is not recorded in " + HISTORY, e);
      }
      throw e;
    }
  }

  /**
   * Tables of our names in a database without our history hold someone else's data: refused before
   * anything is written to it.
   */
  private static void refuseForeignTablesWithoutHistory(SqlSession session, Duration budget, String op) {
    if (historyExists(session, budget, op)) {
      return;
    }
    List<String> existing = existingObjects(session, budget, available(), op);
    // Objects first, history second (see apply): another process may have just created both.
    if (!existing.isEmpty() && !historyExists(session, budget, op)) {
      throw notOurs(session, existing, "the database has no table " + HISTORY, null);
    }
  }

  private static ConfigurationException notOurs(SqlSession session, List<String> existing, String why,
                                                Throwable cause) {
    return new ConfigurationException(String.join(", ", existing) + " in " + session.describe()
        + " but was not created by heartbeat-store (" + why + "); heartbeat-store does not take over what it did"
        + " not create: point " + HeartbeatStoreConfig.TURSO_DATABASE_URL + " at another database, or rename or"
        + " drop it", cause);
  }

  /** What these migrations create that already exists, e.g. {@code "the table heartbeats exists"}. */
  private static List<String> existingObjects(SqlSession session, Duration budget, List<Migration> migrations,
      String op) {
    List<String> names = new ArrayList<>();
    for (Migration m : migrations) {
      for (String sql : m.statements()) {
        Matcher create = CREATE.matcher(sql);
        if (create.lookingAt() && create.group(1) == null) {
          names.add(create.group(2));
        }
      }
    }
    if (names.isEmpty()) {
      return List.of();
    }
    String sql = "SELECT type, name FROM sqlite_master WHERE name IN ("
        + String.join(", ", java.util.Collections.nCopies(names.size(), "?")) + ") ORDER BY type DESC, name";
    List<String> existing = new ArrayList<>();
    for (Object[] row : session.query(op, Statement.of(sql, names.toArray()), Deadline.after(budget))) {
      existing.add("the " + row[0] + " " + row[1] + " exists");
    }
    return existing;
  }

  private static boolean historyExists(SqlSession session, Duration budget, String op) {
    List<Object[]> rows = session.query(op, Statement.of(HISTORY_EXISTS), Deadline.after(budget));
    return !rows.isEmpty() && Long.valueOf(1L).equals(rows.get(0)[0]);
  }

  /**
   * A database whose schema is newer than this library (a later release migrated it) is refused: this
   * library would run on tables it does not know.
   */
  private static void refuseNewer(SqlSession session, Map<Integer, Long> applied) {
    int latest = latestVersion();
    int newest = applied.keySet().stream().max(Integer::compare).orElse(0);
    if (newest > latest) {
      throw new ConfigurationException("schema version " + newest + " is newer than this library knows (" + latest
          + "): downgrading the library under a newer schema is not supported (" + session.describe()
          + "; use a heartbeat-store release that knows schema version " + newest + ")");
    }
  }

  /** {@code HEARTBEAT_DB_MIGRATE=false}: only checks that the schema is there and current. */
  static void check(SqlSession session, Duration budget) {
    String op = "schema.check";
    refuseForeignTablesWithoutHistory(session, budget, op);
    if (!historyExists(session, budget, op)) {
      throw new ConfigurationException("the heartbeat-store schema is missing in " + session.describe()
          + " (no table " + HISTORY + "); " + HeartbeatStoreConfig.MIGRATE + "=false only checks it: "
          + "start once with " + HeartbeatStoreConfig.MIGRATE + "=true to create it");
    }
    Map<Integer, Long> applied = applied(session, budget, op);
    refuseNewer(session, applied);
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
  static Integer appliedVersion(SqlSession session, Duration budget) {
    String op = "schema.version";
    if (!historyExists(session, budget, op)) {
      return null;
    }
    return applied(session, budget, op).keySet().stream().max(Integer::compare).orElse(null);
  }

  private static Map<Integer, Long> applied(SqlSession session, Duration budget, String op) {
    List<Object[]> rows;
    try {
      rows = session.query(op, Statement.of(APPLIED), Deadline.after(budget));
    } catch (StoreUnavailableException e) {
      if (!String.valueOf(e.getMessage()).contains("no such column")) {
        throw e;
      }
      throw new ConfigurationException("the table " + HISTORY + " in " + session.describe() + " was not created by"
          + " heartbeat-store (it lacks the columns version and checksum); point "
          + HeartbeatStoreConfig.TURSO_DATABASE_URL + " at another database, or rename or drop that table", e);
    }
    Map<Integer, Long> applied = new HashMap<>();
    for (Object[] row : rows) {
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
