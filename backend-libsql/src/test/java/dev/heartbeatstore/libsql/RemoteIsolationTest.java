package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.libsql.internal.LibsqlStore;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Concurrent single writes share requests (the write lane); a member that fails must fail alone. The bad rows reach
 * the backend store directly, past core's argument checks, as a caller's bad data would if those checks missed it.
 */
@DisplayName("Writes grouped into one request keep their own outcomes (real sqld)")
class RemoteIsolationTest {

  /** A row carrying this owner is refused by the proxy with HTTP 400, as sqld refuses a body it cannot read. */
  private static final String POISON = "poison-\u2620";

  private HttpFaultProxy proxy;
  private HeartbeatStore backend;

  @BeforeEach
  void open() throws Exception {
    proxy = new HttpFaultProxy(TestSqld.url());
    backend = LibsqlStore.open(Fixtures.config(proxy.url()).timeout(Duration.ofSeconds(5)).build(), Clock.systemUTC());
    proxy.refuseBodiesContaining(POISON);
  }

  @AfterEach
  void close() throws Exception {
    backend.close();
    proxy.close();
  }

  @Test
  @Timeout(60)
  @DisplayName("writes queued together with a refused row, a duplicate and a NULL owner: only those three fail, each as itself")
  void oneGroupWithBadMembers() throws Exception {
    String user = newUser();
    Heartbeat existing = heartbeat(user, "existing", T0);
    backend.heartbeats().store(existing);
    proxy.clearSeen();
    proxy.delay(Duration.ofMillis(500));
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      // One slow write holds the lane while the others queue behind it; they then go as one request.
      Future<?> slow = pool.submit(() -> backend.heartbeats().store(heartbeat(user, "slow", T0)));
      awaitSeen(1);
      List<Future<?>> good = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Heartbeat h = heartbeat(user, "good", T0.plusSeconds(i));
        good.add(pool.submit(() -> backend.heartbeats().store(h)));
      }
      Future<?> refused = pool.submit(() -> backend.heartbeats().store(heartbeat(user, POISON, T0)));
      Future<?> duplicate = pool.submit(() -> backend.heartbeats().store(existing));
      Future<?> nullOwner = pool.submit(() -> backend.heartbeats().store(heartbeat(user, null, T0)));
      awaitParked(pool, 11);
      proxy.delay(Duration.ZERO);

      slow.get(10, TimeUnit.SECONDS);
      for (Future<?> f : good) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertThat(failureOf(refused)).isExactlyInstanceOf(HeartbeatStoreException.class).hasMessageContaining("HTTP 400");
      assertThat(failureOf(duplicate)).isInstanceOf(DuplicateRecordException.class);
      // Refused by a constraint: not retryable, so not StoreUnavailableException.
      assertThat(failureOf(nullOwner)).isExactlyInstanceOf(HeartbeatStoreException.class).hasMessageContaining("NOT NULL");
      assertThat(backend.heartbeats().index(user, "good", IndexParams.first(100))).hasSize(8);
      // The refused row went out in a request with others, then alone.
      assertThat(proxy.seen()).filteredOn(s -> s.body().contains(POISON))
          .anySatisfy(s -> assertThat(s.body().split("\"execute\"", -1).length - 1).isGreaterThan(1))
          .anySatisfy(s -> assertThat(s.body().split("\"execute\"", -1).length - 1).isEqualTo(1));
    } finally {
      proxy.delay(Duration.ZERO);
      pool.shutdownNow();
    }
  }

  @Test
  @Timeout(120)
  @DisplayName("8 threads of good writes beside 2 threads of refused rows, duplicates, NULL owners and lone surrogates: no good write fails")
  void manyThreads() throws Exception {
    String user = newUser();
    Heartbeat existing = heartbeat(user, "existing", T0);
    backend.heartbeats().store(existing);
    int goodThreads = 8;
    int perThread = 100;
    ExecutorService pool = Executors.newFixedThreadPool(goodThreads + 2);
    ConcurrentLinkedQueue<Throwable> goodFailures = new ConcurrentLinkedQueue<>();
    Map<String, AtomicInteger> badOutcomes = new ConcurrentHashMap<>();
    AtomicBoolean goodDone = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < goodThreads; t++) {
        String owner = "good-" + t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            try {
              backend.heartbeats().store(heartbeat(user, owner, T0.plusMillis(i)));
            } catch (RuntimeException e) {
              goodFailures.add(e);
            }
          }
          return null;
        }));
      }
      for (int t = 0; t < 2; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; !goodDone.get(); i++) {
            Heartbeat bad;
            switch (i % 4) {
              case 0: bad = heartbeat(user, POISON, T0); break;
              case 1: bad = existing; break;
              case 2: bad = heartbeat(user, null, T0); break;
              default: bad = heartbeat(user, "lone-\uD800-surrogate", T0.plusMillis(i)); break;
            }
            String outcome;
            try {
              backend.heartbeats().store(bad);
              outcome = "stored";
            } catch (RuntimeException e) {
              outcome = e.getClass().getSimpleName();
            }
            badOutcomes.computeIfAbsent((i % 4) + ":" + outcome, k -> new AtomicInteger()).incrementAndGet();
          }
          return null;
        }));
      }
      start.countDown();
      for (int t = 0; t < goodThreads; t++) {
        futures.get(t).get(100, TimeUnit.SECONDS);
      }
      goodDone.set(true);
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      goodDone.set(true);
      pool.shutdownNow();
    }
    assertThat(goodFailures).as("good writes that failed").isEmpty();
    for (int t = 0; t < goodThreads; t++) {
      assertThat(backend.heartbeats().index(user, "good-" + t, IndexParams.first(1000))).hasSize(perThread);
    }
    // Each kind of bad row failed as itself, every time; a lone surrogate is stored as U+FFFD, never sent as invalid JSON.
    assertThat(badOutcomes.keySet()).allMatch(k -> k.equals("0:HeartbeatStoreException")
        || k.equals("1:DuplicateRecordException") || k.equals("2:HeartbeatStoreException") || k.equals("3:stored"));
    assertThat(backend.heartbeats().last(user, "lone-\uFFFD-surrogate")).isPresent();
  }

  private static Throwable failureOf(Future<?> f) throws InterruptedException {
    try {
      f.get(10, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the call did not end", e);
    }
  }

  private void awaitSeen(int requests) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (proxy.seen().size() < requests && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(proxy.seen()).hasSizeGreaterThanOrEqualTo(requests);
  }

  /** Waits until {@code count} pool threads wait (parked in the write lane behind the slow write). */
  private static void awaitParked(ExecutorService pool, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      long parked = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("pool-") && t.getState() == Thread.State.TIMED_WAITING)
          .filter(t -> java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().endsWith("WriteLane")))
          .count();
      if (parked >= count) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(count + " writes did not queue behind the slow one within 10 s");
  }
}
