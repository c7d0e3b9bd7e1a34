package dev.heartbeatstore.hedging;

import static dev.heartbeatstore.hedging.HedgingFixture.ERROR_TYPE;
import static dev.heartbeatstore.hedging.HedgingFixture.OPERATION;
import static dev.heartbeatstore.hedging.HedgingFixture.both;
import static dev.heartbeatstore.hedging.HedgingFixture.heartbeat;
import static dev.heartbeatstore.hedging.HedgingFixture.monitor;
import static dev.heartbeatstore.hedging.HedgingFixture.newUserId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.testsupport.servers.Sqld;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The hedging promise, against real PostgreSQL and a real sqld that the tests kill, pause and restart. */
class HedgingBackendTest {

  private static final IndexParams ALL = IndexParams.first(1000);

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

  @Nested
  @DisplayName("sync mode")
  class SyncMode {

    @Test
    @DisplayName("every write reaches both sides")
    void everyWriteReachesBothSides() {
      String user = newUserId();
      Heartbeat one = heartbeat(user, "+1555001");
      List<Heartbeat> batch = List.of(heartbeat(user, "+1555001"), heartbeat(user, "+1555001"));
      HeartbeatMonitor monitor = monitor(user, "+1555001");
      try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()));
          HeartbeatStore pg = HedgingFixture.postgres(sqld.url());
          HeartbeatStore turso = HedgingFixture.turso(sqld.url())) {
        hedging.heartbeats().store(one);
        hedging.heartbeats().storeAll(batch);
        hedging.monitors().store(monitor);
        hedging.monitors().updateQueueId(monitor.id(), "queue-7");
        hedging.monitors().updatePhoneOnline(user, monitor.id(), false);

        for (HeartbeatStore side : List.of(pg, turso)) {
          assertThat(side.heartbeats().index(user, "+1555001", ALL)).hasSize(3).contains(one);
          Optional<HeartbeatMonitor> loaded = side.monitors().load(user, "+1555001");
          assertThat(loaded).get().extracting(HeartbeatMonitor::queueId, HeartbeatMonitor::phoneOnline)
              .containsExactly("queue-7", false);
        }
        assertThat(pg.monitors().load(user, "+1555001")).isEqualTo(turso.monitors().load(user, "+1555001"));

        hedging.heartbeats().deleteAllForUser(user);
        hedging.monitors().delete(user, "+1555001");
        for (HeartbeatStore side : List.of(pg, turso)) {
          assertThat(side.heartbeats().index(user, "+1555001", ALL)).isEmpty();
          assertThat(side.monitors().load(user, "+1555001")).isEmpty();
        }
        assertThat(fixture.failures()).isZero();
        assertThat(hedging.backendName()).isEqualTo("hedging");
      }
    }

    @Test
    @DisplayName("a secondary that already has the row is not a failure, and a batch it partly has is completed")
    void duplicatesOnTheSecondaryAreNotFailures() {
      String user = newUserId();
      Heartbeat already = heartbeat(user, "+1555002");
      Heartbeat fresh = heartbeat(user, "+1555002");
      try (HeartbeatStore turso = HedgingFixture.turso(sqld.url());
          HeartbeatStore hedging = fixture.hedging(both(sqld.url()))) {
        turso.heartbeats().store(already);
        hedging.heartbeats().storeAll(List.of(already, fresh));
        assertThat(turso.heartbeats().index(user, "+1555002", ALL)).containsExactlyInAnyOrder(already, fresh);
        assertThat(fixture.failures()).isZero();
      }
    }

    @Test
    @DisplayName("sqld killed mid-run: no primary failure, the missed writes are counted, and once sqld is back every "
        + "write reaches it through the journal")
    void secondaryKilledMidRun() {
      String user = newUserId();
      try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()));
          HeartbeatStore pg = HedgingFixture.postgres(sqld.url())) {
        List<Heartbeat> written = new ArrayList<>(store(hedging, user, 20));
        sqld.kill();
        written.addAll(store(hedging, user, 30));
        assertThat(fixture.failures(p -> !"journal.replay".equals(p.getAttributes().get(OPERATION)))).isEqualTo(30);
        sqld.restart();
        written.addAll(store(hedging, user, 10));

        assertThat(pg.heartbeats().index(user, "+1555003", ALL)).containsExactlyInAnyOrderElementsOf(written);
        try (HeartbeatStore turso = HedgingFixture.turso(sqld.url())) {
          await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
              assertThat(turso.heartbeats().index(user, "+1555003", ALL)).containsExactlyInAnyOrderElementsOf(written));
        }
      }
    }

    @Test
    @DisplayName("a hung secondary (sqld frozen): each write returns within about the secondary timeout, succeeds on the "
        + "primary and is counted; the circuit breaker then spares the caller the wait")
    void hungSecondaryIsBounded() {
      String user = newUserId();
      try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()).hedgingSecondaryTimeout(Duration.ofMillis(500)));
          HeartbeatStore pg = HedgingFixture.postgres(sqld.url())) {
        store(hedging, user, 2);
        sqld.pause();
        try {
          List<Long> millis = new ArrayList<>();
          List<Heartbeat> whileHung = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            long start = System.nanoTime();
            whileHung.addAll(store(hedging, user, 1));
            millis.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
          }
          // No call waits much past the 500 ms secondary timeout, and once the breaker opens, not at all.
          assertThat(millis).allSatisfy(m -> assertThat(m).isLessThan(1_500L));
          assertThat(millis.subList(4, 8)).allSatisfy(m -> assertThat(m).isLessThan(200L));
          assertThat(pg.heartbeats().index(user, "+1555003", ALL)).containsAll(whileHung).hasSize(10);
          assertThat(fixture.failures()).isEqualTo(8);
        } finally {
          sqld.resume();
        }
      }
    }

    @Test
    @DisplayName("a secondary down at start-up: the store starts and serves, each write counted once, then it catches up")
    void secondaryDownAtStart() {
      String user = newUserId();
      sqld.kill();
      try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()));
          HeartbeatStore pg = HedgingFixture.postgres(sqld.url())) {
        List<Heartbeat> whileDown = store(hedging, user, 5);
        assertThat(pg.heartbeats().index(user, "+1555003", ALL)).containsExactlyInAnyOrderElementsOf(whileDown);
        assertThat(fixture.failures()).isEqualTo(5);

        sqld.restart();
        // The secondary is opened (and migrated) again in the background; writes then reach it.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
          Heartbeat probe = heartbeat(user, "+1555004");
          long failuresBefore = fixture.failures();
          hedging.heartbeats().store(probe);
          assertThat(fixture.failures()).isEqualTo(failuresBefore);
        });
        try (HeartbeatStore turso = HedgingFixture.turso(sqld.url())) {
          assertThat(turso.heartbeats().index(user, "+1555004", ALL)).isNotEmpty();
        }
      }
    }

    @Test
    @DisplayName("rows the secondary refuses for their content never rest it: the good writes between them reach it at once")
    void refusedRowsDoNotOpenTheBreaker() {
      String user = newUserId();
      try (HeartbeatStore turso = HedgingFixture.turso(sqld.url())) {
        assertThat(turso.backendName()).isEqualTo("turso");  // schema applied
      }
      Sqld.execute(sqld.url(), "CREATE TRIGGER refuse_poison BEFORE INSERT ON heartbeats WHEN NEW.owner = 'poison'"
          + " BEGIN SELECT RAISE(ABORT, 'poison refused'); END");
      try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()));
          HeartbeatStore turso = HedgingFixture.turso(sqld.url())) {
        for (int round = 0; round < 5; round++) {
          for (int i = 0; i < 4; i++) {
            hedging.heartbeats().store(heartbeat(user, "poison"));
          }
          Heartbeat good = heartbeat(user, "+1555005");
          hedging.heartbeats().store(good);
          // Sync mode: applied by the call itself, not later by the journal's relay.
          assertThat(turso.heartbeats().last(user, "+1555005")).contains(good);
        }
        assertThat(fixture.failures(p -> "circuit_open".equals(p.getAttributes().get(ERROR_TYPE)))).isZero();
      }
    }

    @Test
    @DisplayName("the primary down: its error is thrown and the secondary receives nothing")
    void primaryDown() {
      String user = newUserId();
      // Flip the sides: sqld is the primary here, so that the test can take it down.
      try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()).hedgingPrimary("turso"));
          HeartbeatStore pg = HedgingFixture.postgres(sqld.url())) {
        store(hedging, user, 1);
        sqld.kill();
        Heartbeat refused = heartbeat(user, "+1555003");
        assertThatThrownBy(() -> hedging.heartbeats().store(refused)).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> hedging.heartbeats().deleteAllForUser(user))
            .isInstanceOf(StoreUnavailableException.class);
        assertThat(pg.heartbeats().index(user, "+1555003", ALL)).hasSize(1).doesNotContain(refused);
        assertThat(fixture.failures()).isZero();
      }
    }

    @Test
    @DisplayName("the primary down at start-up: opening fails")
    void primaryDownAtStart() {
      sqld.kill();
      assertThatThrownBy(() -> fixture.hedging(both(sqld.url()).hedgingPrimary("turso")))
          .isInstanceOf(StoreUnavailableException.class);
    }
  }

  @Nested
  @DisplayName("async mode")
  class AsyncMode {

    @Test
    @DisplayName("8 threads, one user each, mixing stores and deletes: the secondary ends equal to the primary")
    void perUserOrderHolds() throws Exception {
      List<String> users = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        users.add(newUserId());
      }
      try (HeartbeatStore pg = HedgingFixture.postgres(sqld.url());
          HeartbeatStore turso = HedgingFixture.turso(sqld.url())) {
        try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()).hedgingMode(HedgingMode.ASYNC))) {
          ExecutorService pool = Executors.newFixedThreadPool(8);
          List<Future<?>> done = new ArrayList<>();
          for (String user : users) {
            done.add(pool.submit(() -> {
              for (int round = 0; round < 5; round++) {
                store(hedging, user, 10);
                hedging.heartbeats().deleteAllForUser(user);
                store(hedging, user, 3);
              }
            }));
          }
          for (Future<?> f : done) {
            f.get();
          }
          pool.shutdown();
        } // close() drains the queue
        for (String user : users) {
          List<Heartbeat> primary = pg.heartbeats().index(user, "+1555003", ALL);
          assertThat(primary).hasSize(3);
          assertThat(turso.heartbeats().index(user, "+1555003", ALL)).isEqualTo(primary);
        }
        assertThat(fixture.failures()).isZero();
      }
    }

    @Test
    @DisplayName("a hung secondary: writes never block, a full queue loses nothing, close() gives up in bounded time")
    void fullQueueLosesNothing() {
      String user = newUserId();
      HeartbeatStore hedging = fixture.hedging(both(sqld.url()).hedgingMode(HedgingMode.ASYNC).hedgingQueueSize(10)
          .hedgingSecondaryTimeout(Duration.ofMillis(500)));
      List<Heartbeat> written;
      try (HeartbeatStore pg = HedgingFixture.postgres(sqld.url())) {
        sqld.pause();
        long start = System.nanoTime();
        written = store(hedging, user, 200);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // 200 PostgreSQL writes take well under a second here; 200 waits on the hung secondary would take 100 s.
        assertThat(took).isLessThan(Duration.ofSeconds(20));
        assertThat(pg.heartbeats().index(user, "+1555003", ALL)).hasSize(200);
        long closing = System.nanoTime();
        hedging.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(20));
      } finally {
        sqld.resume();
        hedging.close();
      }
      // Whatever the queue dropped or close() abandoned is in the journal: the next store's relay delivers it.
      try (HeartbeatStore next = fixture.hedging(both(sqld.url()));
          HeartbeatStore turso = HedgingFixture.turso(sqld.url())) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            assertThat(turso.heartbeats().index(user, "+1555003", ALL)).containsExactlyInAnyOrderElementsOf(written));
        assertThat(next.backendName()).isEqualTo("hedging");
      }
    }

    @Test
    @DisplayName("close() drains what is queued to a live secondary")
    void closeDrains() {
      String user = newUserId();
      List<Heartbeat> stored;
      try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()).hedgingMode(HedgingMode.ASYNC))) {
        stored = store(hedging, user, 100);
      }
      try (HeartbeatStore turso = HedgingFixture.turso(sqld.url())) {
        assertThat(turso.heartbeats().index(user, "+1555003", ALL)).containsExactlyInAnyOrderElementsOf(stored);
      }
      assertThat(fixture.failures()).isZero();
    }
  }

  @Nested
  @DisplayName("read verification")
  class ReadVerification {

    @Test
    @DisplayName("a row changed directly on the secondary is counted as a mismatch; equal reads are not")
    void mismatchCounted() {
      String user = newUserId();
      try (HeartbeatStore hedging = fixture.hedging(both(sqld.url()).hedgingVerifyReads(1.0));
          HeartbeatStore turso = HedgingFixture.turso(sqld.url())) {
        store(hedging, user, 3);
        hedging.heartbeats().index(user, "+1555003", ALL);
        hedging.heartbeats().last(user, "+1555003");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertThat(fixture.mismatches()).isZero());

        turso.heartbeats().deleteAllForUser(user);
        hedging.heartbeats().index(user, "+1555003", ALL);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fixture.mismatches()).isEqualTo(1));
      }
    }
  }

  private static List<Heartbeat> store(HeartbeatStore store, String user, int count) {
    List<Heartbeat> stored = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Heartbeat h = heartbeat(user, "+1555003");
      store.heartbeats().store(h);
      stored.add(h);
    }
    return stored;
  }
}
