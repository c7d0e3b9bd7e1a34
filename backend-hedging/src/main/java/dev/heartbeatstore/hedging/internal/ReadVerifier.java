package dev.heartbeatstore.hedging.internal;

import dev.heartbeatstore.HeartbeatStore;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-runs a sample ({@code HEARTBEAT_HEDGING_VERIFY_READS}) of primary reads on the secondary in the
 * background and counts the differences on {@code hedging.read.mismatches}: how an operator knows the
 * secondary is ready for cutover. Never slows or fails the read it samples: when its small queue is
 * full, the sample is skipped.
 */
final class ReadVerifier implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReadVerifier.class);

  private final double fraction;
  private final Secondary secondary;
  private final HedgingMetrics metrics;
  private final ThreadPoolExecutor executor;

  ReadVerifier(double fraction, Secondary secondary, HedgingMetrics metrics) {
    this.fraction = fraction;
    this.secondary = secondary;
    this.metrics = metrics;
    this.executor = fraction <= 0 ? null : new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(1000), r -> {
          Thread t = new Thread(r, "heartbeat-hedging-verify");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
  }

  /** Maybe compares {@code primaryResult} with the same read on the secondary. */
  <T> void sample(String operation, String key, T primaryResult, Function<HeartbeatStore, T> read) {
    if (executor == null || ThreadLocalRandom.current().nextDouble() >= fraction) {
      return;
    }
    executor.execute(() -> {
      HeartbeatStore store = secondary.current();
      if (store == null) {
        return;
      }
      try {
        T secondaryResult = read.apply(store);
        if (!Objects.equals(primaryResult, secondaryResult)) {
          metrics.readMismatch(operation);
          log.debug("hedging: {} {} differs: primary {} secondary {}", operation, key, primaryResult, secondaryResult);
        }
      } catch (RuntimeException e) {
        log.debug("hedging: could not verify {} {} on the secondary: {}", operation, key, e.toString());
      }
    });
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
