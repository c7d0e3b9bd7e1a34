package dev.heartbeatstore.postgres.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * The schema, by Flyway, in the connection's current schema, with this library's own history table
 * and migration location: the host service's Flyway ({@code flyway_schema_history}, {@code db/migration})
 * and ours never see each other's migrations.
 */
final class PostgresSchema {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PostgresSchema.class);

  static final String HISTORY_TABLE = "heartbeat_store_schema_history";
  static final String LOCATION = "classpath:dev/heartbeatstore/postgres/migration";

  private PostgresSchema() {}

  /**
   * Migrates ({@code migrate}) or only checks the schema.
   *
   * @throws ConfigurationException when checking finds the schema missing, behind or altered
   */
  static void apply(DataSource dataSource, boolean migrate, PostgresErrors errors) {
    Flyway flyway = flyway(dataSource);
    try {
      if (migrate) {
        migrateAlone(dataSource, flyway);
      } else {
        check(dataSource, flyway);
      }
    } catch (FlywayException e) {
      String step = migrate ? "apply the heartbeat-store schema" : "check the heartbeat-store schema";
      SQLException sql = sqlCause(e);
      if (sql != null && !refusedByTheSchema(sql)) {
        throw errors.atStart(e, step);
      }
      // Flyway's own refusal, or SQL that PostgreSQL refuses whatever the retry: not retryable.
      throw new ConfigurationException("the heartbeat-store schema (history table " + HISTORY_TABLE
          + ") cannot be " + (migrate ? "migrated" : "checked") + ": "
          + (sql != null ? errors.describe(sql) : e.getMessage()), e);
    }
  }

  /**
   * SQL classes that say the database's schema or rights are wrong, not that it is unreachable: syntax
   * errors and undefined or clashing objects (42), unsupported features (0A), integrity (23) and data (22).
   */
  private static boolean refusedByTheSchema(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("42") || state.startsWith("0A") || state.startsWith("23")
        || state.startsWith("22"));
  }

  /**
   * Flyway's {@code migrate} while holding a PostgreSQL advisory lock for this schema, so that service
   * instances starting together migrate one after the other. Flyway's own lock does not cover creating
   * the history table and writing the baseline row: seen here, a second instance starting at the same time
   * on a schema that already held the host's tables failed with "Unable to baseline schema history table …
   * as it already exists, and is empty". The lock is a session lock on a connection of its own, released
   * when this returns (or when the process dies and the connection closes).
   */
  private static void migrateAlone(DataSource dataSource, Flyway flyway) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      boolean free;
      try (java.sql.ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
        free = rs.next() && rs.getBoolean(1);
      }
      if (!free) {
        log.info("another instance is migrating the heartbeat-store schema; waiting for it to finish");
        s.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
      }
      try {
        refuseNewerSchema(flyway.info(), c);
        Tables.refuseForeign(c);
        flyway.migrate();
      } finally {
        s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
      }
    } catch (SQLException e) {
      throw new FlywayException("cannot take the migration lock: " + e.getMessage(), e);
    }
  }

  /** The advisory lock's key: this library and the connection's current schema. */
  private static final String LOCK_KEY = "hashtext('heartbeat-store migration ' || coalesce(current_schema(), ''))";

  private static Flyway flyway(DataSource dataSource) {
    return Flyway.configure(PostgresSchema.class.getClassLoader())
        // Through the SLF4J API like the rest of the library, never to stdout/stderr by itself (contract §5).
        .loggers("slf4j")
        .dataSource(dataSource)
        .table(HISTORY_TABLE)
        .locations(LOCATION)
        // The host's schema is usually not empty (its own tables, its own Flyway history). Baseline at 0,
        // below V1, so that V1 still runs there instead of being skipped as "already applied".
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .baselineDescription("heartbeat-store baseline: the schema already held other tables")
        .failOnMissingLocations(true)
        .cleanDisabled(true)
        .load();
  }

  /** The version applied in the database, or null when there is no schema. */
  static String currentVersion(DataSource dataSource) {
    MigrationInfo current = flyway(dataSource).info().current();
    return current == null ? null : current.getVersion().getVersion();
  }

  /** The newest version among this library's migrations. */
  static String latestVersion(DataSource dataSource) {
    MigrationVersion shipped = newestShipped(flyway(dataSource).info());
    return shipped == null ? null : shipped.getVersion();
  }

  /** The newest migration this library ships (resolved from its location), whatever the database holds. */
  private static MigrationVersion newestShipped(MigrationInfoService info) {
    MigrationVersion newest = null;
    for (MigrationInfo m : info.all()) {
      if (m.getState().isResolved() && m.getVersion() != null && !m.getType().isBaseline()
          && !m.getType().isSynthetic() && (newest == null || m.getVersion().compareTo(newest) > 0)) {
        newest = m.getVersion();
      }
    }
    return newest;
  }

  /**
   * Refuses a schema that a newer heartbeat-store has migrated beyond what this library ships. Flyway
   * itself lets that pass: its default {@code ignoreMigrationPatterns} is {@code *:future}, so neither
   * {@code migrate} nor {@code validate} complains about applied versions it does not know, and this library
   * would then write rows that the newer schema's rules (a column, a journal) expect to be written otherwise.
   */
  private static void refuseNewerSchema(MigrationInfoService info, Connection c) throws SQLException {
    MigrationVersion shipped = newestShipped(info);
    MigrationVersion newest = null;
    for (MigrationInfo m : info.all()) {
      if (m.getState().isApplied() && !m.getState().isResolved() && m.getVersion() != null
          && (shipped == null || m.getVersion().compareTo(shipped) > 0)
          && (newest == null || m.getVersion().compareTo(newest) > 0)) {
        newest = m.getVersion();
      }
    }
    if (newest != null) {
      throw new ConfigurationException("the heartbeat-store schema version " + newest.getVersion()
          + " is newer than this library (" + (shipped == null ? "none" : shipped.getVersion()) + ") knows;"
          + " downgrading the library under a newer schema is not supported (history table " + HISTORY_TABLE
          + " in schema \"" + Tables.currentSchema(c) + "\"): run a heartbeat-store release that ships version "
          + newest.getVersion());
    }
  }

  private static void check(DataSource dataSource, Flyway flyway) {
    MigrationInfoService info = flyway.info();
    try (Connection c = dataSource.getConnection()) {
      refuseNewerSchema(info, c);
      Tables.refuseForeign(c);
    } catch (SQLException e) {
      throw new FlywayException("cannot read the heartbeat-store schema: " + e.getMessage(), e);
    }
    MigrationInfo current = info.current();
    MigrationInfo[] pending = info.pending();
    String latest = pending.length > 0 ? pending[pending.length - 1].getVersion().getVersion() : null;
    if (current == null) {
      throw new ConfigurationException("the heartbeat-store schema is missing (no " + HISTORY_TABLE
          + " in the database's current schema; version " + latest + " needed) and "
          + HeartbeatStoreConfig.MIGRATE + "=false only checks it: run once with "
          + HeartbeatStoreConfig.MIGRATE + "=true to create it");
    }
    if (pending.length > 0) {
      throw new ConfigurationException("the heartbeat-store schema is behind (at version "
          + current.getVersion().getVersion() + ", this library needs " + latest + "; pending: "
          + Arrays.stream(pending).map(m -> m.getVersion() + " " + m.getDescription()).collect(Collectors.joining(", "))
          + ") and " + HeartbeatStoreConfig.MIGRATE + "=false only checks it: run once with "
          + HeartbeatStoreConfig.MIGRATE + "=true to upgrade it");
    }
    ValidateResult result = flyway.validateWithResult();
    if (!result.validationSuccessful) {
      String details = result.errorDetails == null ? "" : result.errorDetails.errorMessage;
      throw new ConfigurationException("the heartbeat-store schema does not match this library's migrations ("
          + HISTORY_TABLE + "): " + details);
    }
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException) {
        return (SQLException) t;
      }
    }
    return null;
  }
}
