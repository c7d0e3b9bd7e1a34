package dev.heartbeatstore.hedging;

import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.hedging.internal.JournalReplay;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.spi.ReplicationAccess.Stats;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Drains a hedging journal on demand (the {@code heartbeat journal --drain} command): applies every
 * entry pending when it starts to the other side, and reports whether it got there in time. Safe while
 * services write: when a running service's relay holds the journal's lease, the drain waits for that
 * relay instead of competing with it; entries written after the drain started do not keep it waiting.
 */
public final class JournalDrain {

  private static final Duration LEASE = Duration.ofSeconds(10);

  private JournalDrain() {}


  /**
   * Drains {@code journal} (one side's) into {@code target} (the other side). Retries, with backoff, while
   * either database is unavailable or slow, until {@code timeout}.
   *
   * @param journal the journal to drain, on the side that recorded the writes
   * @param target  the other side, where the entries are replayed
   * @param timeout how long to keep trying, measured from the call
   * @return true when every entry pending at the start has been applied (or dead-lettered) within {@code timeout}
   */
  public static boolean drain(ReplicationAccess journal, ReplicationAccess target, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Stats start = journal.stats();
    if (start.depth() == 0) {
      return true;
    }
    long until = start.newestSeq();
    String holder = "drain-" + UUID.randomUUID();
    long backoffMs = 0;
    try {
      while (true) {
        Stats now = journal.stats();
        if (now.depth() == 0 || now.oldestSeq() > until) {
          return true;
        }
        if (System.nanoTime() - deadline >= 0) {
          return false;
        }
        try {
          if (journal.tryLease(holder, LEASE)) {
            JournalReplay.replayBatch(journal, target);
            backoffMs = 0;
          } else {
            sleep(200);  // a service's relay holds the lease and drains meanwhile
          }
        } catch (StoreUnavailableException | StoreTimeoutException e) {
          backoffMs = backoffMs == 0 ? 100 : Math.min(5_000, backoffMs * 2);
          sleep(backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1));
        }
      }
    } finally {
      try {
        journal.releaseLease(holder);
      } catch (RuntimeException ignored) {
        // It expires by itself.
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while draining the journal", e);
    }
  }
}
