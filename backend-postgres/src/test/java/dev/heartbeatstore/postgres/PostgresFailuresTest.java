package dev.heartbeatstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.heartbeatstore.CorruptRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.postgres.internal.PostgresUrl;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.postgres.internal.PostgresUrl;
import dev.heartbeatstore.testsupport.servers.FreezingTcpProxy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The PostgreSQL backend, when things go wrong,")
class PostgresFailuresTest {

  private static final String PASSWORD = "hunter2-Sup3rSecret";

  private static IsolatedSchema schema;

  @BeforeAll
  static void createSchema() {
    schema = IsolatedSchema.create();
    schema.open().close();
  }

  @AfterAll
  static void dropSchema() {
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  @DisplayName("fails fast with StoreUnavailableException naming host:port, never the password, when nothing listens")
  void unreachableAtStart() throws IOException {
    int port = unusedPort();
    for (String url : new String[] {
        "postgres://postgres:" + PASSWORD + "@127.0.0.1:" + port + "/test",
        "jdbc:postgresql://127.0.0.1:" + port + "/test?user=postgres&password=" + PASSWORD}) {
      long start = System.nanoTime();
      Throwable thrown = catchThrowable(() -> HeartbeatStores.open(HeartbeatStoreConfig.builder()
          .backend("postgres").databaseUrl(url).timeout(Duration.ofSeconds(2)).build()));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(thrown).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("127.0.0.1:" + port);
      assertThat(millis).isLessThan(2_000);
      assertThat(everythingPrinted(thrown)).doesNotContain(PASSWORD);
    }
  }

  @Test
  @DisplayName("refused authentication is StoreUnavailableException, without the password")
  void authenticationRefused() {
    String server = PostgresUrl.parse(schema.url()).server();
    String url = "postgres://no_such_role_hb:" + PASSWORD + "@" + server + "/test";

    Throwable thrown = catchThrowable(() -> HeartbeatStores.open(HeartbeatStoreConfig.builder()
        .backend("postgres").databaseUrl(url).build()));

    assertThat(thrown).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("no_such_role_hb");
    assertThat(everythingPrinted(thrown)).doesNotContain(PASSWORD);
  }

  @ParameterizedTest(name = "URL options: {0}")
  @ValueSource(strings = {"", "&options=-c%20work_mem%3D8MB"})
  @DisplayName("a statement blocked by a lock ends in StoreTimeoutException after about the timeout, even when the URL has its own options")
  void lockedTableTimesOut(String extraParameters) throws Exception {
    try (HeartbeatStore store = HeartbeatStores.open(schema.config().databaseUrl(schema.url() + extraParameters)
            .timeout(Duration.ofMillis(500)).build());
         Connection locker = schema.connect()) {
      lock(locker, "heartbeats");
      long start = System.nanoTime();
      Throwable thrown = catchThrowable(() -> store.heartbeats().last("u1", "phone"));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      locker.rollback();

      assertThat(thrown).isInstanceOf(StoreTimeoutException.class)
          .hasMessageContaining("heartbeats.last").hasMessageContaining("userId=u1").hasMessageContaining("500 ms");
      // At least the timeout; the upper bound leaves room for a loaded machine, far below the 5 s default.
      assertThat(millis).isBetween(400L, 2_500L);
      // The connection is healthy afterwards.
      assertThat(store.heartbeats().last("u1", "phone")).isEmpty();
    }
  }

  @Test
  @DisplayName("waiting longer than the timeout for a pooled connection is StoreTimeoutException")
  void exhaustedPoolTimesOut() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(4);
    try (HeartbeatStore store = HeartbeatStores.open(schema.config().poolSize(1).timeout(Duration.ofMillis(500)).build());
         Connection locker = schema.connect()) {
      lock(locker, "heartbeat_monitors");
      // Four calls for one connection, each blocked for the timeout once it has it: the last in line
      // give up waiting for the pool before the connection comes back.
      List<CompletableFuture<Void>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(CompletableFuture.runAsync(() -> store.monitors().load("u1", "phone"), executor));
      }
      List<Throwable> thrown = new ArrayList<>();
      for (CompletableFuture<Void> call : calls) {
        thrown.add(catchThrowable(call::join).getCause());
      }
      locker.rollback();

      assertThat(thrown).allSatisfy(t -> assertThat(t).isInstanceOf(StoreTimeoutException.class)
          .hasMessageContaining("heartbeat_monitors.load"));
      // Those behind gave up waiting: HikariCP timed them out, or (a loaded machine waking a waiter late) it
      // handed them the connection with too little of their deadline left to send anything.
      assertThat(thrown).anySatisfy(t -> assertThat(t.getCause() instanceof SQLTransientConnectionException
          || t.getMessage().contains("the deadline passed while waiting for a pooled connection")).isTrue());
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  @DisplayName("the deadline covers the wait for a pooled connection and the statement together, not one after the other")
  void poolWaitCountsAgainstTheDeadline() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try (HeartbeatStore store = HeartbeatStores.open(schema.config().poolSize(1).timeout(Duration.ofMillis(1000)).build());
         Connection locker = schema.connect()) {
      store.monitors().load("u1", "phone"); // the pool's one connection is open
      lock(locker, "heartbeat_monitors");
      // The first call holds the only connection, blocked by the lock, for its whole deadline; the second
      // waits about 700 ms for that connection, then meets the same lock with about 300 ms left.
      CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> timed(() -> store.monitors().load("u1", "phone")), executor);
      Thread.sleep(300);
      CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> timed(() -> store.monitors().load("u1", "phone")), executor);
      long firstMillis = first.join();
      long secondMillis = second.join();
      locker.rollback();

      assertThat(firstMillis).isBetween(900L, 2_000L);
      // Before: the wait (about 700 ms) and then a whole statement timeout (1,000 ms) — about 1.7 s.
      assertThat(secondMillis).isBetween(900L, 1_450L);
      // The connection is healthy afterwards, with its own full statement timeout again.
      assertThat(store.monitors().load("u1", "phone")).isEmpty();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  @DisplayName("a server that stops answering altogether gives StoreTimeoutException shortly after the deadline; "
      + "the store works again once it answers")
  void frozenServerTimesOut() throws Exception {
    PostgresUrl direct = PostgresUrl.parse(schema.url());
    String host = direct.server().substring(0, direct.server().lastIndexOf(':'));
    int port = Integer.parseInt(direct.server().substring(direct.server().lastIndexOf(':') + 1));
    try (FreezingTcpProxy proxy = new FreezingTcpProxy(host, port);
         HeartbeatStore store = HeartbeatStores.open(schema.config()
             .databaseUrl(schema.url().replace(direct.server(), "127.0.0.1:" + proxy.port()))
             .timeout(Duration.ofMillis(700)).build())) {
      assertThat(store.heartbeats().last("u1", "phone")).isEmpty();
      proxy.freeze();
      long start = System.nanoTime();
      Throwable thrown = catchThrowable(() -> store.heartbeats().last("u1", "phone"));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      proxy.thaw();

      assertThat(thrown).isInstanceOf(StoreTimeoutException.class).hasMessageContaining("heartbeats.last");
      // The deadline (700 ms) plus the watchdog's cut-off (PostgresDeadlineTest holds it to 100 ms); before: 3 s.
      assertThat(millis).isBetween(650L, 2_000L);
      assertThat(store.heartbeats().last("u1", "phone")).isEmpty();
    }
  }

  /** Locks {@code table} in a transaction of {@code locker} that stays open until it rolls back. */
  private static void lock(Connection locker, String table) throws SQLException {
    locker.setAutoCommit(false);
    try (Statement s = locker.createStatement()) {
      s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
    }
  }

  /** Runs a call that must end in StoreTimeoutException; returns how long it took, in ms. */
  private static long timed(Runnable call) {
    long start = System.nanoTime();
    assertThatThrownBy(call::run).isInstanceOf(StoreTimeoutException.class).hasMessageContaining("heartbeat_monitors.load");
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  @DisplayName("a row that cannot be an entity is CorruptRecordException naming table and id")
  void corruptRow() {
    UUID id = UUID.randomUUID();
    schema.execute("INSERT INTO heartbeats VALUES ('" + id + "', 'phone', '1', true, 'corrupt-user', 'infinity')");
    try (HeartbeatStore store = schema.open()) {
      assertThatThrownBy(() -> store.heartbeats().last("corrupt-user", "phone"))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining("heartbeats")
          .hasMessageContaining(id.toString())
          .hasMessageContaining("timestamp");
    }
  }

  @Test
  @DisplayName("a value PostgreSQL cannot hold (a NUL character) is IllegalArgumentException before any I/O, nothing stored")
  void unstorableValue() {
    try (HeartbeatStore store = schema.open()) {
      Heartbeat h = new Heartbeat(UUID.randomUUID(), "phone", "1.0\u0000", true, "nul-user", Instant.now());
      assertThatThrownBy(() -> store.heartbeats().store(h))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("heartbeat.version")
          .hasMessageContaining("NUL");
      assertThat(store.heartbeats().last("nul-user", "phone")).isEmpty();
    }
  }

  @Test
  @DisplayName("close is idempotent and the store refuses calls afterwards")
  void closeIsIdempotent() {
    HeartbeatStore store = schema.open();
    store.close();
    store.close();
    assertThatThrownBy(() -> store.heartbeats().last("u1", "phone")).isInstanceOf(IllegalStateException.class);
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Message, toString and stack trace of the exception and all its causes. */
  private static String everythingPrinted(Throwable thrown) {
    StringWriter out = new StringWriter();
    thrown.printStackTrace(new PrintWriter(out));
    return out + " " + thrown;
  }
}
