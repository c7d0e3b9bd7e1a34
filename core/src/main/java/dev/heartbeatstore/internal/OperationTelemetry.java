package dev.heartbeatstore.internal;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.spi.TelemetryTarget;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenTelemetry side of every repository operation, following the semantic conventions for database
 * clients: the stable {@code db.client.operation.duration} histogram and one {@code CLIENT} span named
 * {@code {db.operation.name} {db.collection.name}}, both with {@code db.system.name}, {@code db.operation.name},
 * {@code db.collection.name}, {@code db.namespace}, {@code server.address} and {@code server.port} (where the
 * backend knows them), plus {@code error.type} and {@code db.response.status_code} on failure. A batch of two
 * or more rows is the operation {@code BATCH store} with {@code db.operation.batch.size}.
 * {@link HeartbeatStoreConfig.Telemetry} turns either part off.
 */
final class OperationTelemetry {

  static final String INSTRUMENTATION_SCOPE = "dev.heartbeatstore";
  static final String METRIC = "db.client.operation.duration";
  static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
  static final AttributeKey<String> DB_COLLECTION_NAME = AttributeKey.stringKey("db.collection.name");
  static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
  static final AttributeKey<Long> DB_OPERATION_BATCH_SIZE = AttributeKey.longKey("db.operation.batch.size");
  static final AttributeKey<String> DB_RESPONSE_STATUS_CODE = AttributeKey.stringKey("db.response.status_code");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** Bucket advice from the semantic conventions for this metric. */
  private static final List<Double> BUCKETS = List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0);

  private static final OperationTelemetry NONE = new OperationTelemetry(null, null, Attributes.empty());

  /** What an operation does when nothing is recorded. */
  private static final Operation UNRECORDED = new Operation(NONE, null, null, 0);

  private final DoubleHistogram histogram;
  private final Tracer tracer;
  /** db.system.name, db.namespace, server.address, server.port: the same for every operation. */
  private final Attributes common;
  private final Map<String, Attributes> operationAttributes = new ConcurrentHashMap<>();

  private OperationTelemetry(DoubleHistogram histogram, Tracer tracer, Attributes common) {
    this.histogram = histogram;
    this.tracer = tracer;
    this.common = common;
  }

  /**
   * Telemetry for one backend; a null {@code dbSystemName} (a backend that wraps others, whose inner stores
   * record their own) records nothing.
   */
  static OperationTelemetry create(OpenTelemetry openTelemetry, HeartbeatStoreConfig.Telemetry telemetry,
      String dbSystemName, TelemetryTarget target) {
    if (dbSystemName == null || telemetry == HeartbeatStoreConfig.Telemetry.OFF) {
      return NONE;
    }
    DoubleHistogram histogram = !telemetry.metrics() ? null : openTelemetry.getMeter(INSTRUMENTATION_SCOPE)
        .histogramBuilder(METRIC)
        .setUnit("s")
        .setDescription("Duration of database client operations.")
        .setExplicitBucketBoundariesAdvice(BUCKETS)
        .build();
    Tracer tracer = telemetry.spans() ? openTelemetry.getTracer(INSTRUMENTATION_SCOPE) : null;
    AttributesBuilder common = Attributes.builder().put(DB_SYSTEM_NAME, dbSystemName);
    TelemetryTarget t = target == null ? TelemetryTarget.NONE : target;
    if (t.namespace() != null) {
      common.put(DB_NAMESPACE, t.namespace());
    }
    if (t.serverAddress() != null) {
      common.put(SERVER_ADDRESS, t.serverAddress());
    }
    if (t.serverPort() != null) {
      common.put(SERVER_PORT, t.serverPort().longValue());
    }
    return new OperationTelemetry(histogram, tracer, common.build());
  }

  /** Metrics only, nothing about the server: for unit tests of the wrapper. */
  static OperationTelemetry create(OpenTelemetry openTelemetry, String dbSystemName) {
    return create(openTelemetry, HeartbeatStoreConfig.Telemetry.ON, dbSystemName, TelemetryTarget.NONE);
  }

  /**
   * Starts one operation: its clock and, when spans are on, its span (made current by
   * {@link Operation#makeCurrent()}, so that spans the driver's own instrumentation makes become children).
   *
   * @param operation the single operation's name, e.g. {@code store}
   * @param batchSize the number of rows of a batch call, or 0 for a single operation; a batch of one row is
   *                  recorded as the single operation, as the conventions ask
   */
  Operation start(String collection, String operation, int batchSize) {
    if (histogram == null && tracer == null) {
      return UNRECORDED;
    }
    boolean batch = batchSize >= 2;
    String name = batch ? "BATCH " + operation : operation;
    Attributes attributes = operationAttributes.computeIfAbsent(collection + '/' + name,
        k -> common.toBuilder().put(DB_OPERATION_NAME, name).put(DB_COLLECTION_NAME, collection).build());
    Span span = null;
    if (tracer != null) {
      var builder = tracer.spanBuilder(name + ' ' + collection)
          .setSpanKind(SpanKind.CLIENT)
          .setAllAttributes(attributes);
      if (batch) {
        builder.setAttribute(DB_OPERATION_BATCH_SIZE, (long) batchSize);
      }
      span = builder.startSpan();
    }
    return new Operation(this, attributes, span, histogram == null ? 0 : System.nanoTime());
  }

  /** One running operation. */
  static final class Operation {
    private final OperationTelemetry telemetry;
    private final Attributes attributes;
    private final Span span;
    private final long startNanos;

    private Operation(OperationTelemetry telemetry, Attributes attributes, Span span, long startNanos) {
      this.telemetry = telemetry;
      this.attributes = attributes;
      this.span = span;
      this.startNanos = startNanos;
    }

    /** Makes the span current in this thread, until the returned scope is closed. */
    Scope makeCurrent() {
      return span == null ? Scope.noop() : span.makeCurrent();
    }

    void success() {
      if (telemetry.histogram != null) {
        telemetry.histogram.record(seconds(), attributes);
      }
      if (span != null) {
        span.end();
      }
    }

    void failure(Throwable error) {
      if (telemetry == NONE) {
        return;
      }
      String statusCode = statusCode(error);
      // The conventions: error.type is the database's status code when there is one, else the exception's class.
      String errorType = statusCode != null ? statusCode : error.getClass().getName();
      if (telemetry.histogram != null) {
        AttributesBuilder failed = attributes.toBuilder().put(ERROR_TYPE, errorType);
        if (statusCode != null) {
          failed.put(DB_RESPONSE_STATUS_CODE, statusCode);
        }
        telemetry.histogram.record(seconds(), failed.build());
      }
      if (span != null) {
        span.setAttribute(ERROR_TYPE, errorType);
        if (statusCode != null) {
          span.setAttribute(DB_RESPONSE_STATUS_CODE, statusCode);
        }
        span.setStatus(StatusCode.ERROR);
        span.end();
      }
    }

    /**
     * The database's code: the first {@link HeartbeatStoreException#statusCode()} in the cause chain (a backend
     * may wrap its translated exception in one with a better message).
     */
    static String statusCode(Throwable error) {
      int depth = 0;
      for (Throwable t = error; t != null && depth < 20; t = t.getCause() == t ? null : t.getCause(), depth++) {
        if (t instanceof HeartbeatStoreException && ((HeartbeatStoreException) t).statusCode() != null) {
          return ((HeartbeatStoreException) t).statusCode();
        }
      }
      return null;
    }

    private double seconds() {
      return (System.nanoTime() - startNanos) / 1e9;
    }
  }
}
