package dev.heartbeatstore.hedging;

import static dev.heartbeatstore.hedging.HedgingFixture.both;
import static dev.heartbeatstore.hedging.HedgingFixture.heartbeat;
import static dev.heartbeatstore.hedging.HedgingFixture.monitor;
import static dev.heartbeatstore.hedging.HedgingFixture.newUserId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.testsupport.servers.Sqld;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No acknowledged write is lost: every write the primary acknowledged reaches the secondary through the
 * journal, whatever happened to the secondary, the async queue or the writing process meanwhile.
 */
class JournalTest {

  /** How long a drained journal may take to reach the secondary here: generous, the machine may be loaded. */
  private static final Duration CATCH_UP = Duration.ofMinutes(3);
  /** Each writer's pause between writes: a busy service, not a bulk load (16 threads: at most ~1,600 writes/s). */
  private static final long WRITE_GAP_MILLIS = 10;

  private static final Duration OUTAGE = Duration.ofSeconds(60);

  private Sqld sqld;
  private HedgingFixture fixture;

  @BeforeEach
  void start() {
    sqld = Sqld.start();
    fixture = new HedgingFixture();
  }

  @AfterEach
  void stop() {
    fixture.close();
    sqld.close();
  }

  @ParameterizedTest(name = "{0} mode")
  @EnumSource(HedgingMode.class)
  @DisplayName("the secondary frozen for 60 s under 16 writer threads: every acknowledged write reaches it")
  void secondaryFrozenUnderLoad(HedgingMode mode) throws Exception {
    Written written = new Written();
    try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()).hedgingMode(mode)
        .hedgingSecondaryTimeout(Duration.ofMillis(300)).hedgingQueueSize(100))) {
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService writers = Executors.newFixedThreadPool(16);
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        String user = newUserId();
        running.add(writers.submit(() -> writeUntil(hedging, user, stop, written)));
      }
      await().atMost(CATCH_UP).until(() -> written.heartbeats.size() >= 200);
      sqld.pause();
      try {
        int before = written.heartbeats.size();
        // The queue (100) overflows and the breaker opens many times over.
        Thread.sleep(OUTAGE.toMillis());
        assertThat(written.heartbeats.size()).as("the primary kept serving").isGreaterThan(before + 500);
      } finally {
        sqld.resume();
      }
      await().atMost(CATCH_UP).until(() -> written.heartbeats.size() >= 200);
      stop.set(true);
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
      writers.shutdown();
      assertThat(fixture.failures()).as("the outage was seen and counted").isPositive();
      awaitOnSecondary(written);
    }
  }

  @ParameterizedTest(name = "{0} mode, {1} primary")
  @CsvSource({"SYNC, postgres", "ASYNC, postgres", "SYNC, turso", "ASYNC, turso"})
  @DisplayName("heartbeats the fast path applied leave the journal at once, not after the relay's grace: the lag is"
      + " the secondary's own")
  void appliedHeartbeatsLeaveTheJournalAtOnce(HedgingMode mode, String primary) {
    // A 30 s secondary timeout makes the relay's grace 31 s: within the 20 s waited here, only the removal of
    // what the fast path applied can empty the journal.
    try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()).hedgingMode(mode).hedgingPrimary(primary)
        .hedgingSecondaryTimeout(Duration.ofSeconds(30)));
         ReplicationAccess journal = replication(primary)) {
      String user = newUserId();
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Heartbeat h = heartbeat(user, "+1555100");
        hedging.heartbeats().store(h);
        ids.add(h.id());
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(journal.stats().depth()).isZero());
      awaitIdsOn(primary.equals("postgres") ? "turso" : "postgres", ids);
    }
  }

  @Test
  @DisplayName("the secondary down at start-up, then up: every write made meanwhile reaches it")
  void secondaryDownAtStartUp() {
    sqld.kill();
    Written written = new Written();
    String user = newUserId();
    try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()))) {
      for (int i = 0; i < 50; i++) {
        Heartbeat h = heartbeat(user, "+1555100");
        hedging.heartbeats().store(h);
        written.heartbeats.add(h);
      }
      HeartbeatMonitor m = monitor(user, "+1555100");
      hedging.monitors().store(m);
      hedging.monitors().updateQueueId(m.id(), "queue-after-start");
      written.monitorIds.add(m.id());
      sqld.restart();
      awaitOnSecondary(written);
      try (HeartbeatStore turso = HedgingFixture.turso(sqld.url())) {
        assertThat(turso.monitors().load(user, "+1555100")).get()
            .extracting(HeartbeatMonitor::queueId).isEqualTo("queue-after-start");
      }
    }
  }

  @Test
  @DisplayName("the writing process killed with SIGKILL while the secondary is frozen: a new process delivers every "
      + "write the killed one acknowledged")
  void killedWriterLosesNothing() throws Exception {
    Written written = new Written();
    sqld.pause();
    Process child = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
        JournalWriterMain.class.getName(), HedgingFixture.POSTGRES_URL, sqld.url())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (BufferedReader acks = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = acks.readLine()) != null && written.ids.size() < 3_000) {
        if (line.startsWith("ack ")) {
          written.ids.add(UUID.fromString(line.substring(4)));
        }
      }
      // SIGKILL: no shutdown hook, no close(), whatever was queued in memory is gone. (Acknowledgements
      // printed after the last line read are not checked; every one read is.)
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
      sqld.resume();
    }
    assertThat(written.ids).hasSizeGreaterThanOrEqualTo(3_000);
    // The killed process's relay lease runs out; this process's relay takes over and drains the journal.
    try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()))) {
      awaitIdsOnSecondary(written.ids);
      assertThat(hedging.backendName()).isEqualTo("hedging");
    }
  }

  @Test
  @DisplayName("two stores with opposite primaries (a rolling flip) writing the same users: both sides identical "
      + "once drained, monitors last-writer-wins")
  void oppositePrimariesConverge() throws Exception {
    List<String> users = List.of(newUserId(), newUserId(), newUserId());
    List<UUID> monitorIds = new ArrayList<>();
    Set<UUID> heartbeatIds = ConcurrentLinkedQueueSet.create();
    try (HeartbeatStore onPostgres = fixture.hedging(both(sqld.url()).hedgingPrimary("postgres"));
        HeartbeatStore onTurso = fixture.hedging(both(sqld.url()).hedgingPrimary("turso"))) {
      for (String user : users) {
        HeartbeatMonitor m = monitor(user, "+1555200");
        onPostgres.monitors().store(m);
        monitorIds.add(m.id());
      }
      ExecutorService pool = Executors.newFixedThreadPool(2);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> both = new ArrayList<>();
      for (HeartbeatStore store : List.of(onPostgres, onTurso)) {
        both.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 100; i++) {
            String user = users.get(i % users.size());
            Heartbeat h = heartbeat(user, "+1555200");
            store.heartbeats().store(h);
            heartbeatIds.add(h.id());
            store.monitors().updateQueueId(monitorIds.get(i % users.size()), store == onPostgres ? "pg-" + i : "turso-" + i);
            store.monitors().updatePhoneOnline(user, monitorIds.get(i % users.size()), i % 2 == 0);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : both) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      // Both stores' relays run: the PostgreSQL journal drains to sqld, sqld's journal to PostgreSQL.
      try (ReplicationAccess pg = replication("postgres"); ReplicationAccess turso = replication("turso")) {
        awaitEmpty(pg);
        awaitEmpty(turso);
        assertThat(pg.heartbeatsByIds(heartbeatIds)).hasSize(heartbeatIds.size());
        assertThat(sorted(turso.heartbeatsByIds(heartbeatIds))).isEqualTo(sorted(pg.heartbeatsByIds(heartbeatIds)));
        assertThat(sortedMonitors(turso.monitorsByIds(monitorIds)))
            .isEqualTo(sortedMonitors(pg.monitorsByIds(monitorIds)));
      }
    }
  }

  @Test
  @DisplayName("an entry the secondary refuses for its content goes to the dead letters, counted, and does not block "
      + "the entries behind it")
  void poisonEntryIsSetAside() throws Exception {
    String user = newUserId();
    try (HeartbeatStore turso = HedgingFixture.turso(sqld.url())) {
      assertThat(turso.backendName()).isEqualTo("turso");  // schema applied
    }
    // A constraint of the secondary's own that the primary does not have: a row it refuses forever.
    Sqld.execute(sqld.url(), "CREATE TRIGGER refuse_poison BEFORE INSERT ON heartbeats WHEN NEW.owner = 'poison'"
        + " BEGIN SELECT RAISE(ABORT, 'poison refused'); END");
    Heartbeat poison = heartbeat(user, "poison");
    List<Heartbeat> good = new ArrayList<>();
    try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()).hedgingMode(HedgingMode.ASYNC))) {
      hedging.heartbeats().store(poison);
      for (int i = 0; i < 20; i++) {
        Heartbeat h = heartbeat(user, "+1555300");
        hedging.heartbeats().store(h);
        good.add(h);
      }
      try (ReplicationAccess pg = replication("postgres"); ReplicationAccess turso = replication("turso")) {
        await().atMost(CATCH_UP).untilAsserted(() -> {
          assertThat(pg.deadLetters(100)).extracting(d -> d.entry().key()).contains(poison.id().toString());
          assertThat(pg.stats().depth()).isZero();
        });
        assertThat(turso.heartbeatsByIds(ids(good))).hasSize(good.size());
        assertThat(turso.heartbeatsByIds(List.of(poison.id()))).isEmpty();
        assertThat(pg.stats().deadLetters()).isPositive();
      }
      assertThat(fixture.failures(p -> "dead_letter".equals(p.getAttributes().get(HedgingFixture.ERROR_TYPE))))
          .isPositive();
    }
  }

  // ---- helpers ----

  /** What the writers had acknowledged. */
  static final class Written {
    final ConcurrentLinkedQueue<Heartbeat> heartbeats = new ConcurrentLinkedQueue<>();
    final Set<UUID> ids = ConcurrentLinkedQueueSet.create();
    final Set<UUID> monitorIds = ConcurrentLinkedQueueSet.create();
  }

  /** A thread-safe set. */
  static final class ConcurrentLinkedQueueSet {
    static <T> Set<T> create() {
      return Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());
    }
  }

  private static Void writeUntil(HeartbeatStore store, String user, AtomicBoolean stop, Written written) {
    HeartbeatMonitor m = monitor(user, "+1555400");
    store.monitors().store(m);
    written.monitorIds.add(m.id());
    int i = 0;
    while (!stop.get()) {
      Heartbeat h = heartbeat(user, "+1555400");
      store.heartbeats().store(h);
      written.heartbeats.add(h);
      try {
        Thread.sleep(WRITE_GAP_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      if (++i % 10 == 0) {
        store.monitors().updatePhoneOnline(user, m.id(), i % 20 == 0);
      }
    }
    return null;
  }

  private void awaitOnSecondary(Written written) {
    List<UUID> ids = new ArrayList<>();
    for (Heartbeat h : written.heartbeats) {
      ids.add(h.id());
    }
    awaitIdsOnSecondary(ids);
    try (ReplicationAccess pg = replication("postgres"); ReplicationAccess turso = replication("turso")) {
      await().atMost(CATCH_UP).untilAsserted(() -> assertThat(sortedMonitors(turso.monitorsByIds(written.monitorIds)))
          .isEqualTo(sortedMonitors(pg.monitorsByIds(written.monitorIds))));
    }
  }

  private void awaitIdsOnSecondary(java.util.Collection<UUID> ids) {
    awaitIdsOn("turso", ids);
  }

  private void awaitIdsOn(String side, java.util.Collection<UUID> ids) {
    try (ReplicationAccess turso = replication(side)) {
      await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        Set<UUID> missing = new HashSet<>(ids);
        for (List<UUID> chunk : chunks(new ArrayList<>(ids), 1000)) {
          for (Heartbeat h : turso.heartbeatsByIds(chunk)) {
            missing.remove(h.id());
          }
        }
        assertThat(missing).as("acknowledged heartbeats missing on the secondary").isEmpty();
      });
    }
  }

  @Test
  @DisplayName("two writes of a monitor at the same instant, one on each side: replaying each side to the other "
      + "converges on the same one (last writer wins, ties broken by content, the same order on both backends)")
  void lastWriterWinsBreaksTiesTheSameWayOnBothSides() {
    try (ReplicationAccess pg = replication("postgres"); ReplicationAccess turso = replication("turso")) {
      HeartbeatMonitor base = monitor(newUserId(), "+1555300");
      // Byte order and a linguistic order disagree on these ("Zulu" < "alpha" only in bytes).
      for (String[] queues : new String[][] {{"pg-98", "turso-98"}, {"alpha", "Zulu"}, {"", "q"}}) {
        HeartbeatMonitor onPg = withQueue(base, queues[0]);
        HeartbeatMonitor onTurso = withQueue(base, queues[1]);
        pg.applyMonitors(List.of(onPg));
        turso.applyMonitors(List.of(onTurso));
        pg.applyMonitors(turso.monitorsByIds(List.of(base.id())));
        turso.applyMonitors(pg.monitorsByIds(List.of(base.id())));
        assertThat(pg.monitorsByIds(List.of(base.id()))).as("queues %s", List.of(queues))
            .isEqualTo(turso.monitorsByIds(List.of(base.id())));
        base = new HeartbeatMonitor(base.id(), base.phoneId(), base.userId(), "", base.owner(), base.phoneOnline(),
            base.createdAt(), base.updatedAt().plusSeconds(1));
      }
    }
  }

  private static HeartbeatMonitor withQueue(HeartbeatMonitor m, String queue) {
    return new HeartbeatMonitor(m.id(), m.phoneId(), m.userId(), queue, m.owner(), m.phoneOnline(), m.createdAt(),
        m.updatedAt());
  }

  private static void awaitEmpty(ReplicationAccess journal) {
    await().atMost(CATCH_UP).untilAsserted(() -> assertThat(journal.stats().depth()).isZero());
  }

  private ReplicationAccess replication(String side) {
    return Backends.openReplicationAccess(both(sqld.url()).build(), side);
  }

  private static <T> List<List<T>> chunks(List<T> list, int size) {
    List<List<T>> chunks = new ArrayList<>();
    for (int i = 0; i < list.size(); i += size) {
      chunks.add(list.subList(i, Math.min(list.size(), i + size)));
    }
    return chunks;
  }

  private static List<UUID> ids(List<Heartbeat> heartbeats) {
    List<UUID> ids = new ArrayList<>();
    for (Heartbeat h : heartbeats) {
      ids.add(h.id());
    }
    return ids;
  }

  private static List<Heartbeat> sorted(List<Heartbeat> list) {
    List<Heartbeat> copy = new ArrayList<>(list);
    copy.sort((a, b) -> a.id().compareTo(b.id()));
    return copy;
  }

  private static List<HeartbeatMonitor> sortedMonitors(List<HeartbeatMonitor> list) {
    List<HeartbeatMonitor> copy = new ArrayList<>(list);
    copy.sort((a, b) -> a.id().compareTo(b.id()));
    return copy;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
