package dev.heartbeatstore.spi;

import dev.heartbeatstore.StoreTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * The deadline of one operation, fixed when the operation starts ({@code HEARTBEAT_DB_TIMEOUT} from then), and
 * passed down to everything the operation does: waiting for a connection or a lane, sending, retrying. A backend
 * makes one per call and never stores one between calls; an operation ends with {@link StoreTimeoutException} at
 * its deadline (contract §2).
 *
 * <p>SPI for backends: the application never sees it. Measured on {@link System#nanoTime()}, so a change of the
 * wall clock does not move it. Immutable and safe to share between threads.
 */
public final class Deadline {

  private final Duration budget;
  private final long endNanos;

  private Deadline(Duration budget, long startNanos) {
    this.budget = budget;
    this.endNanos = startNanos + budget.toNanos();
  }

  /**
   * The deadline {@code budget} from now.
   *
   * @param budget the operation's timeout; zero makes a deadline already reached
   * @return the deadline
   * @throws NullPointerException if {@code budget} is null
   * @throws IllegalArgumentException if {@code budget} is negative
   */
  public static Deadline after(Duration budget) {
    Objects.requireNonNull(budget, "budget");
    if (budget.isNegative()) {
      throw new IllegalArgumentException("budget must not be negative: " + budget);
    }
    return new Deadline(budget, System.nanoTime());
  }

  /**
   * Nanoseconds left.
   *
   * @return the nanoseconds to the deadline; negative once past
   */
  public long remainingNanos() {
    return endNanos - System.nanoTime();
  }

  /**
   * What is left.
   *
   * @return the time to the deadline; zero once past, never negative
   */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, remainingNanos()));
  }

  /**
   * Whether the deadline has passed.
   *
   * @return true once no time is left
   */
  public boolean expired() {
    return remainingNanos() <= 0;
  }

  /**
   * Whether this deadline comes later than {@code other}'s.
   *
   * @param other the deadline to compare with, not null
   * @return true when this one ends strictly later
   */
  public boolean endsAfter(Deadline other) {
    return endNanos - other.endNanos > 0;
  }

  /**
   * The {@link System#nanoTime()} at which the deadline ends, plus {@code grace}: for timers that act after it.
   *
   * @param grace the time to add past the deadline, not null
   * @return a {@link System#nanoTime()} value
   */
  public long endNanosPlus(Duration grace) {
    return endNanos + grace.toNanos();
  }

  /**
   * The budget it was made with (the operation's timeout), for messages.
   *
   * @return the budget given to {@link #after(Duration)}
   */
  public Duration budget() {
    return budget;
  }

  /**
   * The timeout of {@code operation}: {@code "<operation> did not finish within its deadline of N ms (<what>)"}.
   *
   * @param operation the operation that ran out of time, e.g. {@code "store"}
   * @param what      what it was waiting for, free of secrets
   * @return the exception to throw; this method does not throw it
   */
  public StoreTimeoutException timeout(String operation, String what) {

    return new StoreTimeoutException(operation + " did not finish within its deadline of "
        + budget.toMillis() + " ms (" + what + ")");
  }

  @Override
  public String toString() {
    return "Deadline{budget=" + budget.toMillis() + " ms, remaining=" + remaining().toMillis() + " ms}";
  }
}
