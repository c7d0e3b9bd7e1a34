package dev.heartbeatstore.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.testsupport.servers.Sqld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL → sqld: the migration of one history, step by step, against real servers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Backfill and Verifier, PostgreSQL to libSQL")
class BackfillAndVerifyTest {

  private static final int HEARTBEATS = 100_000;
  private static final int MONITORS = 1_000;

  private IsolatedSchema postgres;
  private Sqld sqld;
  private HeartbeatStoreConfig config;

  @TempDir
  Path dir;

  @BeforeAll
  void seed() {
    postgres = IsolatedSchema.create();
    sqld = Sqld.start();
    config = HeartbeatStoreConfig.builder().backend("hedging")
        .databaseUrl(postgres.url()).tursoDatabaseUrl(sqld.url()).build();
    MigrationFixture.seed(postgres.config().build(), HEARTBEATS, MONITORS, 7);
  }

  @AfterAll
  void stop() {
    if (sqld != null) {
      sqld.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("a backfill stopped part-way resumes from its checkpoint and ends with no duplicate and no gap")
  void resumesAfterAStop() {
    Path checkpoint = dir.resolve("backfill.checkpoint");
    assertThatThrownBy(() -> Backfill.builder(config).checkpoint(checkpoint).batchSize(2000)
        .progress(p -> {
          if (p.table().equals("heartbeats") && p.copied() >= 40_000) {
            throw new IllegalStateException("stopped on purpose");
          }
        }).build().run()).hasMessage("stopped on purpose");
    assertThat(checkpoint).exists();
    try (TableAccess turso = access("turso")) {
      assertThat(turso.countMonitors()).isEqualTo(MONITORS);
      assertThat(turso.countHeartbeats()).isBetween(40_000L, 42_000L);
    }

    Backfill.Result result = Backfill.builder(config).checkpoint(checkpoint).build().run();

    assertThat(result.resumed()).isTrue();
    assertThat(result.heartbeatsCopied()).isBetween((long) HEARTBEATS - 42_000, (long) HEARTBEATS - 40_000);
    assertThat(checkpoint).doesNotExist();
    try (TableAccess turso = access("turso")) {
      assertThat(turso.countHeartbeats()).isEqualTo(HEARTBEATS);
      assertThat(turso.countMonitors()).isEqualTo(MONITORS);
    }
    Verifier.Report report = Verifier.builder(config).build().run();
    assertThat(report.identical()).as("%s", report).isTrue();
    assertThat(report.heartbeats().primaryRows()).isEqualTo(HEARTBEATS);
    assertThat(report.heartbeats().secondaryRows()).isEqualTo(HEARTBEATS);
    assertThat(report.groupsCompared()).isEqualTo(MONITORS);
    System.out.printf("backfill of %d heartbeats resumed and finished at %.0f rows/s%n",
        result.heartbeatsCopied(), result.rowsPerSecond());
  }

  @Test
  @Order(2)
  @DisplayName("a second backfill over a complete copy inserts nothing")
  void idempotent() {
    Backfill.Result again = Backfill.builder(config).build().run();
    assertThat(again.heartbeatsCopied()).isEqualTo(HEARTBEATS);
    assertThat(again.heartbeatsInserted()).isZero();
    assertThat(again.monitorsInserted()).isZero();
  }

  @Test
  @Order(3)
  @DisplayName("verify finds rows deleted, changed and added on the secondary; --repair fixes all it safely can")
  void findsAndRepairs() {
    Heartbeat deleted;
    Heartbeat changed;
    Heartbeat moved;
    HeartbeatMonitor staleMonitor;
    HeartbeatMonitor tiedMonitor;
    UUID extraId = UUID.randomUUID();
    try (TableAccess pg = access("postgres"); TableAccess turso = access("turso")) {
      List<Heartbeat> some = pg.heartbeatsAfter(null, 3);
      deleted = some.get(0);
      changed = some.get(1);
      moved = some.get(2);
      List<HeartbeatMonitor> monitors = pg.monitorsAfter(null, 2);
      staleMonitor = monitors.get(0);
      tiedMonitor = monitors.get(1);
      turso.deleteHeartbeats(List.of(deleted.id()));
      turso.upsertHeartbeats(List.of(
          new Heartbeat(changed.id(), changed.owner(), "tampered", changed.charging(), changed.userId(),
              changed.timestamp()),
          // Same id, another timestamp: it sits elsewhere in the scan order, and is still one changed row.
          new Heartbeat(moved.id(), moved.owner(), moved.version(), moved.charging(), moved.userId(),
              moved.timestamp().plusSeconds(86_400)),
          new Heartbeat(extraId, "+15559999999", "x", false, "user-extra", Instant.parse("2025-06-02T00:00:00Z"))));
      turso.upsertMonitors(List.of(
          // An update the secondary missed: older updatedAt, older contents.
          new HeartbeatMonitor(staleMonitor.id(), staleMonitor.phoneId(), staleMonitor.userId(), "stale",
              staleMonitor.owner(), !staleMonitor.phoneOnline(), staleMonitor.createdAt(),
              staleMonitor.updatedAt().minusSeconds(3600)),
          // Same updatedAt, other contents: neither copy is newer.
          new HeartbeatMonitor(tiedMonitor.id(), tiedMonitor.phoneId(), tiedMonitor.userId(), "tampered",
              tiedMonitor.owner(), tiedMonitor.phoneOnline(), tiedMonitor.createdAt(), tiedMonitor.updatedAt())));
    }

    Verifier.Report report = Verifier.builder(config).build().run();
    assertThat(report.identical()).isFalse();
    assertThat(report.heartbeats().missing()).containsExactly(deleted.id());
    assertThat(report.heartbeats().different()).containsExactlyInAnyOrder(changed.id(), moved.id());
    assertThat(report.heartbeats().extra()).containsExactly(extraId);
    assertThat(report.monitors().different()).containsExactlyInAnyOrder(staleMonitor.id(), tiedMonitor.id());
    assertThat(report.differingGroups()).extracting(Verifier.GroupDifference::userId)
        .contains(deleted.userId(), changed.userId(), "user-extra");

    Verifier.Report repaired = Verifier.builder(config).repair(true).build().run();
    assertThat(repaired.repaired()).isTrue();
    assertThat(repaired.repairs().heartbeatsCopied()).isEqualTo(3);
    assertThat(repaired.repairs().heartbeatsDeleted()).isEqualTo(1);
    assertThat(repaired.repairs().monitorsCopied()).isEqualTo(1);
    assertThat(repaired.repairs().notRepaired()).singleElement().asString()
        .contains("monitor " + tiedMonitor.id(), "neither is newer");

    Verifier.Report after = Verifier.builder(config).build().run();
    assertThat(after.heartbeats().identical()).as("%s", after).isTrue();
    assertThat(after.monitors().different()).containsExactly(tiedMonitor.id());
    try (TableAccess turso = access("turso")) {
      assertThat(Rows.monitor(turso, tiedMonitor.id()).queueId()).isEqualTo("tampered");
      turso.upsertMonitors(List.of(tiedMonitor));
    }
    assertThat(Verifier.builder(config).build().run().identical()).isTrue();
  }

  @Test
  @Order(4)
  @DisplayName("a checkpoint of another direction, or one that names no databases, is refused with a clear message")
  void refusesForeignCheckpoint() throws Exception {
    Path checkpoint = dir.resolve("other.checkpoint");
    Files.writeString(checkpoint, "from=turso\nto=postgres\nmonitorsDone=true\n");
    assertThatThrownBy(() -> Backfill.builder(config).checkpoint(checkpoint).build().run())
        .isInstanceOf(CheckpointMismatchException.class)
        .hasMessageContaining("from turso [databases not recorded] to postgres")
        .hasMessageContaining("not from postgres [postgresql system ")
        .hasMessageContaining("--restart");
  }

  @Test
  @DisplayName("bad arguments are refused before any I/O")
  void badArguments() {
    assertThatThrownBy(() -> Backfill.builder(config).from("mysql")).hasMessageContaining("from must be postgres or turso");
    assertThatThrownBy(() -> Backfill.builder(config).batchSize(0)).hasMessageContaining("batchSize");
    assertThatThrownBy(() -> Backfill.builder(config).from("turso").to("libsql").build())
        .hasMessageContaining("different backends");
    assertThatThrownBy(() -> Verifier.builder(config).primary("turso").secondary("turso").build())
        .hasMessageContaining("different backends");
    assertThatThrownBy(() -> Verifier.builder(config).settle(Duration.ofSeconds(-1)))
        .hasMessageContaining("settle must be a duration of 0 or more");
    assertThatThrownBy(() -> Backfill.builder(config).rowsPerSecond(-5)).hasMessageContaining("rate");
  }

  private TableAccess access(String backend) {
    return Backends.openTableAccess(config, backend);
  }
}
