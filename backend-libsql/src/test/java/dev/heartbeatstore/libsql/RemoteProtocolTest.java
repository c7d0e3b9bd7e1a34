package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.libsql.HttpFaultProxy.Mode;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the remote backend does with the answers SQL over HTTP v3 defines (its section on HTTP status codes, and
 * errors' {@code extended_code}), a real sqld behind {@link HttpFaultProxy} answering some of them itself. Every
 * store has a deadline that only a hang misses: the tests count requests and outcomes, never durations.
 */
@Timeout(120)
@DisplayName("SQL over HTTP v3: status codes and error codes (real sqld behind the fault proxy)")
class RemoteProtocolTest {

  private static final Duration GENEROUS = Duration.ofSeconds(30);

  private HttpFaultProxy proxy;

  @BeforeEach
  void open() throws Exception {
    proxy = new HttpFaultProxy(TestSqld.url());
  }

  @AfterEach
  void close() throws Exception {
    proxy.close();
  }

  @Test
  @DisplayName("a URL without a database (404 on /v3 and on /v2) fails the start: ConfigurationException naming the URL"
      + " and both paths tried, never the token")
  void unknownDatabase() {
    proxy.mode(Mode.STATUS).status(404);
    assertThatThrownBy(() -> Fixtures.open(proxy.url() + "?authToken=s3cr3t-t0ken", GENEROUS))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("TURSO_DATABASE_URL").hasMessageContaining(proxy.url())
        .hasMessageContaining("POST /v3/pipeline").hasMessageContaining("POST /v2/pipeline")
        .hasMessageContaining("no database at this URL")
        .hasMessageNotContaining("s3cr3t");
    assertThat(proxy.seen()).extracting(HttpFaultProxy.Seen::path).containsExactly("/v3/pipeline", "/v2/pipeline");
  }

  @Test
  @DisplayName("after the start a 404 is an error of its own (StoreUnavailableException), never a switch to /v2")
  void notFoundAfterTheStart() {
    try (HeartbeatStore store = Fixtures.open(proxy.url(), GENEROUS)) {
      String user = newUser();
      proxy.clearSeen();
      proxy.mode(Mode.STATUS, 1).status(404);
      assertThatThrownBy(() -> store.heartbeats().last(user, "o"))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("HTTP 404")
          .hasMessageContaining("/v3/pipeline");
      assertThat(store.heartbeats().last(user, "o")).isEmpty();
      assertThat(proxy.seen()).extracting(HttpFaultProxy.Seen::path).containsOnly("/v3/pipeline");
    }
  }

  @Test
  @DisplayName("408: a read is sent again and succeeds; a write is not sent again, and its outcome is unknown"
      + " (StoreTimeoutException)")
  void requestTimeout() {
    try (HeartbeatStore store = Fixtures.open(proxy.url(), GENEROUS)) {
      String user = newUser();
      Heartbeat h = heartbeat(user, "o", T0);
      store.heartbeats().store(h);

      proxy.clearSeen();
      proxy.mode(Mode.STATUS, 1).status(408);
      assertThat(store.heartbeats().last(user, "o")).contains(h);
      assertThat(proxy.seen()).hasSize(2);

      proxy.clearSeen();
      proxy.mode(Mode.STATUS, 1).status(408);
      assertThatThrownBy(() -> store.heartbeats().store(heartbeat(user, "o", T0.plusSeconds(1))))
          .isInstanceOf(StoreTimeoutException.class).hasMessageContaining("HTTP 408")
          .hasMessageContaining("may have been applied");
      assertThat(proxy.seen()).hasSize(1);
    }
  }

  @Test
  @DisplayName("429 (after its Retry-After) and 503 refuse a batch before it runs: it is sent again and applied once")
  void refusedBeforeRunning() {
    try (HeartbeatStore store = Fixtures.open(proxy.url(), GENEROUS)) {
      String user = newUser();
      store.heartbeats().storeAll(List.of(heartbeat(user, "warm-up", T0))); // measures the server's clock first

      proxy.clearSeen();
      proxy.retryAfter("1").mode(Mode.STATUS, 1).status(429);
      store.heartbeats().storeAll(List.of(heartbeat(user, "o", T0), heartbeat(user, "o", T0.plusSeconds(1))));
      assertThat(proxy.seen()).hasSize(2);

      proxy.clearSeen();
      proxy.retryAfter(null).mode(Mode.STATUS, 2).status(503);
      store.heartbeats().storeAll(List.of(heartbeat(user, "o", T0.plusSeconds(2))));
      assertThat(proxy.seen()).hasSize(3);

      assertThat(store.heartbeats().index(user, "o", IndexParams.first(10))).hasSize(3);
    }
  }

  @Test
  @DisplayName("an error's extended_code decides: SQLITE_CONSTRAINT_PRIMARYKEY is a duplicate, whatever its message says;"
      + " SQLITE_CONSTRAINT_NOTNULL a refused row")
  void extendedCode() {
    try (HeartbeatStore store = Fixtures.open(proxy.url(), GENEROUS)) {
      Heartbeat h = heartbeat(newUser(), "o", T0);
      proxy.body(executeError("constraint failed", "SQLITE_CONSTRAINT", "SQLITE_CONSTRAINT_PRIMARYKEY"))
          .mode(Mode.BODY, 1);
      assertThatThrownBy(() -> store.heartbeats().store(h))
          .isInstanceOf(DuplicateRecordException.class)
          .hasMessageContaining("heartbeats.store: a heartbeat with id " + h.id() + " already exists");

      proxy.body(executeError("constraint failed", "SQLITE_CONSTRAINT", "SQLITE_CONSTRAINT_NOTNULL"))
          .mode(Mode.BODY, 1);
      assertThatThrownBy(() -> store.heartbeats().store(h))
          .isInstanceOf(HeartbeatStoreException.class)
          .isNotInstanceOfAny(DuplicateRecordException.class, StoreUnavailableException.class)
          .hasMessageContaining("SQLITE_CONSTRAINT_NOTNULL");
    }
  }

  /** A pipeline response of one failed {@code execute} and its {@code close}. */
  private static String executeError(String message, String code, String extendedCode) {
    return "{\"baton\":null,\"base_url\":null,\"results\":[{\"type\":\"error\",\"error\":{\"message\":\"" + message
        + "\",\"code\":\"" + code + "\",\"extended_code\":\"" + extendedCode + "\"}},"
        + "{\"type\":\"ok\",\"response\":{\"type\":\"close\"}}]}";
  }
}
