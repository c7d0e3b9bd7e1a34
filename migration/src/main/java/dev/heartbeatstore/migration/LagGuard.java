package dev.heartbeatstore.migration;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.ReplicationAccess;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a backfill or repair from starving the live service's writes into the same target (libSQL has a
 * single writer): before a batch, about once a second, it reads the lag of the hedging journal that drains
 * into the target (the one kept in the other database) and, while that lag is more than a second above its
 * floor (entries younger than the secondary timeout + 1 s are left to the service's own writes), waits for
 * the relay to catch up, at most {@link #MAX_PAUSE} at a time, so that the copy always moves on. A pause in
 * which the lag never falls means no relay drains that journal (hedging off, or its relay down): the guard
 * then stops watching for the rest of the run. Costs one small query a second when the journal keeps up;
 * nothing when the source keeps no journal.
 */
final class LagGuard implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LagGuard.class);

  static final Duration MAX_PAUSE = Duration.ofSeconds(10);
  private static final long CHECK_EVERY_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long POLL_MILLIS = 200;

  private ReplicationAccess journal;
  private final long pauseAboveMillis;
  private final long resumeBelowMillis;
  private long lastCheck = System.nanoTime() - CHECK_EVERY_NANOS;
  private long pauses;

  private LagGuard(ReplicationAccess journal, Duration floor) {
    this.journal = journal;
    this.pauseAboveMillis = floor.toMillis() + 1_000;
    this.resumeBelowMillis = floor.toMillis() + 500;
  }

  /**
   * The guard of the journal in {@code journalSide}'s database (entries for the other side), or one that
   * never waits when that database keeps no journal or cannot be read now.
   */
  static LagGuard open(HeartbeatStoreConfig config, String journalSide) {
    Duration floor = config.hedgingSecondaryTimeout().plusSeconds(1);
    try {
      return new LagGuard(Backends.openReplicationAccess(config, journalSide), floor);
    } catch (HeartbeatStoreException e) {
      // ConfigurationException too: a backend without a journal.
      log.debug("no journal lag to watch on {}: {}", journalSide, e.getMessage());
      return new LagGuard(null, floor);
    }
  }

  /** Waits while the journal's lag says the live service's writes are falling behind. */
  void awaitTurn() {
    if (journal == null || System.nanoTime() - lastCheck < CHECK_EVERY_NANOS) {
      return;
    }
    lastCheck = System.nanoTime();
    long lag = lagMillis();
    if (lag <= pauseAboveMillis) {
      return;
    }
    pauses++;
    long deadline = System.nanoTime() + MAX_PAUSE.toNanos();
    log.info("journal lag {} ms: pausing the copy so that the live writes catch up", lag);
    long before = lag;
    boolean drained = false;
    while (lag > resumeBelowMillis && System.nanoTime() < deadline) {
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the journal to catch up", e);
      }
      lag = lagMillis();
      drained |= lag < before;
    }
    lastCheck = System.nanoTime();
    if (!drained) {
      // Nobody drains it (hedging off, or its relay down): waiting cannot help the live writes.
      log.info("journal lag {} ms and not falling: no relay is draining it; no more pauses in this run", lag);
      close();
      journal = null;
    }
  }

  /** How many times the copy paused for the journal. */
  long pauses() {
    return pauses;
  }

  private long lagMillis() {
    try {
      return journal.stats().lag().toMillis();
    } catch (HeartbeatStoreException e) {
      return 0;  // a journal that cannot be read now does not stop the copy
    }
  }

  @Override
  public void close() {
    if (journal != null) {
      journal.close();
    }
  }
}
