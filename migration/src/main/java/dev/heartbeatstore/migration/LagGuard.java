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
 * which the relay made no progress at all (the oldest entry still there, the lag not falling) means no relay
 * drains that journal now (hedging off, or its relay down): the guard then looks again only after
 * {@link #REST}, so that a copy with nobody to wait for is not held up every second. While the live service
 * writes (its journal shows entries), the copy also takes short turns: batches of at most {@link #LIVE_BATCH} rows,
 * each followed by a rest of {@link #LIVE_REST} of its time, so that the live writes never wait long behind one.
 * Costs one small query a second when the journal keeps up; nothing when the source keeps no journal.
 */
final class LagGuard implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LagGuard.class);

  static final Duration MAX_PAUSE = Duration.ofSeconds(10);
  /** Rows per batch while the live service writes into the target: short turns at its single writer. */
  static final int LIVE_BATCH = 1_000;
  /** While the live service writes, the copy rests this share of each batch's time after it. */
  static final double LIVE_REST = 0.5;
  /** How long the live service counts as writing after the journal last showed it. */
  private static final long LIVE_FOR_NANOS = Duration.ofSeconds(10).toNanos();
  /** How long the guard stops looking after a pause in which no relay made progress. */
  static final Duration REST = Duration.ofSeconds(60);
  private static final long CHECK_EVERY_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long POLL_MILLIS = 200;

  private final ReplicationAccess journal;
  private final long pauseAboveMillis;
  private final long resumeBelowMillis;
  private long nextCheck = System.nanoTime();
  private long lastNewestSeq = -1;
  private long liveSeenAt = System.nanoTime() - LIVE_FOR_NANOS;
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
    if (journal == null || System.nanoTime() - nextCheck < 0) {
      return;
    }
    nextCheck = System.nanoTime() + CHECK_EVERY_NANOS;
    ReplicationAccess.Stats stats = stats();
    if (stats.depth() > 0 || (lastNewestSeq >= 0 && stats.newestSeq() != lastNewestSeq)) {
      liveSeenAt = System.nanoTime();
    }
    lastNewestSeq = stats.newestSeq();
    long lag = stats.lag().toMillis();
    if (lag <= pauseAboveMillis) {
      return;
    }
    pauses++;
    long deadline = System.nanoTime() + MAX_PAUSE.toNanos();
    log.info("journal lag {} ms: pausing the copy so that the live writes catch up", lag);
    ReplicationAccess.Stats before = stats;
    boolean progress = false;
    while (lag > resumeBelowMillis && System.nanoTime() < deadline) {
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the journal to catch up", e);
      }
      stats = stats();
      lag = stats.lag().toMillis();
      // The relay moved on: the oldest entry went, or the lag fell (a relay that is merely slow still counts).
      progress |= stats.oldestSeq() != before.oldestSeq() || lag < before.lag().toMillis();
    }
    nextCheck = System.nanoTime() + (progress ? CHECK_EVERY_NANOS : REST.toNanos());
    if (!progress) {
      log.info("journal lag {} ms and no entry applied in {} s: no relay is draining it now; looking again in {} s",
          lag, MAX_PAUSE.toSeconds(), REST.toSeconds());
    }
  }

  /** Whether the live service wrote into the target lately (its journal had entries, or new ones came and went). */
  boolean liveWrites() {
    return journal != null && System.nanoTime() - liveSeenAt < LIVE_FOR_NANOS;
  }

  /** {@code configured}, or {@link #LIVE_BATCH} when smaller while the live service writes. */
  int batchSize(int configured) {
    return liveWrites() ? Math.min(configured, LIVE_BATCH) : configured;
  }

  /**
   * After a batch that held the target's writer for {@code tookNanos}: while the live service writes, rests
   * {@link #LIVE_REST} of that time, so that its writes (and the relay's) get their turns in between.
   */
  void rest(long tookNanos) {
    if (!liveWrites()) {
      return;
    }
    try {
      Thread.sleep(Math.min(2_000, (long) (tookNanos * LIVE_REST / 1_000_000)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while resting between batches", e);
    }
  }

  /** How many times the copy paused for the journal. */
  long pauses() {
    return pauses;
  }

  private ReplicationAccess.Stats stats() {
    try {
      return journal.stats();
    } catch (HeartbeatStoreException e) {
      return ReplicationAccess.Stats.EMPTY;  // a journal that cannot be read now does not stop the copy
    }
  }

  @Override
  public void close() {
    if (journal != null) {
      journal.close();
    }
  }
}
