package dev.heartbeatstore.hedging.internal;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link SecondaryWrite}s to the secondary and turns every failure into a log line and a
 * count, never an exception. {@link Sync} runs them in the caller's thread; {@link AsyncWriter}
 * queues them.
 */
abstract class SecondaryWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SecondaryWriter.class);
  private static final long WARN_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

  protected final Secondary secondary;
  protected final HedgingMetrics metrics;
  private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
  private final AtomicInteger suppressedWarnings = new AtomicInteger();
  private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(1));
  private final AppliedHeartbeats applied;

  SecondaryWriter(Secondary secondary, HedgingMetrics metrics, AppliedHeartbeats applied) {
    this.secondary = secondary;
    this.metrics = metrics;
    this.applied = applied;
  }

  /** Hands a write over; never throws, never blocks on a full queue. */
  abstract void submit(SecondaryWrite write);

  /** Applies one write now, in the calling thread. */
  final void apply(SecondaryWrite write) {
    HeartbeatStore store = secondary.current();
    if (store == null) {
      failed(write, HedgingMetrics.SECONDARY_UNAVAILABLE, "the secondary is not open");
      return;
    }
    if (breaker.rejects()) {
      failed(write, HedgingMetrics.CIRCUIT_OPEN, "skipped: the secondary failed repeatedly and is rested for a moment");
      return;
    }
    try {
      write.action().accept(store);
      breaker.success();
      appliedHeartbeats(write);
    } catch (DuplicateRecordException e) {
      // The secondary already has it (a replay, a backfill, or an earlier try that did land): not a failure.
      breaker.success();
      appliedHeartbeats(write);
      log.debug("hedging: secondary {} already had {} {}", secondary.name(), write.operation(), write.key());
    } catch (RuntimeException e) {
      countTowardsBreaker(e);
      failed(write, HedgingMetrics.errorType(e), e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * Applies consecutive single {@code heartbeats.store} writes (each with its {@link SecondaryWrite#heartbeat()})
   * as one {@code storeAll}: one round trip and one transaction on the secondary instead of one per write.
   * A duplicate in the batch falls back to applying them one by one, so each is counted on its own.
   */
  final void applyBatch(List<SecondaryWrite> writes) {
    if (writes.size() == 1) {
      apply(writes.get(0));
      return;
    }
    SecondaryWrite first = writes.get(0);
    HeartbeatStore store = secondary.current();
    if (store == null) {
      failed(first, HedgingMetrics.SECONDARY_UNAVAILABLE, "the secondary is not open", writes.size());
      return;
    }
    if (breaker.rejects()) {
      failed(first, HedgingMetrics.CIRCUIT_OPEN, "skipped: the secondary failed repeatedly and is rested for a moment",
          writes.size());
      return;
    }
    List<Heartbeat> heartbeats = new ArrayList<>(writes.size());
    for (SecondaryWrite w : writes) {
      heartbeats.add(w.heartbeat());
    }
    try {
      store.heartbeats().storeAll(heartbeats);
      breaker.success();
      applied.addAll(heartbeats);
    } catch (DuplicateRecordException e) {
      breaker.success();
      for (SecondaryWrite w : writes) {
        apply(w);
      }
    } catch (RuntimeException e) {
      countTowardsBreaker(e);
      failed(first, HedgingMetrics.errorType(e), e.getClass().getSimpleName() + ": " + e.getMessage(), writes.size());
    }
  }

  /**
   * Only a failure of the secondary's health (unreachable, too slow) rests it; an error about one write's
   * content (a row it refuses) means the secondary answered, and must not stop the writes of others.
   */
  private void countTowardsBreaker(RuntimeException e) {
    if (e instanceof StoreUnavailableException || e instanceof StoreTimeoutException) {
      breaker.failure();
    } else {
      breaker.success();
    }
  }

  private void appliedHeartbeats(SecondaryWrite write) {
    if (write.heartbeat() != null) {
      applied.add(write.heartbeat());
    } else if (write.heartbeats() != null) {
      applied.addAll(write.heartbeats());
    }
  }

  final void failed(SecondaryWrite write, String errorType, String why) {
    failed(write, errorType, why, 1);
  }

  /** {@code count} writes like {@code write} (a batch of them) missed the secondary. */
  final void failed(SecondaryWrite write, String errorType, String why, int count) {
    metrics.writeFailed(write.operation(), errorType, count);
    // One WARN a second at most: a secondary that is down must not flood the service's logs.
    long now = System.nanoTime();
    long last = lastWarnNanos.get();
    if (now - last >= WARN_EVERY_NANOS && lastWarnNanos.compareAndSet(last, now)) {
      int suppressed = suppressedWarnings.getAndSet(0);
      log.warn("hedging: secondary {} missed {} {}{} ({}){}", secondary.name(), write.operation(), write.key(),
          count == 1 ? "" : " and " + (count - 1) + " more in the same batch", why,
          suppressed == 0 ? "" : "; " + suppressed + " more secondary failures in the last second");
    } else {
      suppressedWarnings.addAndGet(count);
      log.debug("hedging: secondary {} missed {} {} ({}; batch of {})", secondary.name(), write.operation(), write.key(),
          why, count);
    }
  }

  @Override
  public void close() {}

  /** {@code HEARTBEAT_HEDGING_MODE=sync}: the secondary write runs in the caller's thread, after the primary. */
  static final class Sync extends SecondaryWriter {
    Sync(Secondary secondary, HedgingMetrics metrics, AppliedHeartbeats applied) {
      super(secondary, metrics, applied);
    }

    @Override
    void submit(SecondaryWrite write) {
      apply(write);
    }
  }
}
