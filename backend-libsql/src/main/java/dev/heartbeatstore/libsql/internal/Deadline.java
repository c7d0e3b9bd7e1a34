package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.StoreTimeoutException;
import java.time.Duration;

/** The deadline of one operation, started when the operation starts. */
public final class Deadline {

  private final Duration budget;
  private final long deadlineNanos;

  private Deadline(Duration budget) {
    this.budget = budget;
    this.deadlineNanos = System.nanoTime() + budget.toNanos();
  }

  public static Deadline after(Duration budget) {
    return new Deadline(budget);
  }

  public long remainingNanos() {
    return deadlineNanos - System.nanoTime();
  }

  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, remainingNanos()));
  }

  /** Whether this deadline comes later than {@code other}'s. */
  public boolean endsAfter(Deadline other) {
    return deadlineNanos - other.deadlineNanos > 0;
  }

  public boolean expired() {
    return remainingNanos() <= 0;
  }

  public Duration budget() {
    return budget;
  }

  public StoreTimeoutException timeout(String operation, String what) {
    return new StoreTimeoutException(operation + " did not finish within its deadline of "
        + budget.toMillis() + " ms (" + what + ")");
  }
}
