package dev.heartbeatstore.migration;

import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rides out a side that is unreachable for a while (a restart, a network blip, a frozen server): a call
 * that times out or finds the server unavailable is tried again after a capped, jittered backoff, until
 * the side has been failing for {@code giveUpAfter} without one success in between. Only for calls that
 * are safe to repeat (scans, point reads, insert-if-absent, last-writer-wins, deletes by id): a timed-out
 * write may have been applied, and applying it again changes nothing.
 *
 * <p>Other errors (bad settings, a corrupt row, a refused statement) are thrown at once: waiting does not
 * fix them.
 */
final class Retry {

  private static final Logger log = LoggerFactory.getLogger(Retry.class);

  static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final Duration giveUpAfter;
  /** Per side: when the first call of its current run of failures began (System.nanoTime), absent while it answers. */
  private final Map<String, Long> failingSince = new ConcurrentHashMap<>();
  private final AtomicLong retries = new AtomicLong();

  Retry(Duration giveUpAfter) {
    this.giveUpAfter = giveUpAfter;
  }

  /** Runs {@code call} against {@code side}, again after each transient failure, until it succeeds or the side has been unreachable for too long. */
  <T> T call(String side, String what, Supplier<T> call) {
    int attempt = 0;
    while (true) {
      long began = System.nanoTime();
      try {
        T result = call.get();
        failingSince.remove(side);
        return result;
      } catch (StoreTimeoutException | StoreUnavailableException e) {
        long now = System.nanoTime();
        // From the start of the first call that failed: a call that hangs until its deadline counts whole.
        long since = failingSince.computeIfAbsent(side, s -> began);
        Duration failing = Duration.ofNanos(now - since);
        if (failing.compareTo(giveUpAfter) >= 0) {
          failingSince.remove(side);
          throw new StoreUnavailableException(side + " has been unreachable for " + seconds(failing)
              + " (give up after " + seconds(giveUpAfter) + "), last while trying to " + what + ": " + e.getMessage(), e);
        }
        Duration backoff = backoff(attempt++);
        retries.incrementAndGet();
        log.warn("{}: {} failed ({}); trying again in {} ms, failing for {} so far", side, what, e.getMessage(),
            backoff.toMillis(), seconds(failing));
        sleep(backoff);
      }
    }
  }

  /** A call without a result. */
  void run(String side, String what, Runnable call) {
    call(side, what, () -> {
      call.run();
      return null;
    });
  }

  /** Calls tried again so far. */
  long retries() {
    return retries.get();
  }

  /** Exponential from {@link #FIRST_BACKOFF}, capped at {@link #MAX_BACKOFF}, then a random half to all of it. */
  static Duration backoff(int attempt) {
    long cap = MAX_BACKOFF.toMillis();
    long exponential = FIRST_BACKOFF.toMillis() << Math.min(attempt, 16);
    long ceiling = Math.min(cap, exponential);
    return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to try again", e);
    }
  }
}
