package dev.heartbeatstore.hedging.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stops trying a secondary that keeps failing, so that in sync mode a secondary that is down costs the
 * caller nothing instead of a secondary timeout per write. After {@code threshold} failures in a row it
 * opens for {@code coolDown}; then one write probes it, and a success closes it again. Writes skipped
 * while it is open are still counted as failed: nothing goes missing unseen.
 */
final class CircuitBreaker {

  private final int threshold;
  private final long coolDownNanos;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  /** 0 when closed, else System.nanoTime() until which it stays open. */
  private final AtomicLong openUntil = new AtomicLong();

  CircuitBreaker(int threshold, Duration coolDown) {
    this.threshold = threshold;
    this.coolDownNanos = coolDown.toNanos();
  }

  /** False when a write may be tried: the breaker is closed, or this caller is the one probe after a cool-down. */
  boolean rejects() {
    long until = openUntil.get();
    if (until == 0) {
      return false;
    }
    long now = System.nanoTime();
    if (now - until < 0) {
      return true;
    }
    // Cool-down over: exactly one caller wins the probe; the others wait another cool-down.
    return !openUntil.compareAndSet(until, now + coolDownNanos);
  }

  void success() {
    consecutiveFailures.set(0);
    openUntil.set(0);
  }

  void failure() {
    if (consecutiveFailures.incrementAndGet() >= threshold) {
      openUntil.set(System.nanoTime() + coolDownNanos);
    }
  }

  boolean isOpen() {
    return openUntil.get() != 0;
  }
}
