package dev.heartbeatstore.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the stable {@code db.client.operation.duration} histogram (OpenTelemetry semantic
 * conventions for database clients) around every repository operation.
 */
final class OperationMetrics {

  static final String INSTRUMENTATION_SCOPE = "dev.heartbeatstore";
  static final String METRIC = "db.client.operation.duration";
  static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
  static final AttributeKey<String> DB_COLLECTION_NAME = AttributeKey.stringKey("db.collection.name");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** Bucket advice from the semantic conventions for this metric. */
  private static final List<Double> BUCKETS = List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0);

  private static final OperationMetrics NONE = new OperationMetrics(null, null);

  private final DoubleHistogram histogram;
  private final String dbSystemName;
  private final Map<String, Attributes> successAttributes = new ConcurrentHashMap<>();

  private OperationMetrics(DoubleHistogram histogram, String dbSystemName) {
    this.histogram = histogram;
    this.dbSystemName = dbSystemName;
  }

  /** Metrics for one backend; a null {@code dbSystemName} records nothing. */
  static OperationMetrics create(OpenTelemetry openTelemetry, String dbSystemName) {
    if (dbSystemName == null) {
      return NONE;
    }
    DoubleHistogramBuilder builder = openTelemetry.getMeter(INSTRUMENTATION_SCOPE)
        .histogramBuilder(METRIC)
        .setUnit("s")
        .setDescription("Duration of database client operations.")
        .setExplicitBucketBoundariesAdvice(BUCKETS);
    return new OperationMetrics(builder.build(), dbSystemName);
  }

  long start() {
    return histogram == null ? 0 : System.nanoTime();
  }

  void success(String collection, String operation, long startNanos) {
    if (histogram == null) {
      return;
    }
    Attributes attributes = successAttributes.computeIfAbsent(collection + '/' + operation,
        k -> base(collection, operation).build());
    histogram.record(seconds(startNanos), attributes);
  }

  void failure(String collection, String operation, long startNanos, Throwable error) {
    if (histogram == null) {
      return;
    }
    histogram.record(seconds(startNanos),
        base(collection, operation).put(ERROR_TYPE, error.getClass().getName()).build());
  }

  private io.opentelemetry.api.common.AttributesBuilder base(String collection, String operation) {
    return Attributes.builder()
        .put(DB_SYSTEM_NAME, dbSystemName)
        .put(DB_OPERATION_NAME, operation)
        .put(DB_COLLECTION_NAME, collection);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
