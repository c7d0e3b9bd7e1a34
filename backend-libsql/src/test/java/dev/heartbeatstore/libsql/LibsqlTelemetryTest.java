package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.testsupport.TelemetryFixture.DB_COLLECTION_NAME;
import static dev.heartbeatstore.testsupport.TelemetryFixture.DB_NAMESPACE;
import static dev.heartbeatstore.testsupport.TelemetryFixture.DB_OPERATION_BATCH_SIZE;
import static dev.heartbeatstore.testsupport.TelemetryFixture.DB_OPERATION_NAME;
import static dev.heartbeatstore.testsupport.TelemetryFixture.DB_RESPONSE_STATUS_CODE;
import static dev.heartbeatstore.testsupport.TelemetryFixture.DB_SYSTEM_NAME;
import static dev.heartbeatstore.testsupport.TelemetryFixture.ERROR_TYPE;
import static dev.heartbeatstore.testsupport.TelemetryFixture.SERVER_ADDRESS;
import static dev.heartbeatstore.testsupport.TelemetryFixture.SERVER_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.testsupport.TelemetryFixture;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every operation is one CLIENT span with the database's attributes (contract §5): against a real sqld
 * (with {@code server.address} and {@code server.port}) and a local file (without).
 */
@DisplayName("The libSQL backend's spans and metrics")
class LibsqlTelemetryTest {

  @TempDir
  Path dir;

  private String url(String where) {
    return where.equals("remote") ? TestSqld.url() : "file:" + dir.resolve("telemetry.db");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"remote", "file"})
  @DisplayName("store, BATCH store and load are CLIENT spans with db.system.name sqlite and the server when remote")
  void spans(String where) {
    String url = url(where);
    try (TelemetryFixture telemetry = new TelemetryFixture();
         HeartbeatStore store = Fixtures.open(url, b -> b.openTelemetry(telemetry.openTelemetry()))) {
      String user = Fixtures.newUser();
      store.heartbeats().store(Fixtures.heartbeat(user, "phone", T0));
      store.heartbeats().storeAll(List.of(Fixtures.heartbeat(user, "phone", T0.plusSeconds(1)),
          Fixtures.heartbeat(user, "phone", T0.plusSeconds(2))));
      store.monitors().load(user, "phone");

      assertThat(telemetry.spans().stream().map(SpanData::getName))
          .containsExactly("store heartbeats", "BATCH store heartbeats", "load heartbeat_monitors");
      assertThat(telemetry.spans()).allSatisfy(s -> {
        assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(s.getAttributes().get(DB_SYSTEM_NAME)).isEqualTo("sqlite");
        assertThat(s.getAttributes().get(DB_NAMESPACE)).isNull();
        if (where.equals("remote")) {
          URI uri = URI.create(url);
          assertThat(s.getAttributes().get(SERVER_ADDRESS)).isEqualTo(uri.getHost());
          assertThat(s.getAttributes().get(SERVER_PORT)).isEqualTo((long) uri.getPort());
        } else {
          assertThat(s.getAttributes().get(SERVER_ADDRESS)).isNull();
          assertThat(s.getAttributes().get(SERVER_PORT)).isNull();
        }
      });
      SpanData batch = telemetry.spans("BATCH store heartbeats").get(0);
      assertThat(batch.getAttributes().get(DB_OPERATION_NAME)).isEqualTo("BATCH store");
      assertThat(batch.getAttributes().get(DB_OPERATION_BATCH_SIZE)).isEqualTo(2L);
      assertThat(batch.getAttributes().get(DB_COLLECTION_NAME)).isEqualTo("heartbeats");
      assertThat(telemetry.recordedOperations()).isEqualTo(3);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"remote", "file"})
  @DisplayName("a duplicate: error.type and db.response.status_code carry libSQL's SQLITE_CONSTRAINT code")
  void duplicate(String where) {
    try (TelemetryFixture telemetry = new TelemetryFixture();
         HeartbeatStore store = Fixtures.open(url(where), b -> b.openTelemetry(telemetry.openTelemetry()))) {
      Heartbeat h = Fixtures.heartbeat(Fixtures.newUser(), "phone", T0);
      store.heartbeats().store(h);
      telemetry.resetSpans();

      Throwable thrown = catchThrowable(() -> store.heartbeats().store(h));

      assertThat(thrown).isInstanceOf(DuplicateRecordException.class);
      String code = ((HeartbeatStoreException) thrown).statusCode();
      assertThat(code).startsWith("SQLITE_CONSTRAINT");
      SpanData span = telemetry.spans("store heartbeats").get(0);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo(code);
      assertThat(span.getAttributes().get(DB_RESPONSE_STATUS_CODE)).isEqualTo(code);
      assertThat(telemetry.durationPoints())
          .anySatisfy(p -> assertThat(p.getAttributes().get(DB_RESPONSE_STATUS_CODE)).isEqualTo(code));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"remote", "file"})
  @DisplayName("a timeout: the span fails with error.type (the libSQL code when the database sent one)")
  void timeout(String where) {
    String url = url(where);
    Fixtures.open(url).close(); // the schema, with the default deadline
    String user = Fixtures.newUser();
    List<Heartbeat> rows = IntStream.range(0, 5_000).mapToObj(i -> Fixtures.heartbeat(user, "phone", T0.plusMillis(i)))
        .collect(Collectors.toList());
    try (TelemetryFixture telemetry = new TelemetryFixture();
         HeartbeatStore hurried = Fixtures.open(url,
             b -> b.timeout(Duration.ofMillis(1)).openTelemetry(telemetry.openTelemetry()))) {
      Throwable thrown = catchThrowable(() -> hurried.heartbeats().storeAll(rows));

      assertThat(thrown).isInstanceOf(StoreTimeoutException.class);
      String code = statusCode(thrown);
      SpanData span = telemetry.spans("BATCH store heartbeats").get(0);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getAttributes().get(ERROR_TYPE))
          .isEqualTo(code != null ? code : StoreTimeoutException.class.getName());
      assertThat(span.getAttributes().get(DB_RESPONSE_STATUS_CODE)).isEqualTo(code);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"remote", "file"})
  @DisplayName("HEARTBEAT_TELEMETRY=off: no span and no metric")
  void switchedOff(String where) {
    try (TelemetryFixture telemetry = new TelemetryFixture();
         HeartbeatStore quiet = HeartbeatStores.open(HeartbeatStoreConfig.builderFromEnvironment(Map.of(
                 HeartbeatStoreConfig.BACKEND, "turso",
                 HeartbeatStoreConfig.TURSO_DATABASE_URL, url(where),
                 HeartbeatStoreConfig.TELEMETRY, "OFF"))
             .openTelemetry(telemetry.openTelemetry()).build())) {
      Heartbeat h = Fixtures.heartbeat(Fixtures.newUser(), "phone", T0);
      quiet.heartbeats().store(h);
      quiet.heartbeats().last(h.userId(), h.owner());
      catchThrowable(() -> quiet.heartbeats().store(h));

      assertThat(telemetry.spans()).isEmpty();
      assertThat(telemetry.recordedOperations()).isZero();
    }
  }

  /** The first status code in the cause chain, as the library records it. */
  private static String statusCode(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof HeartbeatStoreException && ((HeartbeatStoreException) t).statusCode() != null) {
        return ((HeartbeatStoreException) t).statusCode();
      }
    }
    return null;
  }
}
