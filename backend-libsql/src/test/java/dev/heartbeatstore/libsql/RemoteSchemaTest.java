package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.libsql.internal.LibsqlTableAccess;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The schema rules the file tests prove, over HTTP: remote and file share one migration code. */
@DisplayName("The libSQL schema over HTTP (a dedicated sqld per test)")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteSchemaTest {

  @TempDir
  Path dir;

  /** A sqld data directory whose database is {@code file}, as sqld 0.24 lays it out. */
  private Path servedBySqld(Path file) throws Exception {
    Path dbPath = dir.resolve("served.sqld");
    Path data = dbPath.resolve("dbs").resolve("default");
    Files.createDirectories(data);
    Files.copy(file, data.resolve("data"));
    return dbPath;
  }

  private Path newFile() {
    return dir.resolve("prepared.db");
  }

  private static Connection raw(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  @Test
  @DisplayName("a schema newer than this library knows is refused at start, with migrate=true and with migrate=false")
  void newerSchema() throws Exception {
    Path file = newFile();
    Fixtures.open("file:" + file).close();
    int latest = latestSchemaVersion();
    try (Connection c = raw(file)) {
      c.createStatement().executeUpdate("INSERT INTO heartbeat_store_schema_history VALUES (" + (latest + 1)
          + ", 'from a later release', 1, 0)");
    }
    try (Sqld sqld = TestSqld.startDedicated(Sqld.builder().dbPath(servedBySqld(file)))) {
      for (boolean migrate : new boolean[] {true, false}) {
        assertThatThrownBy(() -> Fixtures.open(sqld.url(), b -> b.migrate(migrate)))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("schema version " + (latest + 1) + " is newer than this library knows (" + latest
                + "): downgrading the library under a newer schema is not supported");
      }
    }
  }

  @Test
  @DisplayName("a heartbeats table that is not heartbeat-store's is refused at start with a ConfigurationException, and nothing is added")
  void foreignHeartbeatsTable() throws Exception {
    Path file = newFile();
    try (Connection c = raw(file)) {
      c.createStatement().executeUpdate("CREATE TABLE heartbeats (beat_id INTEGER PRIMARY KEY, pulse TEXT)");
    }
    Path dbPath = servedBySqld(file);
    try (Sqld sqld = TestSqld.startDedicated(Sqld.builder().dbPath(dbPath))) {
      assertThatThrownBy(() -> Fixtures.open(sqld.url()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("the table heartbeats exists")
          .hasMessageContaining("not created by heartbeat-store");
    }
    try (Connection c = raw(dbPath.resolve("dbs").resolve("default").resolve("data"));
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT group_concat(name) FROM sqlite_master WHERE name NOT LIKE 'libsql%' AND name NOT LIKE 'sqlite%'")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("heartbeats");
    }
  }

  @Test
  @DisplayName("8 stores opened at once on an empty server all open, and the schema is applied once")
  void eightFirstOpens() throws Exception {
    try (Sqld sqld = TestSqld.startDedicated()) {
      int stores = 8;
      ExecutorService pool = Executors.newFixedThreadPool(stores);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<HeartbeatStore>> opening = new ArrayList<>();
      for (int i = 0; i < stores; i++) {
        opening.add(pool.submit(() -> {
          start.await();
          return Fixtures.open(sqld.url());
        }));
      }
      start.countDown();
      List<Throwable> failures = new ArrayList<>();
      String user = newUser();
      for (Future<HeartbeatStore> f : opening) {
        try (HeartbeatStore store = f.get()) {
          store.heartbeats().store(heartbeat(user, "o", T0));
        } catch (ExecutionException e) {
          failures.add(e.getCause());
        }
      }
      pool.shutdown();
      assertThat(failures).isEmpty();
      try (LibsqlTableAccess access = LibsqlTableAccess.open(
          Fixtures.config(sqld.url()).migrate(false).build(), Clock.systemUTC())) {
        assertThat(access.schemaVersion()).isEqualTo(Integer.toString(latestSchemaVersion()));
      }
    }
  }

  private static int latestSchemaVersion() {
    try (LibsqlTableAccess access = LibsqlTableAccess.open(Fixtures.config("file::memory:").build(),
        Clock.systemUTC())) {
      return Integer.parseInt(access.expectedSchemaVersion());
    }
  }
}
