package dev.heartbeatstore.hedging.internal;

import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.spi.ReplicationAccess.Entry;
import dev.heartbeatstore.spi.ReplicationAccess.Stats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the primary's journal to the secondary, in seq order, in batches, on one daemon thread. Every
 * hedging store runs one; only the one holding the journal's lease works, the others wait for the lease
 * to expire (a killed process's lease runs out after {@link #LEASE_TTL}). Entries younger than
 * {@code grace} are left to the caller's own secondary write (sync) or the async lanes, which are
 * usually faster; the relay catches everything they missed, and everything a killed process left.
 */
final class JournalRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JournalRelay.class);

  static final Duration LEASE_TTL = Duration.ofSeconds(10);
  /** Entries per replay: one read of the primary and one write of the secondary (a 1,000-row insert, one JSON text). */
  static final int BATCH = 1_000;
  /** Applied heartbeats whose entries one statement removes, at most. */
  private static final int REMOVE_AT_ONCE = 5_000;
  private static final long RENEW_EVERY_NANOS = LEASE_TTL.toNanos() / 3;
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long STATS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** Failed batches in a row before the relay asks whether the secondary or one entry is the problem. */
  static final int ISOLATE_AFTER = 3;
  /** Failed replays of one entry, while the secondary answers otherwise, before it is set aside. */
  static final int DEAD_AFTER_ATTEMPTS = 5;

  private final ReplicationAccess primary;
  private final Supplier<ReplicationAccess> secondary;
  private final Duration grace;
  private final HedgingMetrics metrics;
  private final AppliedHeartbeats applied;
  private final String holder = "relay-" + UUID.randomUUID();
  private final Thread thread;
  private volatile boolean closed;
  private volatile Stats stats = Stats.EMPTY;
  private long leaseRenewedAt;
  private boolean holding;
  private long lastWarnAt = System.nanoTime() - WARN_EVERY_NANOS;

  /**
   * @param secondary the secondary's replication access, or null while it cannot be opened (asked again
   *                  each round)
   */
  JournalRelay(ReplicationAccess primary, Supplier<ReplicationAccess> secondary, Duration grace,
               HedgingMetrics metrics, String name, AppliedHeartbeats applied) {
    this.applied = applied;
    this.primary = primary;
    this.secondary = secondary;
    this.grace = grace;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "heartbeat-hedging-relay-" + name);
    this.thread.setDaemon(true);
    metrics.observeJournal(() -> stats);
  }

  void start() {
    thread.start();
  }

  /** The journal as last seen (refreshed about every second). */
  Stats stats() {
    return stats;
  }

  private void run() {
    long backoff = 0;
    long statsAt = 0;
    int failuresInARow = 0;
    while (!closed) {
      Replayer replayer = null;
      List<Entry> batch = List.of();
      try {
        if (System.nanoTime() - statsAt >= STATS_EVERY_NANOS) {
          stats = primary.stats();
          statsAt = System.nanoTime();
        }
        // Every process removes the entries of what its own fast path applied, lease or not.
        removeAppliedHeartbeats();
        if (!holdLease()) {
          pause(IDLE_POLL_NANOS * 5);
          continue;
        }
        ReplicationAccess target = secondary.get();
        if (target == null) {
          pause(IDLE_POLL_NANOS * 5);
          continue;
        }
        int limit = failuresInARow >= ISOLATE_AFTER ? 1 : BATCH;
        batch = primary.pending(limit, grace);
        if (batch.isEmpty()) {
          pause(IDLE_POLL_NANOS);
          continue;
        }
        boolean caughtUp = batch.size() < limit;
        batch = withoutAppliedHeartbeats(batch);
        replayer = new Replayer(primary, target);
        Replayer.Outcome done = replayer.replay(batch);
        if (done.deadLettered() > 0) {
          metrics.writeFailed("journal.replay", HedgingMetrics.DEAD_LETTER, done.deadLettered());
        }
        backoff = 0;
        failuresInARow = 0;
        if (caughtUp) {
          // Only entries younger than the grace are left: polling again at once would find a few more each time,
          // and turn a steady stream of writes into a stream of small reads and deletes on the primary.
          pause(IDLE_POLL_NANOS);
        }
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        if (replayer != null && replayer.secondaryFailed()) {
          metrics.writeFailed("journal.replay", HedgingMetrics.errorType(e), 1);
          failuresInARow++;
          // A timeout says the secondary is slow, not that the entry is bad: never a reason to set it aside.
          if (batch.size() == 1 && !(e instanceof StoreTimeoutException) && secondaryAnswers()) {
            setAsideIfHopeless(batch.get(0), e);
          }
        }
        long now = System.nanoTime();
        if (now - lastWarnAt >= WARN_EVERY_NANOS) {
          lastWarnAt = now;
          log.warn("hedging: the journal relay cannot apply entries right now ({}: {}); {} pending; retrying",
              e.getClass().getSimpleName(), e.getMessage(), stats.depth());
        }
        backoff = backoff == 0 ? FIRST_BACKOFF_NANOS : Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        pause(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
      } catch (Error e) {
        log.error("hedging: the journal relay stopped on {}", e.toString());
        throw e;
      }
    }
    if (holding) {
      try {
        primary.releaseLease(holder);
      } catch (RuntimeException e) {
        log.debug("hedging: releasing the relay lease failed ({}); it expires by itself", e.toString());
      }
    }
  }

  /**
   * Removes the journal entries of the heartbeats this process's fast path applied since the last round, at once
   * rather than after the grace: the journal's lag then says how long the oldest write the secondary lacks has
   * waited. Ids whose removal fails are forgotten; their entries are replayed later, which is harmless.
   */
  private void removeAppliedHeartbeats() {
    List<UUID> ids = applied.drain(REMOVE_AT_ONCE);
    if (!ids.isEmpty()) {
      primary.removeAppliedHeartbeats(ids);
    }
  }

  /**
   * The batch without the heartbeats this process already applied to the secondary; their entries are
   * removed at once, without reading the primary or writing the secondary again.
   */
  private List<Entry> withoutAppliedHeartbeats(List<Entry> batch) {
    List<Entry> rest = new ArrayList<>(batch.size());
    List<Long> done = new ArrayList<>();
    for (Entry e : batch) {
      if (e.entity() == ReplicationAccess.Entity.HEARTBEAT && applied.take(UUID.fromString(e.key()))) {
        done.add(e.seq());
      } else {
        rest.add(e);
      }
    }
    primary.remove(done);
    return rest;
  }

  /**
   * Whether the secondary answers a simple read: then a write that keeps failing there fails for what it
   * writes, whatever the error says (a refused row is not always reported as such).
   */
  private boolean secondaryAnswers() {
    try {
      ReplicationAccess target = secondary.get();
      return target != null && target.stats() != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Counts one more failed replay of {@code entry}; after {@link #DEAD_AFTER_ATTEMPTS} it goes to the dead letters. */
  private void setAsideIfHopeless(Entry entry, RuntimeException why) {
    primary.countFailedAttempt(List.of(entry.seq()));
    if (entry.attempts() + 1 >= DEAD_AFTER_ATTEMPTS) {
      String reason = why.getClass().getSimpleName() + ": " + why.getMessage();
      log.warn("hedging: journal entry {} ({} {}) failed {} times on a secondary that otherwise answers; "
          + "moved to the dead letters: {}", entry.seq(), entry.entity().code(), entry.key(), DEAD_AFTER_ATTEMPTS, reason);
      primary.deadLetter(entry, reason);
      metrics.writeFailed("journal.replay", HedgingMetrics.DEAD_LETTER, 1);
    }
  }

  /** Takes the lease, or renews it when a third of its time has passed. */
  private boolean holdLease() {
    long now = System.nanoTime();
    if (holding && now - leaseRenewedAt < RENEW_EVERY_NANOS) {
      return true;
    }
    boolean was = holding;
    holding = primary.tryLease(holder, LEASE_TTL);
    if (holding) {
      leaseRenewedAt = now;
      if (!was) {
        log.info("hedging: this process now relays the {} journal to the secondary", primary.backendName());
      }
    }
    return holding;
  }

  private void pause(long nanos) {
    if (!closed) {
      LockSupport.parkNanos(this, nanos);
    }
  }

  /** Stops the relay within {@code wait} and gives its lease up, so another process can take over at once. */
  void close(Duration wait) {
    closed = true;
    LockSupport.unpark(thread);
    try {
      thread.join(Math.max(1, wait.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
