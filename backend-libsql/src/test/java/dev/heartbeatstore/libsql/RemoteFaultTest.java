package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.libsql.HttpFaultProxy.Mode;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("The remote backend under faults")
class RemoteFaultTest {

  private HttpFaultProxy proxy;
  private HeartbeatStore store;
  private String user;

  @BeforeEach
  void open() throws Exception {
    proxy = new HttpFaultProxy(TestSqld.url());
    store = Fixtures.open(proxy.url(), Duration.ofMillis(800));
    user = newUser();
    List<Heartbeat> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rows.add(heartbeat(user, "o", T0.plusSeconds(i)));
    }
    // Seeded straight to sqld with a deadline only a hang misses: the setup must not depend on the machine's load.
    try (HeartbeatStore seeding = Fixtures.open(TestSqld.url(), Duration.ofSeconds(30))) {
      seeding.heartbeats().storeAll(rows);
    }
    proxy.clearSeen();
  }

  @AfterEach
  void close() throws Exception {
    store.close();
    proxy.close();
  }

  private static long millisOf(Runnable r) {
    long start = System.nanoTime();
    try {
      r.run();
    } catch (RuntimeException ignored) {
      // measured for its duration only
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Nested
  @DisplayName("a server that accepts the request and never answers")
  class NeverAnswers {

    @Test
    @Timeout(30)
    @DisplayName("a read throws StoreTimeoutException after about the deadline")
    void read() {
      proxy.mode(Mode.HANG);
      assertThatThrownBy(() -> store.heartbeats().last(user, "o")).isInstanceOf(StoreTimeoutException.class)
          .hasMessageContaining("heartbeats.last").hasMessageContaining("800 ms");
      long took = millisOf(() -> store.heartbeats().index(user, "o", IndexParams.first(10)));
      assertThat(took).isBetween(700L, 4000L);
    }

    @Test
    @Timeout(30)
    @DisplayName("a write throws StoreTimeoutException after about the deadline (outcome unknown); the next write is not held up by it")
    void write() {
      proxy.mode(Mode.HANG);
      long took = millisOf(() -> assertThatThrownBy(() -> store.heartbeats().store(heartbeat(user, "o", T0)))
          .isInstanceOf(StoreTimeoutException.class).hasMessageContaining("may still have been applied"));
      assertThat(took).isBetween(700L, 4000L);
      proxy.mode(Mode.FORWARD);
      Heartbeat next = heartbeat(user, "next", T0);
      store.heartbeats().store(next);
      assertThat(store.heartbeats().last(user, "next")).contains(next);
    }

    @Test
    @Timeout(30)
    @DisplayName("the store answers again as soon as the server does")
    void recovers() {
      proxy.mode(Mode.HANG, 1);
      assertThatThrownBy(() -> store.heartbeats().last(user, "o")).isInstanceOf(StoreTimeoutException.class);
      assertThat(store.heartbeats().last(user, "o")).isPresent();
    }
  }

  @Nested
  @DisplayName("a server that sends the headers and half the body, then nothing more")
  class StalledBody {

    @Test
    @Timeout(30)
    @DisplayName("a read throws StoreTimeoutException after about the deadline (the request timeout alone covers only the headers)")
    void read() {
      proxy.mode(Mode.STALL_BODY);
      long took = millisOf(() -> assertThatThrownBy(() -> store.heartbeats().last(user, "o"))
          .isInstanceOf(StoreTimeoutException.class).hasMessageContaining("heartbeats.last"));
      assertThat(took).isBetween(700L, 4000L);
      proxy.mode(Mode.FORWARD);
      assertThat(store.heartbeats().last(user, "o")).isPresent();
    }

    @Test
    @Timeout(30)
    @DisplayName("a write throws StoreTimeoutException after about the deadline")
    void write() {
      proxy.mode(Mode.STALL_BODY);
      long took = millisOf(() -> assertThatThrownBy(() -> store.heartbeats().store(heartbeat(user, "o", T0.plusSeconds(7))))
          .isInstanceOf(StoreTimeoutException.class).hasMessageContaining("heartbeats.store"));
      assertThat(took).isBetween(700L, 4000L);
    }
  }

  @Nested
  @DisplayName("a response lost on the way back (sqld ran the write, its answer never came)")
  class LostResponse {

    @Test
    @Timeout(60)
    @DisplayName("the caller gets StoreTimeoutException at its deadline; the 15 writes after it all succeed at once; a retry of it is a duplicate")
    void theNextWritesAreNotHeldUp() {
      Heartbeat lost = heartbeat(user, "lost", T0);
      proxy.mode(Mode.SWALLOW, 1);
      long took = millisOf(() -> assertThatThrownBy(() -> store.heartbeats().store(lost))
          .isInstanceOf(StoreTimeoutException.class).hasMessageContaining("may still have been applied"));
      assertThat(took).isBetween(700L, 4000L);
      for (int i = 0; i < 15; i++) {
        Heartbeat h = heartbeat(user, "after", T0.plusSeconds(i));
        long t = millisOf(() -> store.heartbeats().store(h));
        assertThat(store.heartbeats().last(user, "after")).contains(h);
        assertThat(t).isLessThan(800L);
      }
      // Unknown outcome: sqld applied it. A retried store that is a duplicate was applied the first time.
      assertThatThrownBy(() -> store.heartbeats().store(lost)).isInstanceOf(DuplicateRecordException.class);
      assertThat(store.heartbeats().last(user, "lost")).contains(lost);
    }

    @Test
    @Timeout(60)
    @DisplayName("writes queued behind it are sent when its caller gives up and succeed within their own deadline")
    void writesQueuedBehindItSucceed() throws Exception {
      proxy.mode(Mode.SWALLOW, 1);
      ExecutorService pool = Executors.newFixedThreadPool(9);
      try {
        Future<Long> lost = pool.submit(() -> millisOf(() -> store.heartbeats().store(heartbeat(user, "lost", T0))));
        awaitSeen(1);
        Thread.sleep(300); // the queued writes' deadlines end well after the lost one's
        List<Future<Long>> queued = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          Heartbeat h = heartbeat(user, "queued", T0.plusSeconds(i));
          queued.add(pool.submit(() -> {
            long start = System.nanoTime();
            store.heartbeats().store(h);
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          }));
        }
        assertThat(lost.get(10, TimeUnit.SECONDS)).isBetween(700L, 4000L);
        for (Future<Long> f : queued) {
          assertThat(f.get(10, TimeUnit.SECONDS)).isLessThan(800L + 100L);
        }
        assertThat(store.heartbeats().index(user, "queued", IndexParams.first(100))).hasSize(8);
      } finally {
        pool.shutdownNow();
      }
    }

    private void awaitSeen(int requests) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (proxy.seen().size() < requests && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(proxy.seen()).hasSizeGreaterThanOrEqualTo(requests);
    }
  }

  @Nested
  @DisplayName("a response larger than any answer can be (300 MB, streamed by the proxy)")
  class HugeResponse {

    @Test
    @Timeout(60)
    @DisplayName("with its Content-Length: StoreUnavailableException naming the cap, at once; the store serves on")
    void declared() {
      proxy.hugeBody(300L << 20, true).mode(Mode.HUGE_BODY, 1);
      assertCapped();
    }

    @Test
    @Timeout(60)
    @DisplayName("chunked, no length: StoreUnavailableException naming the cap once 8 MiB have arrived; the store serves on")
    void chunked() {
      proxy.hugeBody(300L << 20, false).mode(Mode.HUGE_BODY, 1);
      assertCapped();
    }

    private void assertCapped() {
      long took = millisOf(() -> assertThatThrownBy(() -> store.heartbeats().index(user, "o", IndexParams.first(1000)))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("heartbeats.index")
          .hasMessageContaining("cap of 8 MiB"));
      assertThat(took).isLessThan(800L + 100L);
      assertThat(store.heartbeats().index(user, "o", IndexParams.first(1000))).hasSize(200);
      // the shared deadline thread is alive: a stalled body still ends at its deadline
      proxy.mode(Mode.STALL_BODY, 1);
      long stalled = millisOf(() -> assertThatThrownBy(() -> store.heartbeats().last(user, "o"))
          .isInstanceOf(StoreTimeoutException.class));
      assertThat(stalled).isBetween(700L, 4000L);
    }
  }

  @Nested
  @DisplayName("a batch the caller gave up on")
  class AbandonedBatch {

    @Test
    @Timeout(30)
    @DisplayName("never commits later: the server reaches it past the deadline and rolls it back; the write lock is free")
    void rollsBackOnTheServer() throws Exception {
      String u = newUser();
      List<Heartbeat> batch = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        batch.add(heartbeat(u, "late", T0.plusSeconds(i)));
      }
      store.heartbeats().last(u, "late");            // the clock offset is measured before the delay starts
      store.heartbeats().storeAll(List.of(heartbeat(u, "warm", T0)));
      proxy.delay(Duration.ofMillis(1500));         // the batch reaches sqld 1.5 s after it was sent
      try {
        long took = millisOf(() -> assertThatThrownBy(() -> store.heartbeats().storeAll(batch))
            .isInstanceOf(StoreTimeoutException.class));
        assertThat(took).isBetween(700L, 3000L);
        Thread.sleep(2500);                          // sqld has now run the batch
      } finally {
        proxy.delay(Duration.ZERO);
      }
      // The abandoned exchange has ended, so the store's write lane is free again.
      store.heartbeats().store(heartbeat(u, "next", T0));
      assertThat(store.heartbeats().last(u, "next")).isPresent();
      try (HeartbeatStore direct = Fixtures.open(TestSqld.url(), Duration.ofMillis(800))) {
        assertThat(direct.heartbeats().index(u, "late", IndexParams.first(1000))).isEmpty();
        long took = millisOf(() -> direct.heartbeats().storeAll(List.of(heartbeat(u, "after", T0))));
        assertThat(took).isLessThan(2000L);
        assertThat(direct.heartbeats().last(u, "after")).isPresent();
      }
    }
  }

  @Nested
  @DisplayName("a response body cut short is an error, never a partial list")
  class Truncated {

    @Test
    @DisplayName("the connection closes mid-body → StoreUnavailableException")
    void connectionCut() {
      proxy.mode(Mode.CUT_CONNECTION);
      assertThatThrownBy(() -> store.heartbeats().index(user, "o", IndexParams.first(200)))
          .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    @DisplayName("a well-formed HTTP response whose JSON stops halfway → StoreUnavailableException")
    void jsonCut() {
      proxy.mode(Mode.CUT_JSON);
      assertThatThrownBy(() -> store.heartbeats().index(user, "o", IndexParams.first(200)))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("malformed response");
    }

    @Test
    @DisplayName("a 200 whose body is not JSON → StoreUnavailableException")
    void notJson() {
      proxy.mode(Mode.STATUS).status(200);
      assertThatThrownBy(() -> store.heartbeats().last(user, "o"))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("malformed response");
    }
  }

  @Nested
  @DisplayName("retries")
  class Retries {

    @Test
    @DisplayName("reads retry 429, 502 and 503 inside the deadline and then succeed")
    void readsRetry() {
      proxy.mode(Mode.STATUS, 1).status(429);
      assertThat(store.heartbeats().last(user, "o")).isPresent();
      proxy.mode(Mode.STATUS, 2).status(502);
      assertThat(store.heartbeats().last(user, "o")).isPresent();
      proxy.mode(Mode.STATUS, 2).status(503);
      assertThat(store.heartbeats().index(user, "o", IndexParams.first(1000))).hasSize(200);
    }

    @Test
    @DisplayName("writes retry 429 and 503, which sqld answers before running anything, and are applied once")
    void writesRetryWhenUnapplied() {
      Heartbeat h = heartbeat(user, "o2", T0);
      proxy.mode(Mode.STATUS, 2).status(503);
      store.heartbeats().store(h);
      assertThat(store.heartbeats().index(user, "o2", IndexParams.first(10))).containsExactly(h);
    }

    @Test
    @DisplayName("a write answered 502 (a proxy: outcome unknown) is not retried: StoreUnavailableException")
    void writesDoNotRetry502() {
      proxy.mode(Mode.STATUS, 1).status(502);
      assertThatThrownBy(() -> store.heartbeats().store(heartbeat(user, "o3", T0)))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("502");
      assertThat(proxy.seen()).hasSize(1);
    }

    @Test
    @DisplayName("a server that keeps answering 503 → StoreUnavailableException within about the deadline")
    void givesUpAtTheDeadline() {
      proxy.mode(Mode.STATUS).status(503);
      // StoreUnavailableException, or StoreTimeoutException when the last retry was cut by the deadline
      long took = millisOf(() -> assertThatThrownBy(() -> store.heartbeats().last(user, "o"))
          .isInstanceOfAny(StoreUnavailableException.class, StoreTimeoutException.class).hasMessageContaining("503"));
      assertThat(took).isLessThan(4000L);
      assertThat(proxy.seen().size()).isGreaterThan(2);
    }

    @Test
    @DisplayName("a 400 (the request cannot be read: a retry cannot help) is not retried nor reported as retryable")
    void badRequestIsNotRetryable() {
      proxy.mode(Mode.STATUS).status(400);
      assertThatThrownBy(() -> store.heartbeats().last(user, "o"))
          .isInstanceOf(HeartbeatStoreException.class).isNotInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("heartbeats.last").hasMessageContaining("HTTP 400");
      assertThat(proxy.seen()).hasSize(1);
      assertThatThrownBy(() -> store.heartbeats().store(heartbeat(user, "o4", T0)))
          .isInstanceOf(HeartbeatStoreException.class).isNotInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("heartbeats.store").hasMessageContaining("HTTP 400");
      assertThatThrownBy(() -> store.heartbeats().storeAll(List.of(heartbeat(user, "o4", T0))))
          .isInstanceOf(HeartbeatStoreException.class).isNotInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("heartbeats.storeAll").hasMessageContaining("HTTP 400");
      assertThat(proxy.seen()).hasSize(3);
    }

    @Test
    @DisplayName("a 500 is not retried")
    void serverErrorNotRetried() {
      proxy.mode(Mode.STATUS).status(500);
      assertThatThrownBy(() -> store.heartbeats().last(user, "o")).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("500");
      assertThat(proxy.seen()).hasSize(1);
    }
  }

  @Test
  @Timeout(60)
  @DisplayName("sqld killed mid-run and restarted on the same port and data: reads and writes carry on inside the deadline")
  void restart() {
    String u = newUser();
    try (Sqld sqld = TestSqld.startDedicated(); HeartbeatStore s = Fixtures.open(sqld.url(), Duration.ofSeconds(10))) {
      Heartbeat before = heartbeat(u, "o", T0);
      s.heartbeats().store(before);
      sqld.kill();
      assertThat(sqld.isRunning()).isFalse();
      CompletableFuture<Void> comeBack = CompletableFuture.runAsync(() -> {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        sqld.restart();
      });
      assertThat(s.heartbeats().last(u, "o")).contains(before);
      comeBack.join();
      Heartbeat after = heartbeat(u, "o", T0.plusSeconds(1));
      s.heartbeats().store(after);
      assertThat(s.heartbeats().last(u, "o")).contains(after);
    }
  }

  @Test
  @Timeout(60)
  @DisplayName("a frozen sqld (SIGSTOP) gives StoreTimeoutException; after SIGCONT it answers again")
  void frozen() {
    String u = newUser();
    try (Sqld sqld = TestSqld.startDedicated(); HeartbeatStore s = Fixtures.open(sqld.url(), Duration.ofMillis(500))) {
      s.heartbeats().store(heartbeat(u, "o", T0));
      sqld.pause();
      try {
        assertThatThrownBy(() -> s.heartbeats().last(u, "o")).isInstanceOf(StoreTimeoutException.class);
      } finally {
        sqld.resume();
      }
      assertThat(s.heartbeats().last(u, "o")).isPresent();
    }
  }

  @Test
  @Timeout(60)
  @DisplayName("a store that timed out against a frozen sqld has an unknown outcome: once sqld thaws, the store serves within one"
      + " deadline, and a retry either stores the row or reports DuplicateRecordException (it was applied the first time)")
  void unknownOutcomeAfterFreeze() throws Exception {
    String u = newUser();
    Duration deadline = Duration.ofMillis(500);
    try (Sqld sqld = TestSqld.startDedicated(); HeartbeatStore s = Fixtures.open(sqld.url(), deadline)) {
      s.heartbeats().store(heartbeat(u, "warm", T0));
      Heartbeat h = heartbeat(u, "o", T0.plusSeconds(1));
      sqld.pause();
      try {
        assertThatThrownBy(() -> s.heartbeats().store(h)).isInstanceOf(StoreTimeoutException.class)
            .hasMessageContaining("may still have been applied");
      } finally {
        sqld.resume();
      }
      long start = System.nanoTime();
      boolean stored;
      try {
        s.heartbeats().store(h);
        stored = true;
      } catch (DuplicateRecordException appliedTheFirstTime) {
        stored = false;
      }
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(deadline.toMillis() + 100);
      assertThat(s.heartbeats().index(u, "o", IndexParams.first(10))).as("stored by the %s", stored ? "retry" : "first try")
          .containsExactly(h);
    }
  }

  @Test
  @Timeout(120)
  @DisplayName("sqld frozen for 3 s while 8 threads keep writing (every write cut at its deadline): after SIGCONT the"
      + " store serves within one deadline")
  void longFreezeUnderTraffic() throws Exception {
    String u = newUser();
    Duration deadline = Duration.ofMillis(500);
    try (Sqld sqld = TestSqld.startDedicated(); HeartbeatStore s = Fixtures.open(sqld.url(), deadline)) {
      s.heartbeats().store(heartbeat(u, "warm", T0));
      ExecutorService pool = Executors.newFixedThreadPool(8);
      java.util.concurrent.atomic.AtomicBoolean frozen = new java.util.concurrent.atomic.AtomicBoolean(true);
      try {
        sqld.pause();
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          String owner = "w" + t;
          writers.add(pool.submit(() -> {
            for (int i = 0; frozen.get(); i++) {
              try {
                s.heartbeats().store(heartbeat(u, owner, T0.plusMillis(i)));
              } catch (StoreTimeoutException expected) {
                // frozen
              }
            }
            return null;
          }));
        }
        Thread.sleep(3000);
        frozen.set(false);
        for (Future<?> w : writers) {
          w.get(10, TimeUnit.SECONDS);
        }
      } finally {
        sqld.resume();
        pool.shutdownNow();
      }
      for (int i = 0; i < 20; i++) { // each succeeds, so each was answered inside its deadline
        Heartbeat h = heartbeat(u, "after", T0.plusSeconds(i));
        s.heartbeats().store(h);
        assertThat(s.heartbeats().last(u, "after")).contains(h);
      }
    }
  }

  @Test
  @Timeout(60)
  @DisplayName("sqld killed and restarted while idle: the first call after it, a write, succeeds (no stale pooled connection)")
  void firstWriteAfterRestart() {
    String u = newUser();
    try (Sqld sqld = TestSqld.startDedicated(); HeartbeatStore s = Fixtures.open(sqld.url(), Duration.ofSeconds(2))) {
      for (int round = 0; round < 3; round++) {
        s.heartbeats().store(heartbeat(u, "before", T0.plusSeconds(round)));
        sqld.kill();
        sqld.restart();
        Heartbeat after = heartbeat(u, "after", T0.plusSeconds(round));
        s.heartbeats().store(after);
        assertThat(s.heartbeats().last(u, "after")).contains(after);
      }
    }
  }
}
