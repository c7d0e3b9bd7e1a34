package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Bulk load: secondary indexes dropped, recorded in the database, built again")
class BulkLoadTest {

  /** Dropped by a bulk load; the scan index heartbeats_timestamp_id_idx is kept. */
  private static final List<String> INDEXES = List.of("heartbeats_user_owner_timestamp_idx");

  @TempDir
  Path dir;

  @Test
  @DisplayName("on a file: pending until finished, twice begun is once, the store refused meanwhile, the indexes "
      + "identical afterwards")
  void beginAndFinish() throws Exception {
    Path file = dir.resolve("bulk.db");
    HeartbeatStoreConfig config = Fixtures.config("file:" + file).build();
    List<String> before;
    try (TableAccess access = Backends.openTableAccess(config, "turso")) {
      before = indexSql(file);
      assertThat(access.supportsBulkLoad()).isTrue();
      assertThat(access.pendingIndexes()).isEmpty();

      assertThat(access.beginBulkLoad()).containsExactlyElementsOf(INDEXES);
      assertThat(access.beginBulkLoad()).as("resumed: the record is kept").containsExactlyElementsOf(INDEXES);
      assertThat(indexSql(file)).hasSize(1).allMatch(sql -> sql.contains("heartbeats_timestamp_id_idx"));
      assertThat(access.pendingIndexes()).containsExactlyElementsOf(INDEXES);
      List<Heartbeat> rows = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        rows.add(new Heartbeat(UUID.randomUUID(), "+15550000001", "v1", true, "u" + (i % 7), T0.plusSeconds(i)));
      }
      assertThat(access.insertHeartbeatsIfAbsent(rows)).isEqualTo(1_000);

      assertThatThrownBy(() -> HeartbeatStores.open(config).close())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("secondary indexes " + INDEXES)
          .hasMessageContaining("run `heartbeat backfill` to finish");

      access.finishBulkLoad();
      access.finishBulkLoad();
      assertThat(access.pendingIndexes()).isEmpty();
    }
    assertThat(indexSql(file)).as("the same definitions as the schema's").isEqualTo(before);
    try (HeartbeatStore store = HeartbeatStores.open(config)) {
      assertThat(store.heartbeats().last("u1", "+15550000001")).isPresent();
    }
  }

  @Test
  @DisplayName("on a file: the hedging secondary opens despite pending indexes, the hedging primary does not")
  void roles() {
    Path file = dir.resolve("roles.db");
    HeartbeatStoreConfig plain = Fixtures.config("file:" + file).build();
    try (TableAccess access = Backends.openTableAccess(plain, "turso")) {
      access.beginBulkLoad();
    }
    // Never contacted: the libSQL store is opened alone, in the role hedging would give it.
    plain = plain.toBuilder().databaseUrl("jdbc:postgresql://127.0.0.1:5432/test").build();
    HeartbeatStoreConfig secondary = plain.toBuilder().backend("hedging").hedgingPrimary("postgres").build();
    HeartbeatStoreConfig primary = plain.toBuilder().backend("hedging").hedgingPrimary("turso").build();
    dev.heartbeatstore.libsql.internal.LibsqlStore.open(secondary, java.time.Clock.systemUTC(), false).close();
    assertThatThrownBy(() -> dev.heartbeatstore.libsql.internal.LibsqlStore.open(primary, java.time.Clock.systemUTC(),
        true)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the hedging primary (HEARTBEAT_HEDGING_PRIMARY=turso)");
  }

  private static List<String> indexSql(Path file) throws Exception {
    List<String> sql = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         ResultSet rs = c.createStatement().executeQuery("SELECT sql FROM sqlite_master WHERE type = 'index'"
             + " AND tbl_name = 'heartbeats' AND sql IS NOT NULL ORDER BY name")) {
      while (rs.next()) {
        sql.add(rs.getString(1).replaceAll("\\s+", " ").strip());
      }
    }
    return sql;
  }
}
