package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.monitor;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.CorruptRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.libsql.internal.LibsqlTableAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The file backend (sqlite-jdbc)")
class FileBackendTest {

  @TempDir
  Path dir;

  private String url() {
    return "file:" + dir.resolve("heartbeats.db");
  }

  private Connection raw() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("heartbeats.db"));
  }

  /** The latest schema version this library ships. */
  private static int latestSchemaVersion() {
    try (LibsqlTableAccess access = LibsqlTableAccess.open(Fixtures.config("file::memory:").build(),
        java.time.Clock.systemUTC())) {
      return Integer.parseInt(access.expectedSchemaVersion());
    }
  }

  @Nested
  @DisplayName("schema")
  class Schema {

    @Test
    @DisplayName("is created at start, each version recorded in heartbeat_store_schema_history; a second start changes nothing")
    void migrates() throws SQLException {
      Fixtures.open(url()).close();
      Fixtures.open(url()).close();
      try (Connection c = raw(); ResultSet rs = c.createStatement().executeQuery(
          "SELECT version, description FROM heartbeat_store_schema_history ORDER BY version")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1);
        assertThat(rs.getString(2)).isEqualTo("heartbeats and monitors");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(2);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(3);
        assertThat(rs.getString(2)).isEqualTo("hedging journal");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(4);
        assertThat(rs.next()).isFalse();
      }
    }

    @Test
    @DisplayName("a database at version 1 is upgraded to the latest at start; with migrate=false it is refused as behind")
    void upgradesAnOlderSchema() throws SQLException {
      Fixtures.open(url()).close();
      try (Connection c = raw()) {
        c.createStatement().executeUpdate("DROP INDEX heartbeats_timestamp_id_idx");
        c.createStatement().executeUpdate("DELETE FROM heartbeat_store_schema_history WHERE version = 2");
      }
      assertThatThrownBy(() -> Fixtures.open(url(), b -> b.migrate(false)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("behind")
          .hasMessageContaining("[2]");
      Fixtures.open(url()).close();
      Fixtures.open(url(), b -> b.migrate(false)).close();
    }

    @Test
    @DisplayName("has the index that serves user_id, owner, timestamp DESC, id DESC without a sort")
    void indexServesTheQuery() throws SQLException {
      Fixtures.open(url()).close();
      try (Connection c = raw(); ResultSet rs = c.createStatement().executeQuery(
          "EXPLAIN QUERY PLAN SELECT id FROM heartbeats WHERE user_id = 'u' AND owner = 'o'"
              + " ORDER BY \"timestamp\" DESC, id DESC LIMIT 20")) {
        StringBuilder plan = new StringBuilder();
        while (rs.next()) {
          plan.append(rs.getString("detail")).append('\n');
        }
        assertThat(plan.toString()).contains("heartbeats_user_owner_timestamp_idx").doesNotContain("TEMP B-TREE");
      }
    }

    @Test
    @DisplayName("with migrate=false on a file that does not exist, start fails with a ConfigurationException that says what to do, and creates nothing")
    void checkOnlyOnMissingFile() throws Exception {
      assertThatThrownBy(() -> Fixtures.open(url(), b -> b.migrate(false)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("does not exist")
          .hasMessageContaining("HEARTBEAT_DB_MIGRATE=true");
      try (java.util.stream.Stream<Path> files = Files.list(dir)) {
        assertThat(files).isEmpty();
      }
    }

    @Test
    @DisplayName("with migrate=false on an empty database, start fails with a ConfigurationException that says what to do")
    void checkOnlyOnEmptyDatabase() throws SQLException {
      try (Connection c = raw()) {
        c.createStatement().executeUpdate("CREATE TABLE scratch (a INTEGER)");
        c.createStatement().executeUpdate("DROP TABLE scratch");
      }
      assertThatThrownBy(() -> Fixtures.open(url(), b -> b.migrate(false)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("schema is missing")
          .hasMessageContaining("HEARTBEAT_DB_MIGRATE");
    }

    @Test
    @DisplayName("a heartbeats table that is not heartbeat-store's is refused at start with a ConfigurationException, and nothing is added to the database")
    void foreignHeartbeatsTable() throws SQLException {
      try (Connection c = raw()) {
        c.createStatement().executeUpdate("CREATE TABLE heartbeats (beat_id INTEGER PRIMARY KEY, pulse TEXT)");
        c.createStatement().executeUpdate("INSERT INTO heartbeats (pulse) VALUES ('theirs')");
      }
      for (boolean migrate : new boolean[] {true, false}) {
        assertThatThrownBy(() -> Fixtures.open(url(), b -> b.migrate(migrate)))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("heartbeats");
      }
      assertThatThrownBy(() -> Fixtures.open(url()))
          .hasMessageContaining("the table heartbeats exists")
          .hasMessageContaining("not created by heartbeat-store");
      try (Connection c = raw(); ResultSet rs = c.createStatement().executeQuery(
          "SELECT group_concat(name) FROM sqlite_master")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("heartbeats");
      }
    }

    @Test
    @DisplayName("a heartbeats table that is not heartbeat-store's, beside a history that lacks version 1, is refused the same way")
    void foreignHeartbeatsTableBesideHistory() throws SQLException {
      Fixtures.open(url()).close();
      try (Connection c = raw()) {
        c.createStatement().executeUpdate("DROP TABLE heartbeats");
        c.createStatement().executeUpdate("CREATE TABLE heartbeats (beat_id INTEGER PRIMARY KEY, pulse TEXT)");
        c.createStatement().executeUpdate("DELETE FROM heartbeat_store_schema_history");
      }
      assertThatThrownBy(() -> Fixtures.open(url()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("the table heartbeats exists")
          .hasMessageContaining("not created by heartbeat-store");
    }

    @Test
    @DisplayName("a schema newer than this library knows is refused at start, with migrate=true and with migrate=false")
    void newerSchema() throws SQLException {
      Fixtures.open(url()).close();
      int newer = latestSchemaVersion() + 1;
      try (Connection c = raw()) {
        c.createStatement().executeUpdate("INSERT INTO heartbeat_store_schema_history VALUES (" + newer
            + ", 'from a later release', 1, 0)");
      }
      for (boolean migrate : new boolean[] {true, false}) {
        assertThatThrownBy(() -> Fixtures.open(url(), b -> b.migrate(migrate)))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("schema version " + newer + " is newer than this library knows ("
                + latestSchemaVersion() + "): downgrading the library under a newer schema is not supported");
      }
    }

    @Test
    @DisplayName("with migrate=false on a migrated database, start succeeds")
    void checkOnlyOnMigratedDatabase() {
      Fixtures.open(url()).close();
      try (HeartbeatStore store = Fixtures.open(url(), b -> b.migrate(false))) {
        assertThat(store.backendName()).isEqualTo("turso");
      }
    }

    @Test
    @DisplayName("a file whose recorded migration differs from this library's is refused")
    void checksumMismatch() throws SQLException {
      Fixtures.open(url()).close();
      try (Connection c = raw()) {
        c.createStatement().executeUpdate("UPDATE heartbeat_store_schema_history SET checksum = 42");
      }
      assertThatThrownBy(() -> Fixtures.open(url())).isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("checksum");
    }

    @Test
    @DisplayName("a file in a directory that does not exist is a ConfigurationException naming the directory")
    void missingDirectory() {
      assertThatThrownBy(() -> Fixtures.open("file:" + dir.resolve("nope/hb.db")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("nope");
    }
  }

  @Nested
  @DisplayName("storage forms")
  class StorageForms {

    @Test
    @DisplayName("ids are canonical lowercase UUID text, booleans 0/1, instants INTEGER microseconds since the epoch")
    void forms() throws SQLException {
      String user = newUser();
      Heartbeat h = new Heartbeat(UUID.fromString("ABCDEF01-2345-6789-ABCD-EF0123456789"), "o", "v", true, user, T0);
      try (HeartbeatStore store = Fixtures.open(url())) {
        store.heartbeats().store(h);
      }
      try (Connection c = raw(); PreparedStatement ps = c.prepareStatement(
          "SELECT id, typeof(charging), charging, typeof(\"timestamp\"), \"timestamp\" FROM heartbeats WHERE user_id = ?")) {
        ps.setString(1, user);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("abcdef01-2345-6789-abcd-ef0123456789");
          assertThat(rs.getString(2)).isEqualTo("integer");
          assertThat(rs.getLong(3)).isEqualTo(1);
          assertThat(rs.getString(4)).isEqualTo("integer");
          assertThat(rs.getLong(5)).isEqualTo(1714558530123456L);
        }
      }
    }
  }

  @Nested
  @DisplayName("a row that cannot be mapped throws CorruptRecordException naming table, key and column")
  class Corrupt {

    private void insertRaw(String sql, Object... args) throws SQLException {
      try (Connection c = raw(); PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setObject(i + 1, args[i]);
        }
        ps.executeUpdate();
      }
    }

    @Test
    @DisplayName("a heartbeat whose id is not a UUID")
    void malformedId() throws SQLException {
      String user = newUser();
      try (HeartbeatStore store = Fixtures.open(url())) {
        insertRaw("INSERT INTO heartbeats VALUES ('not-a-uuid', 'o', 'v', 0, ?, 1714558530123456)", user);
        assertThatThrownBy(() -> store.heartbeats().last(user, "o"))
            .isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining("heartbeats")
            .hasMessageContaining("not-a-uuid")
            .hasMessageContaining("column id");
        assertThatThrownBy(() -> store.heartbeats().index(user, "o", IndexParams.first(10)))
            .isInstanceOf(CorruptRecordException.class);
      }
    }

    @Test
    @DisplayName("a heartbeat whose id is a non-canonical UUID form")
    void nonCanonicalId() throws SQLException {
      String user = newUser();
      try (HeartbeatStore store = Fixtures.open(url())) {
        insertRaw("INSERT INTO heartbeats VALUES ('1-2-3-4-5', 'o', 'v', 0, ?, 1)", user);
        assertThatThrownBy(() -> store.heartbeats().last(user, "o")).isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining("1-2-3-4-5");
      }
    }

    @Test
    @DisplayName("a heartbeat whose timestamp is text")
    void textTimestamp() throws SQLException {
      String user = newUser();
      String id = UUID.randomUUID().toString();
      try (HeartbeatStore store = Fixtures.open(url())) {
        insertRaw("INSERT INTO heartbeats VALUES (?, 'o', 'v', 0, ?, '2024-05-01T10:15:30Z')", id, user);
        assertThatThrownBy(() -> store.heartbeats().last(user, "o"))
            .isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining("heartbeats")
            .hasMessageContaining(id)
            .hasMessageContaining("timestamp");
      }
    }

    @Test
    @DisplayName("a heartbeat whose charging is neither 0 nor 1")
    void badBoolean() throws SQLException {
      String user = newUser();
      try (HeartbeatStore store = Fixtures.open(url())) {
        insertRaw("INSERT INTO heartbeats VALUES (?, 'o', 'v', 7, ?, 1)", UUID.randomUUID().toString(), user);
        assertThatThrownBy(() -> store.heartbeats().last(user, "o")).isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining("charging");
      }
    }

    @Test
    @DisplayName("a monitor whose phone_id is not a UUID, or whose updated_at is a real number")
    void badMonitor() throws SQLException {
      String user = newUser();
      try (HeartbeatStore store = Fixtures.open(url())) {
        insertRaw("INSERT INTO heartbeat_monitors VALUES (?, 'phone', ?, 'q', 'o1', 1, 1, 1)",
            UUID.randomUUID().toString(), user);
        insertRaw("INSERT INTO heartbeat_monitors VALUES (?, ?, ?, 'q', 'o2', 1, 1, 1.5)",
            UUID.randomUUID().toString(), UUID.randomUUID().toString(), user);
        assertThatThrownBy(() -> store.monitors().load(user, "o1")).isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining("heartbeat_monitors").hasMessageContaining("phone_id");
        assertThatThrownBy(() -> store.monitors().load(user, "o2")).isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining("updated_at");
      }
    }
  }

  @Nested
  @DisplayName("concurrency")
  class Concurrency {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    @DisplayName("16 threads storing, batching and reading at once never see SQLITE_BUSY and lose nothing")
    void sixteenWriters() throws Exception {
      String user = newUser();
      String owner = "o";
      int threads = 16;
      int perThread = 40;
      ConcurrentLinkedQueue<UUID> written = new ConcurrentLinkedQueue<>();
      try (HeartbeatStore store = Fixtures.open(url())) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          futures.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < perThread; i++) {
              if (i % 10 == 9) {
                List<Heartbeat> batch = new ArrayList<>();
                for (int j = 0; j < 5; j++) {
                  batch.add(heartbeat(user, owner, T0.plusSeconds(thread * 1000L + i * 10L + j)));
                }
                store.heartbeats().storeAll(batch);
                batch.forEach(h -> written.add(h.id()));
              } else {
                Heartbeat h = heartbeat(user, owner, T0.plusSeconds(thread * 1000L + i * 10L));
                store.heartbeats().store(h);
                written.add(h.id());
              }
              store.heartbeats().last(user, owner);
              HeartbeatMonitor m = monitor(user, owner + thread + "-" + i);
              store.monitors().store(m);
              store.monitors().updatePhoneOnline(user, m.id(), false);
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : futures) {
          f.get();
        }
        pool.shutdown();
        Set<UUID> stored = new TreeSet<>();
        store.heartbeats().index(user, owner, IndexParams.first(1000)).forEach(h -> stored.add(h.id()));
        assertThat(stored).hasSize(written.size()).containsAll(written);
      }
    }

    @RepeatedTest(50)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    @DisplayName("8 stores opened at once on a new file all open, and the schema is applied once")
    void eightFirstOpens() throws Exception {
      int stores = 8;
      ExecutorService pool = Executors.newFixedThreadPool(stores);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<HeartbeatStore>> opened = new ArrayList<>();
      for (int i = 0; i < stores; i++) {
        opened.add(pool.submit(() -> {
          start.await();
          return Fixtures.open(url());
        }));
      }
      start.countDown();
      List<Throwable> failures = new ArrayList<>();
      List<HeartbeatStore> open = new ArrayList<>();
      for (Future<HeartbeatStore> f : opened) {
        try {
          open.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          failures.add(e.getCause());
        }
      }
      pool.shutdown();
      String user = newUser();
      for (HeartbeatStore store : open) {
        store.heartbeats().store(heartbeat(user, "o", T0));
        store.close();
      }
      assertThat(failures).isEmpty();
      assertThat(open).hasSize(stores);
      try (Connection c = raw(); ResultSet rs = c.createStatement().executeQuery(
          "SELECT count(*), count(DISTINCT version), max(version) FROM heartbeat_store_schema_history")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(latestSchemaVersion());
        assertThat(rs.getInt(2)).isEqualTo(latestSchemaVersion());
        assertThat(rs.getInt(3)).isEqualTo(latestSchemaVersion());
      }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    @DisplayName("a start that has a migration to apply waits for another process's write lock, and opens once it is released")
    void startWaitsForTheWriteLock() throws Exception {
      Fixtures.open(url()).close();
      try (Connection c = raw()) {
        c.createStatement().executeUpdate("DROP INDEX heartbeats_timestamp_id_idx");
        c.createStatement().executeUpdate("DELETE FROM heartbeat_store_schema_history WHERE version = 2");
      }
      CompletableFuture<HeartbeatStore> opening;
      try (ForeignWriteLock lock = ForeignWriteLock.hold(dir.resolve("heartbeats.db"))) {
        opening = CompletableFuture.supplyAsync(() -> Fixtures.open(url()));
        Thread.sleep(300);
        assertThat(opening).isNotDone();
      }
      try (HeartbeatStore store = opening.get(30, TimeUnit.SECONDS)) {
        store.heartbeats().store(heartbeat(newUser(), "o", T0));
      }
      Fixtures.open(url(), b -> b.migrate(false)).close();
    }

    @Test
    @DisplayName("two stores over the same file (two processes' worth of connections) both write without errors")
    void twoStoresOneFile() {
      String user = newUser();
      try (HeartbeatStore a = Fixtures.open(url()); HeartbeatStore b = Fixtures.open(url())) {
        for (int i = 0; i < 50; i++) {
          a.heartbeats().store(heartbeat(user, "o", T0.plusSeconds(i)));
          b.heartbeats().store(heartbeat(user, "o", T0.plusSeconds(100 + i)));
        }
        assertThat(a.heartbeats().index(user, "o", IndexParams.first(1000))).hasSize(100);
      }
    }
  }

  @Nested
  @DisplayName("file::memory:")
  class InMemory {

    @Test
    @DisplayName("is a private in-memory database per store, that creates no file and is gone when the store closes")
    void privateInMemoryDatabase() {
      String user = newUser();
      Heartbeat h = heartbeat(user, "o", T0);
      Path cwdNamedMemory = Path.of(":memory:").toAbsolutePath();
      try (HeartbeatStore a = Fixtures.open("file::memory:"); HeartbeatStore b = Fixtures.open("file::memory:")) {
        a.heartbeats().store(h);
        a.heartbeats().storeAll(List.of(heartbeat(user, "o", T0.minusSeconds(1))));
        assertThat(a.heartbeats().last(user, "o")).contains(h);
        assertThat(a.heartbeats().index(user, "o", IndexParams.first(10))).hasSize(2);
        assertThat(b.heartbeats().last(user, "o")).isEmpty();
      }
      try (HeartbeatStore again = Fixtures.open("file::memory:")) {
        assertThat(again.heartbeats().last(user, "o")).isEmpty();
      }
      assertThat(cwdNamedMemory).doesNotExist();
    }

    @Test
    @DisplayName("with migrate=false has no schema, and says so")
    void checkOnly() {
      assertThatThrownBy(() -> Fixtures.open("file::memory:", b -> b.migrate(false)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("schema is missing");
    }
  }

  @Test
  @DisplayName("the file stays a plain SQLite file in WAL mode")
  void plainSqliteFile() throws Exception {
    try (HeartbeatStore store = Fixtures.open(url())) {
      store.heartbeats().store(heartbeat(newUser(), "o", T0));
    }
    byte[] header = Files.readAllBytes(dir.resolve("heartbeats.db"));
    assertThat(new String(header, 0, 15, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("SQLite format 3");
    try (Connection c = raw(); ResultSet rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("wal");
    }
  }
}
