package dev.heartbeatstore.hedging.internal;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.spi.ReplicationAccess.Entry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays journal entries: for each key an entry names, makes the secondary match the primary's
 * current rows (insert if absent, monitors last-writer-wins on {@code updatedAt}, delete what the
 * primary no longer has), then removes the entries from the journal. Reading the current rows makes
 * a replay idempotent and indifferent to order: an old entry replayed after a newer one, or twice,
 * leaves the same result.
 */
final class Replayer {

  private static final Logger log = LoggerFactory.getLogger(Replayer.class);

  /** What one {@link #replay} did. */
  record Outcome(int applied, int deadLettered) {}

  private final ReplicationAccess primary;
  private final ReplicationAccess secondary;
  /** Whether the last failure came from the secondary (counted as a failed secondary write) or the primary. */
  private boolean secondaryFailed;

  Replayer(ReplicationAccess primary, ReplicationAccess secondary) {
    this.primary = primary;
    this.secondary = secondary;
  }

  /**
   * Applies the entries and removes them from the journal. A failure of either side's health
   * ({@link StoreUnavailableException}, {@link StoreTimeoutException}) is thrown with nothing removed: the
   * entries stay for the next try. Any other failure is about content: the entries are then applied one
   * by one, and one that still fails is moved to the dead letters, so it never blocks those behind it.
   */
  Outcome replay(List<Entry> entries) {
    if (entries.isEmpty()) {
      return new Outcome(0, 0);
    }
    try {
      apply(entries);
      primary.remove(seqs(entries));
      return new Outcome(entries.size(), 0);
    } catch (StoreUnavailableException | StoreTimeoutException health) {
      throw health;
    } catch (RuntimeException content) {
      if (entries.size() == 1) {
        deadLetter(entries.get(0), content);
        return new Outcome(0, 1);
      }
      int applied = 0;
      int dead = 0;
      for (Entry entry : entries) {
        Outcome one = replay(List.of(entry));
        applied += one.applied();
        dead += one.deadLettered();
      }
      return new Outcome(applied, dead);
    }
  }

  private void deadLetter(Entry entry, RuntimeException why) {
    String reason = why.getClass().getSimpleName() + ": " + why.getMessage();
    log.warn("hedging: journal entry {} ({} {}) cannot be applied to the {} secondary and is moved to the dead letters: {}",
        entry.seq(), entry.entity().code(), entry.key(), secondary.backendName(), reason);
    primary.deadLetter(entry, reason);
  }

  /** Whether the failure {@link #replay} last threw came from the secondary, not from reading the primary. */
  boolean secondaryFailed() {
    return secondaryFailed;
  }

  private void onSecondary(Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      secondaryFailed = true;
      throw e;
    }
  }

  private void apply(List<Entry> entries) {
    secondaryFailed = false;
    Set<UUID> heartbeatIds = new LinkedHashSet<>();
    Set<UUID> monitorIds = new LinkedHashSet<>();
    Set<String> usersWithDeletedHeartbeats = new LinkedHashSet<>();
    for (Entry e : entries) {
      switch (e.entity()) {
        case HEARTBEAT -> heartbeatIds.add(UUID.fromString(e.key()));
        case MONITOR -> monitorIds.add(UUID.fromString(e.key()));
        case HEARTBEATS_OF_USER -> usersWithDeletedHeartbeats.add(e.key());
        default -> throw new IllegalStateException("unknown journal entity " + e.entity());
      }
    }
    if (!heartbeatIds.isEmpty()) {
      List<Heartbeat> current = primary.heartbeatsByIds(heartbeatIds);
      onSecondary(() -> secondary.applyHeartbeats(current));
      Set<UUID> gone = new HashSet<>(heartbeatIds);
      for (Heartbeat h : current) {
        gone.remove(h.id());
      }
      onSecondary(() -> secondary.deleteHeartbeats(gone));
    }
    if (!monitorIds.isEmpty()) {
      List<HeartbeatMonitor> current = primary.monitorsByIds(monitorIds);
      onSecondary(() -> secondary.applyMonitors(current));
      Set<UUID> gone = new HashSet<>(monitorIds);
      for (HeartbeatMonitor m : current) {
        gone.remove(m.id());
      }
      onSecondary(() -> secondary.deleteMonitors(gone));
    }
    for (String userId : usersWithDeletedHeartbeats) {
      Set<UUID> kept = new HashSet<>(primary.heartbeatIdsOfUser(userId));
      List<UUID> extra = new ArrayList<>();
      onSecondary(() -> {
        for (UUID id : secondary.heartbeatIdsOfUser(userId)) {
          if (!kept.contains(id)) {
            extra.add(id);
          }
        }
        secondary.deleteHeartbeats(extra);
      });
    }
  }

  private static List<Long> seqs(List<Entry> entries) {
    List<Long> seqs = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      seqs.add(e.seq());
    }
    return seqs;
  }
}
