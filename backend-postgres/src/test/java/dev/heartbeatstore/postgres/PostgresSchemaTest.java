package dev.heartbeatstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStores;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The PostgreSQL schema")
class PostgresSchemaTest {

  private static final String HISTORY = "heartbeat_store_schema_history";

  @Test
  @DisplayName("is created on first open, in the URL's current schema, with its own history table")
  void createdOnFirstOpen() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create()) {
      try (HeartbeatStore store = schema.open()) {
        assertThat(store.backendName()).isEqualTo("postgres");
      }
      assertThat(tables(schema)).contains("heartbeats", "heartbeat_monitors", HISTORY);
      assertThat(appliedVersions(schema, HISTORY)).containsExactly("1", "2", "3", "4");
    }
  }

  @Test
  @DisplayName("with HEARTBEAT_DB_MIGRATE=false, a missing schema fails clearly and nothing is created")
  void checkOnlyFailsOnMissingSchema() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create()) {
      assertThatThrownBy(() -> HeartbeatStores.open(schema.config().migrate(false).build()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("schema is missing")
          .hasMessageContaining("HEARTBEAT_DB_MIGRATE=true");
      assertThat(tables(schema)).isEmpty();
    }
  }

  @Test
  @DisplayName("with HEARTBEAT_DB_MIGRATE=false, a schema that is behind fails clearly")
  void checkOnlyFailsOnSchemaBehind() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create()) {
      // A history at version 0 only, as an older library would have left it.
      Flyway.configure().dataSource(new SchemaDataSource(schema)).table(HISTORY)
          .locations("classpath:dev/heartbeatstore/postgres/migration")
          .baselineVersion("0").load().baseline();

      assertThatThrownBy(() -> HeartbeatStores.open(schema.config().migrate(false).build()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("schema is behind")
          .hasMessageContaining("HEARTBEAT_DB_MIGRATE=true");
    }
  }

  @Test
  @DisplayName("with HEARTBEAT_DB_MIGRATE=false, an up-to-date schema opens and works")
  void checkOnlyOpensUpToDateSchema() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create()) {
      schema.open().close();
      try (HeartbeatStore store = HeartbeatStores.open(schema.config().migrate(false).build())) {
        store.heartbeats().store(heartbeat("u1"));
        assertThat(store.heartbeats().last("u1", "phone")).isPresent();
      }
    }
  }

  @Test
  @DisplayName("coexists with the host service's own Flyway in the same, non-empty schema")
  void coexistsWithHostFlyway() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create()) {
      Flyway host = Flyway.configure().dataSource(new SchemaDataSource(schema))
          .locations("classpath:host/migration").target("1").load();
      host.migrate();

      try (HeartbeatStore store = schema.open()) {
        store.heartbeats().store(heartbeat("u1"));
      }
      // The host keeps migrating with its own history, and validates, after ours was added beside it.
      Flyway hostLater = Flyway.configure().dataSource(new SchemaDataSource(schema))
          .locations("classpath:host/migration").load();
      hostLater.migrate();
      assertThat(hostLater.validateWithResult().validationSuccessful).isTrue();

      assertThat(tables(schema)).contains("orders", "flyway_schema_history", "heartbeats", "heartbeat_monitors", HISTORY);
      assertThat(appliedVersions(schema, "flyway_schema_history")).containsExactly("1", "2");
      assertThat(appliedVersions(schema, HISTORY)).containsExactly("0", "1", "2", "3", "4");
      // Opening again, migrate or check-only, changes nothing and keeps the data.
      try (HeartbeatStore store = HeartbeatStores.open(schema.config().migrate(false).build())) {
        assertThat(store.heartbeats().last("u1", "phone")).isPresent();
      }
      assertThat(appliedVersions(schema, HISTORY)).containsExactly("0", "1", "2", "3", "4");
    }
  }

  @Test
  @DisplayName("a start-up that migrates waits while another instance holds this schema's migration lock")
  void migrationsTakeTurns() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create(); Connection other = schema.connect();
         Statement s = other.createStatement()) {
      schema.execute("CREATE TABLE host_table (id int)");
      s.execute("SELECT pg_advisory_lock(hashtext('heartbeat-store migration ' || current_schema()))");
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<HeartbeatStore> opening = pool.submit(schema::open);
        Thread.sleep(700);
        assertThat(opening.isDone()).as("opened while another instance was migrating").isFalse();
        s.execute("SELECT pg_advisory_unlock(hashtext('heartbeat-store migration ' || current_schema()))");
        try (HeartbeatStore store = opening.get(30, TimeUnit.SECONDS)) {
          store.heartbeats().store(heartbeat("u1"));
          assertThat(store.heartbeats().last("u1", "phone")).isPresent();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(appliedVersions(schema, HISTORY)).containsExactly("0", "1", "2", "3", "4");
    }
  }

  @Test
  @DisplayName("survives four stores starting at the same time on an empty and on a non-empty schema (three times each)")
  void concurrentStartUps() throws Exception {
    for (boolean hostTable : new boolean[] {false, true, false, true, false, true}) {
      try (IsolatedSchema schema = IsolatedSchema.create()) {
        if (hostTable) {
          schema.execute("CREATE TABLE host_table (id int)");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HeartbeatStore>> opened = new ArrayList<>();
        Callable<HeartbeatStore> open = () -> {
          go.await();
          return schema.open();
        };
        for (int i = 0; i < 4; i++) {
          opened.add(pool.submit(open));
        }
        go.countDown();
        List<HeartbeatStore> stores = new ArrayList<>();
        try {
          for (Future<HeartbeatStore> f : opened) {
            stores.add(f.get(60, TimeUnit.SECONDS));
          }
          stores.get(0).heartbeats().store(heartbeat("u1"));
          assertThat(stores.get(3).heartbeats().last("u1", "phone")).isPresent();
        } finally {
          stores.forEach(HeartbeatStore::close);
          pool.shutdownNow();
        }
        assertThat(appliedVersions(schema, HISTORY)).as("hostTable=" + hostTable)
            .containsExactlyElementsOf(hostTable ? List.of("0", "1", "2", "3", "4") : List.of("1", "2", "3", "4"));
      }
    }
  }

  @Test
  @DisplayName("refuses a schema a newer library migrated (a version beyond the newest it ships), migrating or checking, naming both versions")
  void refusesNewerSchema() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create()) {
      schema.open().close();
      List<String> applied = appliedVersions(schema, HISTORY);
      String shipped = applied.get(applied.size() - 1); // what this library ships, whatever that is today
      schema.execute("INSERT INTO " + HISTORY + " (installed_rank, version, description, type, script, checksum,"
          + " installed_by, execution_time, success) SELECT max(installed_rank) + 1, '99', 'from a newer library',"
          + " 'SQL', 'V99__from_a_newer_library.sql', 0, 'test', 0, true FROM " + HISTORY);

      for (boolean migrate : new boolean[] {true, false}) {
        assertThatThrownBy(() -> HeartbeatStores.open(schema.config().migrate(migrate).build()))
            .as("migrate=" + migrate)
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("schema version 99 is newer than this library (" + shipped + ") knows; "
                + "downgrading the library under a newer schema is not supported")
            .hasMessageContaining(HISTORY)
            .hasMessageContaining(schema.name());
      }
      assertThat(appliedVersions(schema, HISTORY)).last().isEqualTo("99");
    }
  }

  @Test
  @DisplayName("refuses, with a ConfigurationException naming table and schema, a heartbeats table of someone else's")
  void refusesForeignTable() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create()) {
      schema.execute("CREATE TABLE heartbeats (id integer PRIMARY KEY, payload jsonb NOT NULL)");

      for (boolean migrate : new boolean[] {true, false}) {
        assertThatThrownBy(() -> HeartbeatStores.open(schema.config().migrate(migrate).build()))
            .as("migrate=" + migrate)
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("the table heartbeats in schema \"" + schema.name() + "\"")
            .hasMessageContaining("its column id is integer, not uuid")
            .hasMessageContaining("it has no column owner")
            .hasMessageContaining("its column payload must not be null");
      }
      assertThat(tables(schema)).containsExactly("heartbeats");
    }
  }

  @Test
  @DisplayName("refuses a view named heartbeat_monitors")
  void refusesView() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create()) {
      schema.execute("CREATE VIEW heartbeat_monitors AS SELECT 1 AS id");

      assertThatThrownBy(schema::open)
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("the table heartbeat_monitors in schema \"" + schema.name() + "\"")
          .hasMessageContaining("is not a table");
    }
  }

  @Test
  @DisplayName("adopts the host's upstream tables: same columns, varchar(255) for text, an extra nullable column")
  void adoptsCompatibleTables() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create()) {
      schema.execute("CREATE TABLE heartbeats (id uuid PRIMARY KEY, owner varchar(255) NOT NULL,"
          + " version text NOT NULL, charging boolean NOT NULL, user_id text NOT NULL,"
          + " \"timestamp\" timestamptz NOT NULL, note text, added timestamptz NOT NULL DEFAULT now())");

      try (HeartbeatStore store = schema.open()) {
        store.heartbeats().store(heartbeat("u1"));
        assertThat(store.heartbeats().last("u1", "phone")).isPresent();
      }
    }
  }

  static Heartbeat heartbeat(String userId) {
    return new Heartbeat(UUID.randomUUID(), "phone", "1.0", false, userId, Instant.parse("2026-01-01T00:00:00Z"));
  }

  static List<String> tables(IsolatedSchema schema) throws SQLException {
    return strings(schema, "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
        + schema.name() + "' ORDER BY table_name");
  }

  static List<String> appliedVersions(IsolatedSchema schema, String historyTable) throws SQLException {
    return strings(schema, "SELECT version FROM " + schema.name() + "." + historyTable
        + " WHERE success ORDER BY installed_rank");
  }

  private static List<String> strings(IsolatedSchema schema, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = schema.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
