package dev.heartbeatstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Which rows verify compares: settled ones (--settle), in the window (--since). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("verify compares settled rows, within --since")
class VerifyWindowTest {

  private IsolatedSchema postgres;
  private Sqld sqld;
  private HeartbeatStoreConfig config;
  private final List<Runnable> cleanups = new java.util.ArrayList<>();

  @BeforeAll
  void seed() {
    postgres = IsolatedSchema.create();
    sqld = TestSqld.startDedicated();
    config = HeartbeatStoreConfig.builder().backend("hedging").databaseUrl(postgres.url())
        .tursoDatabaseUrl(sqld.url()).build();
    MigrationFixture.seed(postgres.config().build(), 2_000, 50, 17);
    Backfill.builder(config).build().run();
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

  @AfterEach
  void undo() {
    cleanups.forEach(Runnable::run);
    cleanups.clear();
    assertThat(verify(b -> b.settle(Duration.ZERO)).identical()).as("each test leaves both sides equal").isTrue();
  }

  @Test
  @DisplayName("rows changed within --settle are not compared; with --settle 0 they are")
  void recentRowsAreNotSettled() {
    Instant recent = Instant.now().minusSeconds(10).truncatedTo(ChronoUnit.MICROS);
    Heartbeat onlyOnPrimary = heartbeat(recent);
    HeartbeatMonitor monitorOnlyOnPrimary = monitor(recent);
    onPrimaryOnly(onlyOnPrimary, monitorOnlyOnPrimary);

    Verifier.Report settled = verify(b -> b.settle(Duration.ofMinutes(1)));
    assertThat(settled.identical()).as("%s", settled).isTrue();
    assertThat(settled.heartbeats().primaryRows()).isEqualTo(2_000);
    assertThat(settled.monitors().primaryRows()).isEqualTo(50);

    Verifier.Report everything = verify(b -> b.settle(Duration.ZERO));
    assertThat(everything.identical()).isFalse();
    assertThat(everything.heartbeats().missing()).containsExactly(onlyOnPrimary.id());
    assertThat(everything.monitors().missing()).containsExactly(monitorOnlyOnPrimary.id());
    assertThat(everything.heartbeatCandidates().candidates()).isEqualTo(1);
  }

  @Test
  @DisplayName("--repair never deletes a row changed within the settle window from the secondary")
  void repairLeavesRecentRowsAlone() {
    Instant recent = Instant.now().minusSeconds(10).truncatedTo(ChronoUnit.MICROS);
    Heartbeat onlyOnSecondary = heartbeat(recent);
    HeartbeatMonitor monitorOnlyOnSecondary = monitor(recent);
    try (TableAccess turso = access("turso")) {
      turso.insertHeartbeatsIfAbsent(List.of(onlyOnSecondary));
      turso.insertMonitorsIfAbsent(List.of(monitorOnlyOnSecondary));
    }
    cleanups.add(() -> {
      try (TableAccess turso = access("turso")) {
        turso.deleteHeartbeats(List.of(onlyOnSecondary.id()));
        turso.deleteMonitors(List.of(monitorOnlyOnSecondary.id()));
      }
    });

    Verifier.Report repaired = verify(b -> b.settle(Duration.ofMinutes(1)).repair(true));

    assertThat(repaired.identical()).isTrue();
    assertThat(repaired.repairs().heartbeatsDeleted() + repaired.repairs().monitorsDeleted()).isZero();
    try (TableAccess turso = access("turso")) {
      assertThat(turso.countHeartbeats()).isEqualTo(2_001);
      assertThat(turso.countMonitors()).isEqualTo(51);
    }
  }

  @Test
  @DisplayName("--since: a difference older than the window is not looked at; one inside it is found")
  void since() {
    Instant halfAnHourAgo = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MICROS);
    Heartbeat old = heartbeat(Instant.parse("2025-06-03T00:00:00Z"));
    Heartbeat inWindow = heartbeat(halfAnHourAgo);
    HeartbeatMonitor monitorInWindow = monitor(halfAnHourAgo);
    onPrimaryOnly(old, null);
    onPrimaryOnly(inWindow, monitorInWindow);

    Verifier.Report lastHour = verify(b -> b.since(Duration.ofHours(1)));
    assertThat(lastHour.heartbeats().missing()).containsExactly(inWindow.id());
    assertThat(lastHour.monitors().missing()).containsExactly(monitorInWindow.id());
    assertThat(lastHour.heartbeats().primaryRows()).as("only the rows of the last hour were read").isEqualTo(1);
    assertThat(lastHour.monitors().primaryRows()).isEqualTo(1);
    assertThat(lastHour.since()).isBefore(halfAnHourAgo);

    Verifier.Report lastTenMinutes = verify(b -> b.since(Duration.ofMinutes(10)));
    assertThat(lastTenMinutes.identical()).as("%s", lastTenMinutes).isTrue();
    assertThat(lastTenMinutes.heartbeats().primaryRows()).isZero();

    Verifier.Report all = verify(b -> b);
    assertThat(all.heartbeats().missing()).containsExactlyInAnyOrder(old.id(), inWindow.id());
  }

  private void onPrimaryOnly(Heartbeat h, HeartbeatMonitor m) {
    try (TableAccess pg = access("postgres")) {
      pg.insertHeartbeatsIfAbsent(List.of(h));
      if (m != null) {
        pg.insertMonitorsIfAbsent(List.of(m));
      }
    }
    cleanups.add(() -> {
      try (TableAccess pg = access("postgres")) {
        pg.deleteHeartbeats(List.of(h.id()));
        if (m != null) {
          pg.deleteMonitors(List.of(m.id()));
        }
      }
    });
  }

  private Verifier.Report verify(java.util.function.UnaryOperator<Verifier.Builder> options) {
    return options.apply(Verifier.builder(config)).build().run();
  }

  private TableAccess access(String backend) {
    return Backends.openTableAccess(config, backend);
  }

  private static Heartbeat heartbeat(Instant at) {
    return new Heartbeat(UUID.randomUUID(), "+15550000001", "v1", true, "user-window", at);
  }

  private static HeartbeatMonitor monitor(Instant updatedAt) {
    return new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), "user-window", "q", "+15550000001", true,
        updatedAt.minusSeconds(60), updatedAt);
  }
}
