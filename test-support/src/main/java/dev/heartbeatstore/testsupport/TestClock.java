package dev.heartbeatstore.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, so that a test can say exactly which
 * {@code updatedAt} a store must write. Thread-safe; always in UTC.
 */
public final class TestClock extends Clock {

  private final AtomicReference<Instant> now;

  /**
   * A clock standing at {@code start}.
   *
   * @param start the first time it returns
   * @throws NullPointerException if {@code start} is null
   */
  public TestClock(Instant start) {
    this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
  }

  /**
   * Sets the time every later {@link #instant()} returns.
   *
   * @param instant the new time; may be earlier than the current one
   * @throws NullPointerException if {@code instant} is null
   */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  /**
   * Moves the clock forward by {@code amount}.
   *
   * @param amount how far; a negative amount moves it back
   * @return the new time
   */

  public Instant advance(Duration amount) {
    return now.updateAndGet(t -> t.plus(amount));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    // The store only asks for instants; the zone is irrelevant, the time source must stay shared.
    return this;
  }

  @Override
  public String toString() {
    return "TestClock[" + now.get() + "]";
  }
}
