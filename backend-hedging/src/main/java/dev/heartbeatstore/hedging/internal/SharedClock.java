package dev.heartbeatstore.hedging.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * The clock both sides are opened with. An update that sets {@code updatedAt = now} is run on each
 * side with the same pinned instant, so the secondary stores exactly what the primary stored even
 * when it applies the write later, on another thread.
 */
final class SharedClock extends Clock {

  private final Clock base;
  private final ThreadLocal<Instant> pinned = new ThreadLocal<>();

  SharedClock(Clock base) {
    this.base = base;
  }

  /** A new instant from the base clock, at the precision the stores keep. */
  Instant now() {
    return base.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Runs {@code call} with this clock reading {@code instant} on the current thread. */
  <T> T pinnedAt(Instant instant, Supplier<T> call) {
    Instant previous = pinned.get();
    pinned.set(instant);
    try {
      return call.get();
    } finally {
      if (previous == null) {
        pinned.remove();
      } else {
        pinned.set(previous);
      }
    }
  }

  void pinnedAt(Instant instant, Runnable call) {
    pinnedAt(instant, () -> {
      call.run();
      return null;
    });
  }

  @Override
  public Instant instant() {
    Instant p = pinned.get();
    return p != null ? p : base.instant();
  }

  @Override
  public ZoneId getZone() {
    return base.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the hedging clock is used in UTC only");
  }
}
