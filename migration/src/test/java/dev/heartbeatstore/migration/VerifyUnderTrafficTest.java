package dev.heartbeatstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * verify and verify --repair while the service writes through hedging: new rows, rows backdated into
 * the settled past, monitor updates, and deletions of old users' rows (the differences a scan sees
 * for a moment, and must not report).
 */
@DisplayName("verify under live writes")
class VerifyUnderTrafficTest {

  private static final Instant OLD = Instant.parse("2025-06-10T00:00:00Z");

  @ParameterizedTest(name = "hedging {0}: every verify says identical, repair deletes nothing written, nothing is lost")
  @EnumSource(HedgingMode.class)
  void verifyWhileTheServiceWrites(HedgingMode mode) throws Exception {
    try (IsolatedSchema postgres = IsolatedSchema.create(); Sqld sqld = TestSqld.startDedicated()) {
      HeartbeatStoreConfig config = HeartbeatStoreConfig.builder().backend("hedging").hedgingPrimary("postgres")
          .hedgingMode(mode).databaseUrl(postgres.url()).tursoDatabaseUrl(sqld.url()).build();
      MigrationFixture.seed(postgres.config().build(), 5_000, 150, 29);
      Backfill.builder(config).build().run();
      List<HeartbeatMonitor> seededMonitors;
      try (TableAccess pg = Backends.openTableAccess(config, "postgres")) {
        seededMonitors = pg.monitorsAfter(null, 150);
      }

      Traffic traffic = new Traffic(HeartbeatStores.open(config), seededMonitors);
      Thread writer = new Thread(traffic, "live-service");
      writer.start();
      try {
        for (int run = 0; run < 4; run++) {
          long before = traffic.operations.get();
          Verifier.Report report = Verifier.builder(config).repair(run == 3).build().run();
          System.out.printf("hedging %s, verify run %d: heartbeat candidates %s, monitor candidates %s%n", mode, run,
              report.heartbeatCandidates(), report.monitorCandidates());
          assertThat(report.identical()).as("run %d: %s", run, report).isTrue();
          assertThat(report.repairs().heartbeatsDeleted() + report.repairs().monitorsDeleted()).isZero();
          traffic.awaitMoreThan(before);
        }
        traffic.stop.set(true);
        writer.join(60_000);
        assertThat(traffic.failure.get()).as("the service's writes").isNull();
        // The service's relay drains its journal.
        Journals.awaitDrained(config, Duration.ofSeconds(120));
      } finally {
        traffic.stop.set(true);
        writer.join(60_000);
        traffic.service.close();
      }

      Verifier.Report settled = Verifier.builder(config).settle(Duration.ZERO).build().run();
      assertThat(settled.identical()).as("%s", settled).isTrue();
      try (ReplicationAccess pg = Backends.openReplicationAccess(config, "postgres");
          ReplicationAccess turso = Backends.openReplicationAccess(config, "turso")) {
        List<UUID> acked = new ArrayList<>(traffic.heartbeats);
        for (ReplicationAccess side : List.of(pg, turso)) {
          assertThat(side.heartbeatsByIds(acked)).as("acknowledged heartbeats on " + side.backendName())
              .hasSize(acked.size());
          assertThat(side.monitorsByIds(new ArrayList<>(traffic.monitors))).hasSize(traffic.monitors.size());
          for (String user : traffic.deletedUsers) {
            assertThat(side.heartbeatIdsOfUser(user)).as(user + " on " + side.backendName()).isEmpty();
          }
        }
      }
    }
  }

  /** The live service: one thread writing as fast as it can. */
  private static final class Traffic implements Runnable {
    final HeartbeatStore service;
    final List<HeartbeatMonitor> seededMonitors;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong operations = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final ConcurrentLinkedQueue<UUID> heartbeats = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<UUID> monitors = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> deletedUsers = new ConcurrentLinkedQueue<>();

    Traffic(HeartbeatStore service, List<HeartbeatMonitor> seededMonitors) {
      this.service = service;
      this.seededMonitors = seededMonitors;
    }

    @Override
    public void run() {
      int nextUserToDelete = 0;
      try {
        for (int i = 0; !stop.get(); i++) {
          String user = "live-" + (i % 10);
          String owner = "+1556" + String.format("%07d", i % 10);
          Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
          Heartbeat fresh = new Heartbeat(UUID.randomUUID(), owner, "v1", true, user, now);
          service.heartbeats().store(fresh);
          heartbeats.add(fresh.id());
          // Sent late by a phone that was offline: its timestamp is long settled, the row is brand new.
          Heartbeat late = new Heartbeat(UUID.randomUUID(), owner, "v1", false, user, OLD.plusMillis(i));
          service.heartbeats().store(late);
          heartbeats.add(late.id());
          HeartbeatMonitor monitor = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "", owner,
              true, now, now);
          service.monitors().store(monitor);
          monitors.add(monitor.id());
          HeartbeatMonitor seeded = seededMonitors.get(i % seededMonitors.size());
          service.monitors().updatePhoneOnline(seeded.userId(), seeded.id(), i % 2 == 0);
          if (i % 10 == 9 && nextUserToDelete < 40) {
            String old = MigrationFixture.user(nextUserToDelete++ * 3);
            service.heartbeats().deleteAllForUser(old);
            service.monitors().deleteAllForUser(old);
            deletedUsers.add(old);
          }
          operations.incrementAndGet();
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }

    /** Waits until the service has written more since {@code before} (it shares the CPU with verify). */
    void awaitMoreThan(long before) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (operations.get() <= before + 2 && failure.get() == null && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
  }
}
