package dev.heartbeatstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.postgres.internal.PostgresUrl;
import dev.heartbeatstore.testsupport.servers.FreezingTcpProxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every call ends no later than its deadline plus 100 ms (contract §2), the wait for a pooled connection and the
 * statement included, whatever holds it up.
 *
 * <p>The machine these tests run on is shared and loaded: a timing is asserted on the best of three tries
 * (a loaded moment makes one try slow, never all three); each single try must still end within its deadline
 * plus two seconds, so a call that hangs fails the test whatever the load.
 */
@DisplayName("The PostgreSQL backend keeps every call's deadline")
class PostgresDeadlineTest {

  private static final long GRACE_MILLIS = 100;
  private static final long NEVER_HANGS_MILLIS = 2_000;
  private static final int TRIES = 3;
  private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

  private static IsolatedSchema schema;
  /** For checking what was stored: with the default 5 s deadline, which no load here comes near. */
  private static HeartbeatStore patient;
  private static ExecutorService callers;

  @BeforeAll
  static void createSchema() {
    schema = IsolatedSchema.create();
    patient = schema.open();
    callers = Executors.newCachedThreadPool();
    // Steady state, not a cold JVM: the first 10,000-row batch pays for loading and compiling its code.
    for (int i = 0; i < 3; i++) {
      patient.heartbeats().storeAll(batch("warm-up-" + UUID.randomUUID(), 10_000));
    }
  }

  @AfterAll
  static void dropSchema() {
    callers.shutdownNow();
    if (patient != null) {
      patient.close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  @ParameterizedTest(name = "deadline {0} ms")
  @ValueSource(longs = {50, 100, 1000})
  @DisplayName("pool of 1, table locked: the caller holding the connection, one waiting behind it and one coming "
      + "half a deadline later all end by their deadline + 100 ms, and the pool serves again at once")
  void lockedTablePoolOfOne(long deadline) throws Exception {
    try (HeartbeatStore store = open(schema.config().poolSize(1), deadline)) {
      servesAgain(store, deadline); // the pool's one connection is open
      long best = Long.MAX_VALUE;
      List<List<Long>> tries = new ArrayList<>();
      for (int i = 0; i < TRIES; i++) {
        List<Long> took;
        try (Connection locker = lock("heartbeat_monitors")) {
          List<Future<Long>> calls = new ArrayList<>();
          Callable<Long> load = () -> timedTimeout(() -> store.monitors().load("u", "phone"));
          calls.add(callers.submit(load));
          calls.add(callers.submit(load));
          Thread.sleep(deadline / 2);
          calls.add(callers.submit(load)); // gets the connection with half its deadline gone
          took = new ArrayList<>();
          for (Future<Long> call : calls) {
            took.add(call.get(deadline + NEVER_HANGS_MILLIS + 5_000, TimeUnit.MILLISECONDS));
          }
        }
        assertThat(took).allSatisfy(ms -> assertThat(ms).isLessThan(deadline + NEVER_HANGS_MILLIS));
        best = Math.min(best, Collections.max(took));
        tries.add(took);
        servesAgain(store, deadline); // the pool is healthy: the next calls get a connection and succeed
      }
      assertThat(best).as("slowest of three calls, best of %d tries %s, deadline %d ms", TRIES, tries, deadline)
          .isLessThanOrEqualTo(deadline + GRACE_MILLIS);
    }
  }

  @ParameterizedTest(name = "deadline {0} ms")
  @ValueSource(longs = {50, 100})
  @DisplayName("storeAll of 10,000 heartbeats on a locked table ends by its deadline + 100 ms and stores none of them")
  void largestBatchOnALockedTable(long deadline) throws Exception {
    try (HeartbeatStore store = open(schema.config().poolSize(1), deadline)) {
      servesAgain(store, deadline);
      long best = Long.MAX_VALUE;
      List<Long> tries = new ArrayList<>();
      for (int i = 0; i < TRIES; i++) {
        String user = "batch-" + UUID.randomUUID();
        List<Heartbeat> batch = batch(user, 10_000);
        long took;
        try (Connection locker = lock("heartbeats")) {
          took = timedTimeout(() -> store.heartbeats().storeAll(batch));
        }
        assertThat(took).isLessThan(deadline + NEVER_HANGS_MILLIS);
        best = Math.min(best, took);
        tries.add(took);
        assertThat(patient.heartbeats().index(user, "phone", IndexParams.first(10))).isEmpty();
        servesAgain(store, deadline);
      }
      assertThat(best).as("best of %d tries %s, deadline %d ms", TRIES, tries, deadline)
          .isLessThanOrEqualTo(deadline + GRACE_MILLIS);
    }
  }

  @Test
  @DisplayName("storeAll of 10,000 heartbeats with a 50 ms deadline on a free table: stored whole in time, or "
      + "StoreTimeoutException by the deadline + 100 ms and nothing stored")
  void largestBatchAgainstAShortDeadline() throws Exception {
    try (HeartbeatStore store = open(schema.config().poolSize(1), 50)) {
      servesAgain(store, 50);
      long best = Long.MAX_VALUE;
      List<Long> tries = new ArrayList<>();
      for (int i = 0; i < TRIES; i++) {
        String user = "batch-" + UUID.randomUUID();
        List<Heartbeat> batch = batch(user, 10_000);
        long start = System.nanoTime();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> store.heartbeats().storeAll(batch));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int stored = patient.heartbeats().index(user, "phone", IndexParams.first(1000)).size();

        if (thrown == null) {
          assertThat(stored).isEqualTo(1000);
        } else {
          assertThat(thrown).isInstanceOf(StoreTimeoutException.class);
          // An outcome the contract calls unknown: the server may have committed just as the call was cut off.
          assertThat(stored).isIn(0, 1000);
        }
        assertThat(took).isLessThan(50 + NEVER_HANGS_MILLIS);
        best = Math.min(best, took);
        tries.add(took);
        servesAgain(store, 50);
      }
      assertThat(best).as("best of %d tries %s", TRIES, tries).isLessThanOrEqualTo(50 + GRACE_MILLIS);
    }
  }

  @ParameterizedTest(name = "deadline {0} ms")
  @ValueSource(longs = {50, 300})
  @DisplayName("a server that stops answering ends a call by its deadline + 100 ms, also when HikariCP first checks "
      + "an idle connection; once it answers again the same store serves within one deadline")
  void frozenServer(long deadline) throws Exception {
    PostgresUrl direct = PostgresUrl.parse(schema.url());
    String host = direct.server().substring(0, direct.server().lastIndexOf(':'));
    int port = Integer.parseInt(direct.server().substring(direct.server().lastIndexOf(':') + 1));
    try (FreezingTcpProxy proxy = new FreezingTcpProxy(host, port);
         HeartbeatStore store = open(schema.config().poolSize(2)
             .databaseUrl(schema.url().replace(direct.server(), "127.0.0.1:" + proxy.port())), deadline)) {
      long bestBusy = Long.MAX_VALUE;
      long bestIdle = Long.MAX_VALUE;
      List<String> tries = new ArrayList<>();
      for (int i = 0; i < TRIES; i++) {
        for (boolean idle : new boolean[] {false, true}) {
          servesAgain(store, deadline);
          if (idle) {
            Thread.sleep(700); // past HikariCP's 500 ms: it checks the connection before handing it out
          }
          proxy.freeze();
          long took;
          try {
            took = timedTimeout(() -> store.heartbeats().last("u", "phone"));
          } finally {
            proxy.thaw();
          }
          assertThat(took).isLessThan(deadline + NEVER_HANGS_MILLIS);
          tries.add((idle ? "idle " : "busy ") + took);
          if (idle) {
            bestIdle = Math.min(bestIdle, took);
          } else {
            bestBusy = Math.min(bestBusy, took);
          }
        }
      }
      assertThat(bestBusy).as("a connection in use, best of %d: %s", TRIES, tries)
          .isLessThanOrEqualTo(deadline + GRACE_MILLIS);
      assertThat(bestIdle).as("an idle connection, best of %d: %s", TRIES, tries)
          .isLessThanOrEqualTo(deadline + GRACE_MILLIS);
      servesAgain(store, deadline);
    }
  }

  /**
   * The store serves: a call succeeds within a few tries, each bounded by its deadline. A short deadline on
   * a loaded machine may time out a call that nothing blocks; the store must serve again, not at once.
   */
  private static void servesAgain(HeartbeatStore store, long deadline) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(3_000, 3 * deadline));
    while (true) {
      try {
        assertThat(store.heartbeats().last("u", "phone")).isEmpty();
        return;
      } catch (StoreTimeoutException | dev.heartbeatstore.StoreUnavailableException e) {
        if (System.nanoTime() > until) {
          throw new AssertionError("the store did not serve again after the server came back", e);
        }
        Thread.sleep(20);
      }
    }
  }

  private static HeartbeatStore open(dev.heartbeatstore.HeartbeatStoreConfig.Builder config, long deadlineMillis) {
    return HeartbeatStores.open(config.timeout(Duration.ofMillis(deadlineMillis)).build());
  }

  private static List<Heartbeat> batch(String user, int size) {
    return IntStream.range(0, size)
        .mapToObj(i -> new Heartbeat(UUID.randomUUID(), "phone", "1.0", false, user, T0.plusMillis(i)))
        .collect(Collectors.toList());
  }

  /** A connection holding {@code table} locked until it is closed (its transaction then rolls back). */
  private static Connection lock(String table) throws SQLException {
    Connection locker = schema.connect();
    locker.setAutoCommit(false);
    try (Statement s = locker.createStatement()) {
      s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
    }
    return locker;
  }

  /** Runs a call that must end in StoreTimeoutException; returns how long it took, in ms. */
  private static long timedTimeout(Runnable call) {
    long start = System.nanoTime();
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call::run);
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(thrown).isInstanceOf(StoreTimeoutException.class);
    return took;
  }
}
