package dev.heartbeatstore.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk mode: the target's secondary indexes dropped for the copy and built after it, recorded in the
 * checkpoint and in the target itself, so that whatever interrupts the copy, the next run ends with every
 * index, and meanwhile the target refuses every use but the hedging secondary's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Backfill --bulk: indexes built after the copy, whatever interrupts it")
class BulkBackfillTest {

  private static final int HEARTBEATS = 20_000;
  private static final int MONITORS = 200;
  /** The indexes schema versions 1 and 2 create on heartbeats, besides its primary key. */
  private static final List<String> HEARTBEAT_INDEXES =
      List.of("heartbeats_timestamp_id_idx", "heartbeats_user_owner_timestamp_idx");
  /** Those a bulk load drops (the scan index is kept: the copy appends to it in its order). */
  private static final List<String> DROPPED = List.of("heartbeats_user_owner_timestamp_idx");

  private IsolatedSchema postgres;

  @TempDir
  Path dir;

  @BeforeAll
  void seed() {
    postgres = IsolatedSchema.create();
    MigrationFixture.seed(postgres.config().build(), HEARTBEATS, MONITORS, 41);
  }

  @AfterAll
  void drop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private HeartbeatStoreConfig.Builder config(Sqld target) {
    return HeartbeatStoreConfig.builder().backend("hedging").databaseUrl(postgres.url()).tursoDatabaseUrl(target.url());
  }

  @Test
  @DisplayName("into an empty sqld: every row, then every index, and nothing pending")
  void bulkIntoEmptyTarget() {
    try (Sqld target = TestSqld.startDedicated()) {
      HeartbeatStoreConfig config = config(target).build();
      Backfill.Result result = Backfill.builder(config).bulk(true).batchSize(2_000).checkpoint(dir.resolve("a.cp"))
          .build().run();

      assertThat(result.bulk()).isTrue();
      assertThat(result.heartbeatsInserted()).isEqualTo(sourceCount(config));
      assertThat(result.monitorsInserted()).isEqualTo(MONITORS);
      assertThat(indexes(target)).containsAll(HEARTBEAT_INDEXES);
      assertThat(pending(config)).isEmpty();
      assertThat(dir.resolve("a.cp")).doesNotExist();
      assertThat(Verifier.builder(config).settle(Duration.ZERO).build().run().identical()).isTrue();
      try (HeartbeatStore plain = HeartbeatStores.open(tursoOnly(config))) {
        assertThat(plain.heartbeats().last(MigrationFixture.user(0), MigrationFixture.owner(0))).isPresent();
      }
    }
  }

  @Test
  @DisplayName("interrupted: the target says so and refuses to be a store or the hedging primary, serves as the "
      + "secondary; resumed: every index")
  void interruptedThenResumed() throws Exception {
    Path checkpoint = dir.resolve("b.cp");
    try (Sqld target = TestSqld.startDedicated()) {
      HeartbeatStoreConfig config = config(target).build();
      assertThatThrownBy(() -> Backfill.builder(config).bulk(true).batchSize(2_000).checkpoint(checkpoint)
          .progress(p -> {
            if (p.table().equals("heartbeats") && p.copied() >= 6_000) {
              throw new IllegalStateException("interrupted on purpose");
            }
          }).build().run()).hasMessage("interrupted on purpose");

      assertThat(indexes(target)).doesNotContainAnyElementsOf(DROPPED).contains("heartbeats_timestamp_id_idx");
      assertThat(pending(config)).containsExactlyInAnyOrderElementsOf(DROPPED);

      Throwable plain = catchThrowable(() -> HeartbeatStores.open(tursoOnly(config)).close());
      assertThat(plain).isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("secondary indexes")
          .hasMessageContaining("bulk backfill in progress or interrupted")
          .hasMessageContaining("run `heartbeat backfill` to finish")
          .hasMessageContaining("HEARTBEAT_DB_BACKEND=turso");
      Throwable flipped = catchThrowable(() -> HeartbeatStores.open(config.toBuilder().hedgingPrimary("turso").build())
          .close());
      assertThat(flipped).isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("the hedging primary (HEARTBEAT_HEDGING_PRIMARY=turso)")
          .hasMessageContaining("run `heartbeat backfill` to finish");

      // The hedging secondary keeps working: the service writes, the journal drains into the target.
      List<UUID> written = new ArrayList<>();
      try (HeartbeatStore service = HeartbeatStores.open(config)) {
        for (int i = 0; i < 50; i++) {
          Heartbeat h = new Heartbeat(UUID.randomUUID(), "+15550000001", "v1", true, "during-bulk",
              Instant.now().truncatedTo(ChronoUnit.MICROS));
          service.heartbeats().store(h);
          written.add(h.id());
        }
        Journals.awaitDrained(config, Duration.ofSeconds(120));
      }

      Backfill.Result resumed = Backfill.builder(config).batchSize(2_000).checkpoint(checkpoint).build().run();
      assertThat(resumed.resumed()).isTrue();
      assertThat(resumed.bulk()).as("bulk mode is recorded in the checkpoint").isTrue();
      assertThat(indexes(target)).containsAll(HEARTBEAT_INDEXES);
      assertThat(pending(config)).isEmpty();
      assertThat(count(config)).isEqualTo(sourceCount(config)).isGreaterThanOrEqualTo(HEARTBEATS + written.size());
      assertThat(Verifier.builder(config).settle(Duration.ZERO).build().run().identical()).isTrue();
      HeartbeatStores.open(config.toBuilder().hedgingPrimary("turso").build()).close();
    }
  }

  @Test
  @DisplayName("sqld killed mid-copy: the run gives up; a run without its checkpoint still finds the indexes "
      + "pending in the target and builds them")
  void targetKilledThenCheckpointLost() {
    try (Sqld target = TestSqld.startDedicated()) {
      HeartbeatStoreConfig config = config(target).timeout(Duration.ofMillis(500)).build();
      Throwable failure = catchThrowable(() -> Backfill.builder(config).bulk(true).batchSize(2_000)
          .checkpoint(dir.resolve("c.cp")).giveUpAfter(Duration.ofSeconds(1)).progress(p -> {
            if (p.table().equals("heartbeats") && p.copied() >= 4_000) {
              target.kill();
            }
          }).build().run());
      assertThat(failure).isInstanceOf(StoreUnavailableException.class);
      target.restart();
      assertThat(pending(config)).containsExactlyInAnyOrderElementsOf(DROPPED);

      // No checkpoint, no --bulk: the record in the target itself is enough.
      Backfill.Result again = Backfill.builder(config).batchSize(2_000).build().run();
      assertThat(again.bulk()).isTrue();
      assertThat(indexes(target)).containsAll(HEARTBEAT_INDEXES);
      assertThat(pending(config)).isEmpty();
      assertThat(count(config)).as("every row of the source (other tests add live rows to it)")
          .isEqualTo(sourceCount(config));
    }
  }

  @Test
  @DisplayName("an interrupted bulk run's checkpoint resumed against another target is refused, and drops nothing there")
  void checkpointOfAnotherTarget() {
    Path checkpoint = dir.resolve("d.cp");
    try (Sqld first = TestSqld.startDedicated(); Sqld second = TestSqld.startDedicated()) {
      assertThatThrownBy(() -> Backfill.builder(config(first).build()).bulk(true).batchSize(2_000)
          .checkpoint(checkpoint).progress(p -> {
            throw new IllegalStateException("interrupted on purpose");
          }).build().run()).hasMessage("interrupted on purpose");

      HeartbeatStoreConfig other = config(second).build();
      assertThatThrownBy(() -> Backfill.builder(other).bulk(true).checkpoint(checkpoint).build().run())
          .isInstanceOf(CheckpointMismatchException.class);
      assertThat(indexes(second)).containsAll(HEARTBEAT_INDEXES);
      assertThat(pending(other)).isEmpty();
    }
  }

  @Test
  @DisplayName("into PostgreSQL (the way back) bulk mode is a no-op: every row, the indexes untouched")
  void bulkIntoPostgresIsANoOp() {
    try (Sqld source = TestSqld.startDedicated(); IsolatedSchema back = IsolatedSchema.create()) {
      HeartbeatStoreConfig there = config(source).build();
      Backfill.builder(there).batchSize(5_000).build().run();
      HeartbeatStoreConfig config = there.toBuilder().databaseUrl(back.url()).hedgingPrimary("turso").build();

      Backfill.Result result = Backfill.builder(config).bulk(true).build().run();

      assertThat(result.bulk()).isFalse();
      assertThat(result.heartbeatsInserted()).isEqualTo(count(there));
      try (TableAccess pg = Backends.openTableAccess(config, "postgres")) {
        assertThat(pg.supportsBulkLoad()).isFalse();
        assertThat(pg.pendingIndexes()).isEmpty();
      }
    }
  }

  private static HeartbeatStoreConfig tursoOnly(HeartbeatStoreConfig config) {
    return config.toBuilder().backend("turso").build();
  }

  private static List<String> pending(HeartbeatStoreConfig config) {
    try (TableAccess turso = Backends.openTableAccess(config, "turso")) {
      return turso.pendingIndexes();
    }
  }

  private static long sourceCount(HeartbeatStoreConfig config) {
    try (TableAccess pg = Backends.openTableAccess(config, "postgres")) {
      return pg.countHeartbeats();
    }
  }

  private static long count(HeartbeatStoreConfig config) {
    try (TableAccess turso = Backends.openTableAccess(config, "turso")) {
      return turso.countHeartbeats();
    }
  }

  /** The names of the indexes on heartbeats, read straight from sqld. */
  static List<String> indexes(Sqld sqld) {
    String body = "{\"requests\":[{\"type\":\"execute\",\"stmt\":{\"sql\":\"SELECT name FROM sqlite_master WHERE"
        + " type = 'index' AND tbl_name = 'heartbeats' ORDER BY name\"}},{\"type\":\"close\"}]}";
    try {
      HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
          HttpRequest.newBuilder(URI.create(sqld.url() + "/v3/pipeline")).header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(60))
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      List<String> names = new ArrayList<>();
      Matcher m = Pattern.compile("\"value\":\"([^\"]+)\"").matcher(response.body());
      while (m.find()) {
        names.add(m.group(1));
      }
      return names;
    } catch (Exception e) {
      throw new AssertionError("cannot read the indexes of " + sqld.url(), e);
    }
  }
}
