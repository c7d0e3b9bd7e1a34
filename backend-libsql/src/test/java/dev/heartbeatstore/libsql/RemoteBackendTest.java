package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.monitor;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The remote backend (Hrana over HTTP, real sqld)")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteBackendTest {

  private HttpFaultProxy proxy;

  @BeforeAll
  void startProxy() throws Exception {
    proxy = new HttpFaultProxy(TestSqld.url());
  }

  @AfterAll
  void stopProxy() throws Exception {
    proxy.close();
  }

  @Test
  @Timeout(60)
  @DisplayName("300 operations one after another leave no stream open (sqld answers 429 after 128)")
  void streamsAreClosed() {
    String user = newUser();
    try (HeartbeatStore store = Fixtures.open(TestSqld.url())) {
      for (int i = 0; i < 100; i++) {
        store.heartbeats().store(heartbeat(user, "o", T0.plusSeconds(i)));
        store.heartbeats().last(user, "o");
        store.monitors().exists(user, java.util.UUID.randomUUID());
      }
      assertThat(store.heartbeats().index(user, "o", IndexParams.first(1000))).hasSize(100);
    }
  }

  @Test
  @DisplayName("every request opens a stream and closes it in the same pipeline; storeAll is one request, atomic")
  void onePipelinePerOperation() {
    String user = newUser();
    try (HeartbeatStore store = Fixtures.open(proxy.url())) {
      List<Heartbeat> batch = new ArrayList<>();
      for (int i = 0; i < 250; i++) {
        batch.add(heartbeat(user, "o", T0.plusMillis(i)));
      }
      // The first batch of a store also measures the server's clock once (for the deadline guard).
      store.heartbeats().storeAll(List.of(heartbeat(user, "warm-up", T0)));
      proxy.clearSeen();
      store.heartbeats().storeAll(batch);
      assertThat(proxy.seen()).hasSize(1);
      HttpFaultProxy.Seen request = proxy.seen().get(0);
      assertThat(request.path()).isEqualTo("/v3/pipeline");
      assertThat(request.body()).startsWith("{\"baton\":null,").contains("\"BEGIN\"").contains("\"COMMIT\"")
          .contains("\"ROLLBACK\"").endsWith("{\"type\":\"close\"}]}");

      proxy.clearSeen();
      store.heartbeats().last(user, "o");
      store.monitors().store(monitor(user, "o"));
      store.monitors().load(user, "o");
      assertThat(proxy.seen()).hasSize(3)
          .allSatisfy(s -> assertThat(s.body()).endsWith("{\"type\":\"close\"}]}"));
      assertThat(store.heartbeats().index(user, "o", IndexParams.first(1000))).hasSize(250);
    }
  }

  @Test
  @DisplayName("a server without /v3/pipeline is spoken to over /v2/pipeline")
  void fallsBackToV2() {
    String user = newUser();
    proxy.hideV3(true);
    try (HeartbeatStore store = Fixtures.open(proxy.url())) {
      proxy.clearSeen();
      Heartbeat h = heartbeat(user, "o", T0);
      store.heartbeats().store(h);
      store.heartbeats().storeAll(List.of(heartbeat(user, "o", T0.minusSeconds(1))));
      assertThat(store.heartbeats().last(user, "o")).contains(h);
      assertThat(proxy.seen()).extracting(HttpFaultProxy.Seen::path).containsOnly("/v2/pipeline");
    } finally {
      proxy.hideV3(false);
    }
  }

  @Test
  @Timeout(60)
  @DisplayName("no more than poolSize requests are in flight at once")
  void poolSizeBoundsConcurrency() throws Exception {
    String user = newUser();
    try (HeartbeatStore store = Fixtures.open(proxy.url(), b -> b.poolSize(2))) {
      proxy.clearSeen();
      proxy.delay(Duration.ofMillis(100));
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        futures.add(pool.submit(() -> store.heartbeats().last(user, "o")));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(proxy.maxInFlight()).isBetween(1, 2);
    } finally {
      proxy.delay(Duration.ZERO);
    }
  }

  @Test
  @Timeout(60)
  @DisplayName("concurrent writes are sent one request at a time, sharing round trips; each keeps its own outcome")
  void concurrentWritesShareRoundTrips() throws Exception {
    String user = newUser();
    try (HeartbeatStore store = Fixtures.open(proxy.url())) {
      Heartbeat existing = heartbeat(user, "o", T0);
      store.heartbeats().store(existing);
      proxy.clearSeen();
      proxy.delay(Duration.ofMillis(20));
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 10; i++) {
            store.heartbeats().store(heartbeat(user, "o", T0.plusSeconds(1 + thread * 10L + i)));
          }
          // a duplicate among the others fails alone
          assertThatThrownBy(() -> store.heartbeats().store(existing))
              .isInstanceOf(dev.heartbeatstore.DuplicateRecordException.class);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      proxy.delay(Duration.ZERO);
      assertThat(proxy.maxInFlight()).isEqualTo(1);
      assertThat(proxy.seen().size()).isLessThan(176 / 2);
      assertThat(store.heartbeats().index(user, "o", IndexParams.first(1000))).hasSize(161);
    } finally {
      proxy.delay(Duration.ZERO);
    }
  }

  @Test
  @DisplayName("the monitor lifecycle works end to end over HTTP")
  void monitors() {
    String user = newUser();
    try (HeartbeatStore store = Fixtures.open(TestSqld.url())) {
      HeartbeatMonitor m = monitor(user, "o");
      store.monitors().store(m);
      assertThat(store.monitors().load(user, "o")).contains(m);
      assertThat(store.monitors().exists(user, m.id())).isTrue();
      store.monitors().updatePhoneOnline(user, m.id(), false);
      assertThat(store.monitors().load(user, "o").orElseThrow().phoneOnline()).isFalse();
      store.monitors().delete(user, "o");
      assertThat(store.monitors().load(user, "o")).isEmpty();
    }
  }

  @Test
  @DisplayName("with migrate=false against an empty sqld, start fails with a ConfigurationException; after a migrating start it opens")
  void checkOnly() {
    try (Sqld fresh = TestSqld.startDedicated()) {
      assertThatThrownBy(() -> Fixtures.open(fresh.url(), b -> b.migrate(false)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("schema is missing")
          .hasMessageContaining("HEARTBEAT_DB_MIGRATE");
      Fixtures.open(fresh.url()).close();
      Fixtures.open(fresh.url(), b -> b.migrate(false)).close();
    }
  }

  @Test
  @DisplayName("a file written by the file backend can be served by sqld and read over HTTP")
  void fileServedBySqld(@TempDir Path dir) throws Exception {
    String user = newUser();
    Path file = dir.resolve("heartbeats.db");
    Heartbeat h = heartbeat(user, "o", T0);
    try (HeartbeatStore local = Fixtures.open("file:" + file)) {
      local.heartbeats().store(h);
    }
    Path dbPath = dir.resolve("served.sqld");
    Path data = dbPath.resolve("dbs").resolve("default");
    Files.createDirectories(data);
    Files.copy(file, data.resolve("data"));
    try (Sqld served = TestSqld.startDedicated(Sqld.builder().dbPath(dbPath));
        HeartbeatStore remote = Fixtures.open(served.url(), b -> b.migrate(false))) {
      assertThat(remote.heartbeats().last(user, "o")).contains(h);
    }
  }
}
