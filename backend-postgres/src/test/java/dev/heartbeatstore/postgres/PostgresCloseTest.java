package dev.heartbeatstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.postgres.internal.PostgresUrl;
import dev.heartbeatstore.testsupport.servers.FreezingTcpProxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

@DisplayName("Closing a PostgreSQL store")
class PostgresCloseTest {

  private static final Duration DEADLINE = Duration.ofSeconds(3);
  private static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");

  private static IsolatedSchema schema;
  private static ExecutorService callers;

  @BeforeAll
  static void createSchema() {
    schema = IsolatedSchema.create();
    schema.open().close();
    callers = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void dropSchema() {
    callers.shutdownNow();
    if (schema != null) {
      schema.close();
    }
  }

  @RepeatedTest(3)
  @DisplayName("with calls blocked on a lock (two holding the pool's connections, two waiting for one) returns within "
      + "the deadline; each call ends with an exception of the contract, those in flight at once, never an NPE")
  void callsInFlight() throws Exception {
    HeartbeatStore store = HeartbeatStores.open(schema.config().poolSize(2).timeout(DEADLINE).build());
    List<Future<Throwable>> calls = new ArrayList<>();
    try (Connection locker = schema.connect()) {
      locker.setAutoCommit(false);
      try (Statement s = locker.createStatement()) {
        s.execute("LOCK TABLE heartbeats, heartbeat_monitors IN ACCESS EXCLUSIVE MODE");
      }
      String user = "closing-" + UUID.randomUUID();
      calls.add(outcome(() -> store.heartbeats().store(heartbeat(user))));
      calls.add(outcome(() -> store.monitors().store(monitor(user))));
      awaitWaitingForLocks(2);
      calls.add(outcome(() -> store.heartbeats().storeAll(List.of(heartbeat(user), heartbeat(user)))));
      calls.add(outcome(() -> store.monitors().load(user, "phone")));
      awaitWaitingForThePool(2);

      long start = System.nanoTime();
      store.close();
      long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(closeMillis).as("close() took").isLessThan(DEADLINE.toMillis());
      List<Throwable> outcomes = new ArrayList<>();
      for (Future<Throwable> call : calls) {
        outcomes.add(call.get(DEADLINE.toMillis() + 5_000, TimeUnit.MILLISECONDS));
      }
      assertThat(outcomes).allSatisfy(t -> assertThat(t).isInstanceOf(HeartbeatStoreException.class));
      // Thrown as such by the backend: not an NPE (HikariCP's, before) that core then had to wrap.
      assertThat(outcomes).allSatisfy(t -> assertThat(causes(t)).noneMatch(c -> c instanceof NullPointerException));
      // The two that held connections were ended by close, not by their deadline.
      assertThat(outcomes.subList(0, 2)).allSatisfy(t -> assertThat(t)
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("closed"));
      assertThatThrownBy(() -> store.heartbeats().last(user, "phone")).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> store.monitors().store(monitor(user))).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  @DisplayName("is idempotent, from two threads at once too")
  void idempotent() throws Exception {
    HeartbeatStore store = HeartbeatStores.open(schema.config().build());
    store.heartbeats().last("u", "phone");
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> closes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      closes.add(CompletableFuture.runAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        store.close();
      }, callers));
    }
    go.countDown();
    CompletableFuture.allOf(closes.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
    store.close();

    assertThatThrownBy(() -> store.heartbeats().last("u", "phone")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("twenty times over, each with a call and a timed-out call, leaves none of its threads behind")
  void noThreadsLeft() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    for (int i = 0; i < 20; i++) {
      try (HeartbeatStore store = HeartbeatStores.open(schema.config().timeout(Duration.ofMillis(200)).build());
           Connection locker = schema.connect()) {
        try {
          store.heartbeats().last("u", "phone"); // starts the pool's threads; on a busy machine 200 ms may not do
        } catch (StoreTimeoutException slow) {
          // the threads are started either way
        }
        locker.setAutoCommit(false);
        try (Statement s = locker.createStatement()) {
          s.execute("LOCK TABLE heartbeat_monitors IN ACCESS EXCLUSIVE MODE");
        }
        // A timed-out call starts the watchdog's cancel thread, too.
        assertThatThrownBy(() -> store.monitors().load("u", "phone")).isInstanceOf(HeartbeatStoreException.class);
      }
    }
    assertThat(threadsStartedSince(before)).as("threads of closed stores").isEmpty();
  }

  @Test
  @DisplayName("from an interrupted thread (a hedging store closing its secondary), while HikariCP is opening a "
      + "connection, leaves none of its threads behind")
  void interruptedThread() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    PostgresUrl direct = PostgresUrl.parse(schema.url());
    String host = direct.server().substring(0, direct.server().lastIndexOf(':'));
    int port = Integer.parseInt(direct.server().substring(direct.server().lastIndexOf(':') + 1));
    try (FreezingTcpProxy proxy = new FreezingTcpProxy(host, port)) {
      HeartbeatStore store = HeartbeatStores.open(schema.config().poolSize(2).timeout(Duration.ofMillis(300))
          .databaseUrl(schema.url().replace(direct.server(), "127.0.0.1:" + proxy.port())).build());
      store.heartbeats().last("u", "phone");
      proxy.freeze();
      // The call's connection is cut off at its deadline; HikariCP starts opening another, which hangs.
      assertThatThrownBy(() -> store.heartbeats().last("u", "phone")).isInstanceOf(HeartbeatStoreException.class);

      CompletableFuture.runAsync(() -> {
        Thread.currentThread().interrupt();
        store.close(); // HikariCP, closed from this thread, would stop half way and leave its housekeeper running
        Thread.interrupted();
      }, callers).get(30, TimeUnit.SECONDS);
      proxy.thaw();
    }
    assertThat(threadsStartedSince(before)).as("threads of the closed store").isEmpty();
  }

  /** This library's and its pool's threads started since {@code before} and still alive, after up to 10 s. */
  private static List<String> threadsStartedSince(Set<Thread> before) throws InterruptedException {
    List<String> left = List.of();
    for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); System.nanoTime() < until; Thread.sleep(100)) {
      left = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t) && t.isAlive())
          .map(Thread::getName)
          .filter(name -> name.startsWith("heartbeat-store") || name.contains("HikariPool") || name.contains("PostgreSQL"))
          .collect(Collectors.toList());
      if (left.isEmpty()) {
        break;
      }
    }
    return left;
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
      chain.add(c);
      chain.addAll(List.of(c.getSuppressed()));
    }
    return chain;
  }

  private static Future<Throwable> outcome(Runnable call) {
    return callers.submit(() -> {
      try {
        call.run();
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
  }

  /** Waits until {@code n} statements of this schema's tables wait for a lock. */
  private static void awaitWaitingForLocks(int n) throws SQLException, InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (Connection c = schema.connect(); Statement s = c.createStatement()) {
      while (true) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks l JOIN pg_class r ON r.oid = l.relation"
            + " JOIN pg_namespace n ON n.oid = r.relnamespace WHERE NOT l.granted AND n.nspname = '" + schema.name() + "'")) {
          rs.next();
          if (rs.getInt(1) >= n) {
            return;
          }
        }
        if (System.nanoTime() > until) {
          throw new AssertionError(n + " statements did not start waiting for the lock within 10 s");
        }
        Thread.sleep(10);
      }
    }
  }

  /** Waits until {@code n} threads wait in HikariCP for a connection. */
  private static void awaitWaitingForThePool(int n) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Thread.getAllStackTraces().values().stream()
        .filter(stack -> java.util.Arrays.stream(stack).anyMatch(frame ->
            frame.getClassName().equals("com.zaxxer.hikari.util.ConcurrentBag") && frame.getMethodName().equals("borrow")))
        .count() < n) {
      if (System.nanoTime() > until) {
        throw new AssertionError(n + " calls did not start waiting for a pooled connection within 10 s");
      }
      Thread.sleep(10);
    }
  }

  private static Heartbeat heartbeat(String user) {
    return new Heartbeat(UUID.randomUUID(), "phone", "1.0", false, user, T0);
  }

  private static HeartbeatMonitor monitor(String user) {
    return new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "q", "phone", false, T0, T0);
  }
}
