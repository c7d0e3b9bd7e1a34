package dev.heartbeatstore.hedging.internal;

import dev.heartbeatstore.spi.ReplicationAccess;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleGauge;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The hedging backend's own instruments. */
final class HedgingMetrics implements AutoCloseable {

  static final String WRITE_FAILURES = "hedging.secondary.write.failures";
  static final String READ_MISMATCHES = "hedging.read.mismatches";
  static final String QUEUE_DEPTH = "hedging.secondary.queue.depth";
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("operation");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** error.type of a write dropped because the async queue was full. */
  static final String QUEUE_FULL = "queue_full";
  /** error.type of a write not attempted because the secondary has not opened (yet). */
  static final String SECONDARY_UNAVAILABLE = "secondary_unavailable";
  /** error.type of a write skipped while the circuit breaker rests a failing secondary. */
  static final String CIRCUIT_OPEN = "circuit_open";
  /** error.type of a queued write abandoned when close() ran out of time. */
  static final String ABANDONED = "abandoned_at_close";
  /** error.type of a journal entry the secondary refused for its content, moved to the dead letters. */
  static final String DEAD_LETTER = "dead_letter";
  static final String JOURNAL_DEPTH = "hedging.journal.depth";
  static final String JOURNAL_LAG = "hedging.journal.lag";

  private final Meter meter;
  private final LongCounter writeFailures;
  private final LongCounter readMismatches;
  private ObservableLongGauge queueDepth;
  private ObservableLongGauge journalDepth;
  private ObservableDoubleGauge journalLag;

  HedgingMetrics(OpenTelemetry openTelemetry) {
    this.meter = openTelemetry.getMeter("dev.heartbeatstore.hedging");
    this.writeFailures = meter.counterBuilder(WRITE_FAILURES)
        .setUnit("1")
        .setDescription("Secondary writes that failed, were dropped or abandoned; the primary had accepted them.")
        .build();
    this.readMismatches = meter.counterBuilder(READ_MISMATCHES)
        .setUnit("1")
        .setDescription("Sampled primary reads whose re-run on the secondary gave a different result.")
        .build();
  }

  void writeFailed(String operation, String errorType, long count) {
    writeFailures.add(count, Attributes.of(OPERATION, operation, ERROR_TYPE, errorType));
  }

  void readMismatch(String operation) {
    readMismatches.add(1, Attributes.of(OPERATION, operation));
  }

  void observeQueueDepth(LongSupplier depth) {
    queueDepth = meter.gaugeBuilder(QUEUE_DEPTH)
        .ofLongs()
        .setUnit("1")
        .setDescription("Secondary writes waiting in the async queue.")
        .buildWithCallback(m -> m.record(depth.getAsLong()));
  }

  /** The journal's gauges, read from the relay's latest look at the journal. */
  void observeJournal(Supplier<ReplicationAccess.Stats> stats) {
    journalDepth = meter.gaugeBuilder(JOURNAL_DEPTH)
        .ofLongs()
        .setUnit("1")
        .setDescription("Journal entries the secondary has not received yet.")
        .buildWithCallback(m -> m.record(stats.get().depth()));
    journalLag = meter.gaugeBuilder(JOURNAL_LAG)
        .setUnit("s")
        .setDescription("Seconds since the oldest journal entry not yet applied to the secondary was written.")
        .buildWithCallback(m -> m.record(stats.get().lag().toMillis() / 1000.0));
  }

  static String errorType(Throwable e) {
    return e.getClass().getName();
  }

  @Override
  public void close() {
    if (queueDepth != null) {
      queueDepth.close();
    }
    if (journalDepth != null) {
      journalDepth.close();
    }
    if (journalLag != null) {
      journalLag.close();
    }
  }
}
