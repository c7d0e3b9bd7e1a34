package dev.heartbeatstore.postgres;

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
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.postgres.internal.PostgresUrl;
import dev.heartbeatstore.testsupport.TelemetryFixture;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every operation is one CLIENT span with the database's attributes, and a histogram point (contract §5). */
@DisplayName("The PostgreSQL backend's spans and metrics")
class PostgresTelemetryTest {

  private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

  private static IsolatedSchema schema;
  private static TelemetryFixture telemetry;
  private static HeartbeatStore store;
  private static String host;
  private static long port;
  private static String database;

  @BeforeAll
  static void open() {
    schema = IsolatedSchema.create();
    telemetry = new TelemetryFixture();
    store = HeartbeatStores.open(schema.config().openTelemetry(telemetry.openTelemetry()).build());
    String server = PostgresUrl.parse(schema.url()).server().split(",")[0];
    host = server.substring(0, server.lastIndexOf(':')).replace("[", "").replace("]", "");
    port = Long.parseLong(server.substring(server.lastIndexOf(':') + 1));
    database = org.postgresql.Driver.parseURL(PostgresUrl.parse(schema.url()).jdbcUrl(), null).getProperty("PGDBNAME");
  }

  @AfterAll
  static void close() {
    if (store != null) {
      store.close();
    }
    if (telemetry != null) {
      telemetry.close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  @BeforeEach
  void forgetSpans() {
    telemetry.resetSpans();
  }

  @Test
  @DisplayName("a store is one CLIENT span 'store heartbeats' with system, operation, collection, namespace and server")
  void singleOperation() {
    store.heartbeats().store(heartbeat("u-" + UUID.randomUUID(), T0));

    SpanData span = only("store heartbeats");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getAttributes().get(DB_SYSTEM_NAME)).isEqualTo("postgresql");
    assertThat(span.getAttributes().get(DB_OPERATION_NAME)).isEqualTo("store");
    assertThat(span.getAttributes().get(DB_COLLECTION_NAME)).isEqualTo("heartbeats");
    assertThat(span.getAttributes().get(DB_NAMESPACE)).isEqualTo(database + "." + schema.name());
    assertThat(span.getAttributes().get(SERVER_ADDRESS)).isEqualTo(host);
    assertThat(span.getAttributes().get(SERVER_PORT)).isEqualTo(port);
    assertThat(span.getAttributes().get(ERROR_TYPE)).isNull();
    assertThat(span.getAttributes().get(DB_OPERATION_BATCH_SIZE)).isNull();
  }

  @Test
  @DisplayName("monitor operations are spans on heartbeat_monitors")
  void monitorOperations() {
    String user = "u-" + UUID.randomUUID();
    HeartbeatMonitor m = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "q", "phone", true, T0, T0);
    store.monitors().store(m);
    store.monitors().load(user, "phone");
    store.monitors().exists(user, m.id());

    assertThat(telemetry.spans().stream().map(SpanData::getName))
        .containsExactly("store heartbeat_monitors", "load heartbeat_monitors", "exists heartbeat_monitors");
    assertThat(telemetry.spans()).allSatisfy(s -> {
      assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(s.getAttributes().get(DB_COLLECTION_NAME)).isEqualTo("heartbeat_monitors");
    });
  }

  @Test
  @DisplayName("storeAll of several rows is 'BATCH store' with db.operation.batch.size; of one row, a plain store")
  void batch() {
    String user = "u-" + UUID.randomUUID();
    store.heartbeats().storeAll(List.of(heartbeat(user, T0), heartbeat(user, T0.plusSeconds(1)),
        heartbeat(user, T0.plusSeconds(2))));
    store.heartbeats().storeAll(List.of(heartbeat(user, T0.plusSeconds(3))));

    SpanData batch = only("BATCH store heartbeats");
    assertThat(batch.getAttributes().get(DB_OPERATION_NAME)).isEqualTo("BATCH store");
    assertThat(batch.getAttributes().get(DB_OPERATION_BATCH_SIZE)).isEqualTo(3L);
    SpanData single = only("store heartbeats");
    assertThat(single.getAttributes().get(DB_OPERATION_BATCH_SIZE)).isNull();
    assertThat(telemetry.durationPoints())
        .anySatisfy(p -> assertThat(p.getAttributes().get(DB_OPERATION_NAME)).isEqualTo("BATCH store"));
  }

  @Test
  @DisplayName("a duplicate: error.type and db.response.status_code 23505 on the span and the metric")
  void duplicate() {
    Heartbeat h = heartbeat("u-" + UUID.randomUUID(), T0);
    store.heartbeats().store(h);
    telemetry.resetSpans();

    Throwable thrown = catchThrowable(() -> store.heartbeats().store(h));

    assertThat(thrown).isInstanceOf(DuplicateRecordException.class);
    assertThat(((HeartbeatStoreException) thrown).statusCode()).isEqualTo("23505");
    SpanData span = only("store heartbeats");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("23505");
    assertThat(span.getAttributes().get(DB_RESPONSE_STATUS_CODE)).isEqualTo("23505");
    List<HistogramPointData> failed = telemetry.durationPoints().stream()
        .filter(p -> "23505".equals(p.getAttributes().get(ERROR_TYPE))).collect(Collectors.toList());
    assertThat(failed).isNotEmpty().allSatisfy(p -> {
      assertThat(p.getAttributes().get(DB_RESPONSE_STATUS_CODE)).isEqualTo("23505");
      assertThat(p.getAttributes().get(DB_OPERATION_NAME)).isEqualTo("store");
    });
  }

  @Test
  @DisplayName("a timeout: the span fails with error.type (the SQLSTATE when the server sent one)")
  void timeout() {
    String user = "u-" + UUID.randomUUID();
    List<Heartbeat> rows = IntStream.range(0, 5_000).mapToObj(i -> heartbeat(user, T0.plusMillis(i)))
        .collect(Collectors.toList());
    try (TelemetryFixture own = new TelemetryFixture();
         HeartbeatStore hurried = HeartbeatStores.open(schema.config().timeout(Duration.ofMillis(1))
             .openTelemetry(own.openTelemetry()).build())) {
      Throwable thrown = catchThrowable(() -> hurried.heartbeats().storeAll(rows));

      assertThat(thrown).isInstanceOf(StoreTimeoutException.class);
      String code = ((HeartbeatStoreException) thrown).statusCode();
      SpanData span = own.spans("BATCH store heartbeats").get(0);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getAttributes().get(ERROR_TYPE))
          .isEqualTo(code != null ? code : StoreTimeoutException.class.getName());
      assertThat(span.getAttributes().get(DB_RESPONSE_STATUS_CODE)).isEqualTo(code);
    }
  }

  @Test
  @DisplayName("HEARTBEAT_TELEMETRY=off: no span and no metric; metrics / spans: only that part")
  void switchedOff() {
    for (String setting : new String[] {"off", "metrics", "spans"}) {
      try (TelemetryFixture own = new TelemetryFixture();
           HeartbeatStore quiet = HeartbeatStores.open(HeartbeatStoreConfig.builderFromEnvironment(Map.of(
                   HeartbeatStoreConfig.BACKEND, "postgres",
                   HeartbeatStoreConfig.DATABASE_URL, schema.url(),
                   HeartbeatStoreConfig.TELEMETRY, setting))
               .openTelemetry(own.openTelemetry()).build())) {
        Heartbeat h = heartbeat("u-" + UUID.randomUUID(), T0);
        quiet.heartbeats().store(h);
        quiet.heartbeats().last(h.userId(), h.owner());
        catchThrowable(() -> quiet.heartbeats().store(h));

        assertThat(own.spans()).as(setting).hasSize(setting.equals("spans") ? 3 : 0);
        assertThat(own.recordedOperations()).as(setting).isEqualTo(setting.equals("metrics") ? 3 : 0);
      }
    }
  }

  private static SpanData only(String name) {
    List<SpanData> spans = telemetry.spans(name);
    assertThat(spans).as("spans named '%s' among %s", name, telemetry.spans()).hasSize(1);
    return spans.get(0);
  }

  private static Heartbeat heartbeat(String user, Instant at) {
    return new Heartbeat(UUID.randomUUID(), "phone", "1.4.2", true, user, at);
  }
}
