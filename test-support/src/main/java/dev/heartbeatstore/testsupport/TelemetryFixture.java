package dev.heartbeatstore.testsupport;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An OpenTelemetry SDK that keeps what it is given in memory: finished spans (exported as each one ends)
 * and the metrics, for tests of the library's spans and {@code db.client.operation.duration}.
 */
public final class TelemetryFixture implements AutoCloseable {

  /** {@code db.system.name}: {@code postgresql} or {@code sqlite}. */
  public static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  /** {@code db.operation.name}: the repository operation, e.g. {@code store}. */
  public static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
  /** {@code db.collection.name}: the table. */
  public static final AttributeKey<String> DB_COLLECTION_NAME = AttributeKey.stringKey("db.collection.name");
  /** {@code db.namespace}: the database (and schema). */
  public static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
  /** {@code db.operation.batch.size}: the rows of a batch write. */
  public static final AttributeKey<Long> DB_OPERATION_BATCH_SIZE = AttributeKey.longKey("db.operation.batch.size");
  /** {@code db.response.status_code}: the database's error code. */
  public static final AttributeKey<String> DB_RESPONSE_STATUS_CODE = AttributeKey.stringKey("db.response.status_code");
  /** {@code server.address}: the database server's host. */
  public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  /** {@code server.port}: the database server's port. */
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  /** {@code error.type}: what kind of failure ended the operation. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  /** The histogram every repository operation records. */
  public static final String DURATION_METRIC = "db.client.operation.duration";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
  private final SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(metrics).build();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).setMeterProvider(meterProvider).build();

  /** An empty fixture, its SDK ready to record. */
  public TelemetryFixture() {}

  /**
   * The instance to give the store.
   *
   * @return the in-memory SDK
   */
  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  /**
   * The spans that ended so far, in the order they ended.
   *
   * @return the spans since the start or the last {@link #resetSpans()}
   */
  public List<SpanData> spans() {
    return spans.getFinishedSpanItems();
  }

  /**
   * The spans named {@code name}.
   *
   * @param name the span name
   * @return those spans, in the order they ended
   */
  public List<SpanData> spans(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
  }

  /** Forgets the spans so far. */
  public void resetSpans() {
    spans.reset();
  }

  /**
   * The points of {@code db.client.operation.duration} (cumulative).
   *
   * @return one point per attribute set; empty when none was recorded
   */
  public List<HistogramPointData> durationPoints() {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(DURATION_METRIC))
        .map(MetricData::getHistogramData)
        .flatMap(h -> h.getPoints().stream())
        .collect(Collectors.toList());
  }

  /**
   * How many operations {@code db.client.operation.duration} counted in all.
   *
   * @return the sum of every point's count
   */
  public long recordedOperations() {

    return durationPoints().stream().mapToLong(HistogramPointData::getCount).sum();
  }

  @Override
  public void close() {
    tracerProvider.close();
    meterProvider.close();
  }
}
