package dev.heartbeatstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.spi.TableAccess.HeartbeatCursor;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The live service keeps writing through hedging (PostgreSQL primary, sqld secondary) while a bulk
 * backfill, then a {@code verify --repair}, write into the same sqld, whose single writer they share:
 * the journal's lag stays under 5 s throughout, and every acknowledged write reaches the secondary.
 */
@DisplayName("journal lag while backfill and repair share sqld's writer with the live service")
class LagUnderBackfillTest {

  private static final int HEARTBEATS = 60_000;
  private static final int OPS_PER_SECOND = 150;
  private static final double LAG_LIMIT_SECONDS = 5.0;
  /** Writer threads of the live service: each write waits for both sides, so one thread alone is too slow. */
  private static final int WRITERS = 4;

  @Test
  @DisplayName("150 writes/s during a bulk backfill and a repair: lag < 5 s in every sample, nothing lost")
  void lagStaysLowAndNothingIsLost() throws Exception {
    try (IsolatedSchema postgres = IsolatedSchema.create(); Sqld sqld = TestSqld.startDedicated()) {
      HeartbeatStoreConfig config = HeartbeatStoreConfig.builder().backend("hedging").hedgingPrimary("postgres")
          .databaseUrl(postgres.url()).tursoDatabaseUrl(sqld.url()).build();
      MigrationFixture.seed(postgres.config().build(), HEARTBEATS, 300, 53);

      LiveService live = new LiveService(HeartbeatStores.open(config));
      LagSampler lag = new LagSampler(config);
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < WRITERS; t++) {
        writers.add(new Thread(live, "live-service-" + t));
      }
      Thread sampler = new Thread(lag, "lag-sampler");
      writers.forEach(Thread::start);
      sampler.start();
      Backfill.Result backfill;
      Verifier.Report repaired;
      int samplesDuringBackfill;
      try {
        // Past the service's start (its secondary opens while the first writes are journaled).
        Thread.sleep(3_000);
        lag.phase = "backfill";
        backfill = Backfill.builder(config).bulk(true).progress(p -> lag.phase = "backfill " + p.table()).build().run();
        lag.phase = "after backfill";
        samplesDuringBackfill = lag.samples.size();
        // Differences for the repair to write: 10,000 settled heartbeats gone from the secondary.
        try (TableAccess pg = Backends.openTableAccess(config, "postgres");
            TableAccess turso = Backends.openTableAccess(config, "turso")) {
          HeartbeatCursor after = null;
          for (int i = 0; i < 10; i++) {
            List<Heartbeat> page = pg.heartbeatsAfter(after, 1_000);
            turso.deleteHeartbeats(page.stream().map(Heartbeat::id).toList());
            after = new HeartbeatCursor(page.get(page.size() - 1).timestamp(), page.get(page.size() - 1).id());
            pg.heartbeatsAfter(after, 4_000).size();  // leave gaps: the missing rows are spread out
          }
        }
        lag.phase = "repair";
        repaired = Verifier.builder(config).repair(true).build().run();
        lag.phase = "after repair";
        live.stop.set(true);
        for (Thread writer : writers) {
          writer.join(60_000);
        }
        lag.stop.set(true);
        sampler.join(60_000);
        // The service's relay drains what its secondary writes missed.
        Journals.awaitDrained(config, Duration.ofSeconds(120));
      } finally {
        live.stop.set(true);
        lag.stop.set(true);
        for (Thread writer : writers) {
          writer.join(60_000);
        }
        sampler.join(60_000);
        live.service.close();
      }
      assertThat(live.failure.get()).as("the service's writes").isNull();
      assertThat(lag.failure.get()).as("the lag sampler").isNull();
      System.out.printf("backfill: %s; repair: %s; %d live writes; lag samples %d (%d during the backfill): %s%n",
          backfill, repaired.repairs(), live.acknowledged.size(), lag.samples.size(), samplesDuringBackfill,
          lag.summary());

      assertThat(backfill.bulk()).isTrue();
      assertThat(repaired.repairs().heartbeatsCopied()).isGreaterThanOrEqualTo(10_000);
      assertThat(lag.samples).as("lag samples").isNotEmpty();
      assertThat(lag.max()).as("the journal's lag, in seconds, in every sample (%s)", lag.summary())
          .isLessThan(LAG_LIMIT_SECONDS);

      List<UUID> acked = new ArrayList<>(live.acknowledged);
      try (ReplicationAccess turso = Backends.openReplicationAccess(config, "turso")) {
        int found = 0;
        for (int from = 0; from < acked.size(); from += 1_000) {
          found += turso.heartbeatsByIds(acked.subList(from, Math.min(acked.size(), from + 1_000))).size();
        }
        assertThat(found).as("acknowledged writes on the secondary").isEqualTo(acked.size());
      }
      assertThat(Verifier.builder(config).settle(Duration.ZERO).build().run().identical()).isTrue();
    }
  }

  /** The live service: {@value #OPS_PER_SECOND} heartbeats a second in all, each acknowledged by the primary. */
  private static final class LiveService implements Runnable {
    final HeartbeatStore service;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final ConcurrentLinkedQueue<UUID> acknowledged = new ConcurrentLinkedQueue<>();
    final java.util.concurrent.atomic.AtomicLong tickets = new java.util.concurrent.atomic.AtomicLong();
    final long started = System.nanoTime();

    LiveService(HeartbeatStore service) {
      this.service = service;
    }

    @Override
    public void run() {
      try {
        while (!stop.get()) {
          long i = tickets.getAndIncrement();
          long due = started + i * 1_000_000_000L / OPS_PER_SECOND;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          Heartbeat h = new Heartbeat(UUID.randomUUID(), "+1557" + String.format("%07d", i % 20), "v1", true,
              "live-" + (i % 20), Instant.now().truncatedTo(ChronoUnit.MICROS));
          service.heartbeats().store(h);
          acknowledged.add(h.id());
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }
  }

  /** Reads the primary's journal lag (what the gauge {@code hedging.journal.lag} reports) every 200 ms. */
  private static final class LagSampler implements Runnable {
    final HeartbeatStoreConfig config;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final List<Double> samples = Collections.synchronizedList(new ArrayList<>());
    final StringBuffer high = new StringBuffer();
    volatile String phase = "start";
    final long started = System.nanoTime();

    LagSampler(HeartbeatStoreConfig config) {
      this.config = config;
    }

    @Override
    public void run() {
      try (ReplicationAccess journal = Backends.openReplicationAccess(config, "postgres")) {
        while (!stop.get()) {
          double seconds = journal.stats().lag().toMillis() / 1000.0;
          samples.add(seconds);
          if (seconds >= 3) {
            high.append(String.format(java.util.Locale.ROOT, " [%s +%.1f s: %.2f s]", phase,
                (System.nanoTime() - started) / 1e9, seconds));
          }
          Thread.sleep(200);
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }

    double max() {
      synchronized (samples) {
        return samples.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      }
    }

    String summary() {
      List<Double> sorted;
      synchronized (samples) {
        sorted = new ArrayList<>(samples);
      }
      if (sorted.isEmpty()) {
        return "no samples";
      }
      Collections.sort(sorted);
      return String.format(java.util.Locale.ROOT, "p50 %.2f s, p99 %.2f s, max %.2f s; samples of 3 s or more:" + high,
          sorted.get(sorted.size() / 2), sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))),
          sorted.get(sorted.size() - 1));
    }
  }
}
