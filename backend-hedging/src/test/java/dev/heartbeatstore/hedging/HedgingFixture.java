package dev.heartbeatstore.hedging;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.testsupport.servers.TestPostgres;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Predicate;

/** A hedging store over real PostgreSQL and a real sqld, with in-memory metrics. */
final class HedgingFixture implements AutoCloseable {

  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("operation");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(metrics).build();
  final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder().setMeterProvider(meterProvider).build();

  /**
   * PostgreSQL in a schema of this test JVM's own: the hedging journal lives beside the tables, and a
   * journal is meant to be drained to one secondary, not to whichever sqld another test run started.
   */
  static final String POSTGRES_URL = TestPostgres.isolatedSchema("hedging");

  /** The settings shared by the hedging store and the direct views of each side. */
  static HeartbeatStoreConfig.Builder both(String tursoUrl) {
    return HeartbeatStoreConfig.builder()
        .databaseUrl(POSTGRES_URL)
        .tursoDatabaseUrl(tursoUrl);
  }

  HeartbeatStore hedging(HeartbeatStoreConfig.Builder builder) {
    return HeartbeatStores.open(builder.backend("hedging").openTelemetry(openTelemetry).build());
  }

  static HeartbeatStore postgres(String tursoUrl) {
    return HeartbeatStores.open(both(tursoUrl).backend("postgres").build());
  }

  static HeartbeatStore turso(String tursoUrl) {
    return HeartbeatStores.open(both(tursoUrl).backend("turso").build());
  }

  /** Sum of {@code hedging.secondary.write.failures} points matching {@code filter}. */
  long failures(Predicate<LongPointData> filter) {
    return sum("hedging.secondary.write.failures", filter);
  }

  long failures() {
    return failures(p -> true);
  }

  long mismatches() {
    return sum("hedging.read.mismatches", p -> true);
  }

  /** The last observed {@code hedging.secondary.queue.depth}. */
  long queueDepth() {
    for (MetricData data : metrics.collectAllMetrics()) {
      if (data.getName().equals("hedging.secondary.queue.depth")) {
        return data.getLongGaugeData().getPoints().iterator().next().getValue();
      }
    }
    throw new AssertionError("hedging.secondary.queue.depth was not observed");
  }

  long sum(String metric, Predicate<LongPointData> filter) {
    long total = 0;
    for (MetricData data : metrics.collectAllMetrics()) {
      if (data.getName().equals(metric)) {
        for (LongPointData point : data.getLongSumData().getPoints()) {
          if (filter.test(point)) {
            total += point.getValue();
          }
        }
      }
    }
    return total;
  }

  static String newUserId() {
    return "hedging-user-" + UUID.randomUUID();
  }

  static Heartbeat heartbeat(String userId, String owner) {
    return new Heartbeat(UUID.randomUUID(), owner, "2.0.0", true, userId,
        Instant.now().truncatedTo(ChronoUnit.MICROS));
  }

  static HeartbeatMonitor monitor(String userId, String owner) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), userId, "", owner, true, now, now);
  }

  @Override
  public void close() {
    meterProvider.close();
  }
}
