package dev.heartbeatstore.migration;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.spi.ReplicationAccess.Entity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** What the verifier needs to know about one kind of row: how to read it by id, when it last changed, which journal keys name it, how to copy it. */
abstract class Kind<T> {

  /** {@code "heartbeat"} or {@code "monitor"}, for messages. */
  abstract String name();

  abstract UUID id(T row);

  /** When the row last changed: heartbeats are immutable, so their timestamp; monitors their updatedAt. */
  abstract Instant lastChange(T row);

  /** The current rows of these candidates on one side, by id. */
  abstract Map<UUID, T> read(Side side, Collection<Candidate<T>> candidates);

  /** The journal keys ({@link Side#key}) under which a change to this row would be pending. */
  abstract Set<String> journalKeys(UUID id, Collection<T> rows);

  /** Copies rows the secondary lacks: insert if absent. */
  abstract void copyMissing(Side secondary, List<T> rows);

  /**
   * Makes the secondary's copy agree with the primary's where that cannot undo a newer write; returns
   * why it left each of the others alone, by id.
   */
  abstract Map<UUID, String> repairDifferent(Side secondary, List<T> primaryRows, Map<UUID, T> secondaryRows);

  abstract void delete(Side secondary, List<UUID> ids);

  /** A row the scan found different: its id and every version of it the scan saw (one per side at most). */
  static final class Candidate<T> {
    final UUID id;
    final List<T> seen = new ArrayList<>(2);

    Candidate(UUID id) {
      this.id = id;
    }
  }

  static final class Heartbeats extends Kind<Heartbeat> {
    @Override
    String name() {
      return "heartbeat";
    }

    @Override
    UUID id(Heartbeat row) {
      return row.id();
    }

    @Override
    Instant lastChange(Heartbeat row) {
      return row.timestamp();
    }

    @Override
    Map<UUID, Heartbeat> read(Side side, Collection<Candidate<Heartbeat>> candidates) {
      Map<UUID, Set<Instant>> seenAt = new LinkedHashMap<>();
      for (Candidate<Heartbeat> c : candidates) {
        Set<Instant> at = seenAt.computeIfAbsent(c.id, id -> new HashSet<>());
        for (Heartbeat h : c.seen) {
          at.add(h.timestamp());
        }
      }
      return side.heartbeats(seenAt);
    }

    /** The heartbeat itself, and every user it was seen with (a deleteAllForUser names the user). */
    @Override
    Set<String> journalKeys(UUID id, Collection<Heartbeat> rows) {
      Set<String> keys = new HashSet<>();
      keys.add(Side.key(Entity.HEARTBEAT, id.toString()));
      for (Heartbeat h : rows) {
        keys.add(Side.key(Entity.HEARTBEATS_OF_USER, h.userId()));
      }
      return keys;
    }

    @Override
    void copyMissing(Side secondary, List<Heartbeat> rows) {
      secondary.insertHeartbeatsIfAbsent(rows);
    }

    /**
     * Heartbeats are never changed by the library: a copy that differs was changed by something else,
     * and the primary's is the truth. Overwritten by id.
     */
    @Override
    Map<UUID, String> repairDifferent(Side secondary, List<Heartbeat> primaryRows, Map<UUID, Heartbeat> secondaryRows) {
      secondary.overwriteHeartbeats(primaryRows);
      return Map.of();
    }

    @Override
    void delete(Side secondary, List<UUID> ids) {
      secondary.deleteHeartbeats(ids);
    }
  }

  static final class Monitors extends Kind<HeartbeatMonitor> {
    @Override
    String name() {
      return "monitor";
    }

    @Override
    UUID id(HeartbeatMonitor row) {
      return row.id();
    }

    @Override
    Instant lastChange(HeartbeatMonitor row) {
      return row.updatedAt();
    }

    @Override
    Map<UUID, HeartbeatMonitor> read(Side side, Collection<Candidate<HeartbeatMonitor>> candidates) {
      List<UUID> ids = new ArrayList<>(candidates.size());
      for (Candidate<HeartbeatMonitor> c : candidates) {
        ids.add(c.id);
      }
      return side.monitors(ids);
    }

    @Override
    Set<String> journalKeys(UUID id, Collection<HeartbeatMonitor> rows) {
      return Set.of(Side.key(Entity.MONITOR, id.toString()));
    }

    @Override
    void copyMissing(Side secondary, List<HeartbeatMonitor> rows) {
      secondary.applyMonitors(rows);
    }

    /**
     * Last writer wins on {@code updatedAt}, in the database's own conditional write: a monitor the
     * secondary holds with a newer or equal {@code updatedAt} is left as it is, whatever its contents.
     */
    @Override
    Map<UUID, String> repairDifferent(Side secondary, List<HeartbeatMonitor> primaryRows,
                                      Map<UUID, HeartbeatMonitor> secondaryRows) {
      Map<UUID, String> left = new LinkedHashMap<>();
      List<HeartbeatMonitor> older = new ArrayList<>();
      for (HeartbeatMonitor m : primaryRows) {
        HeartbeatMonitor there = secondaryRows.get(m.id());
        int cmp = m.updatedAt().compareTo(there.updatedAt());
        if (cmp > 0 && secondary.canOverwriteOlderMonitors()) {
          older.add(m);
        } else if (cmp > 0) {
          left.put(m.id(), "the secondary (" + secondary.name + ") has no journal SPI to overwrite an older monitor safely");
        } else if (cmp < 0) {
          left.put(m.id(), "the secondary's copy is newer (updatedAt " + there.updatedAt() + " > " + m.updatedAt()
              + "): verify with the other side as primary");
        } else {
          left.put(m.id(), "both copies have updatedAt " + m.updatedAt() + " but different contents: neither is"
              + " newer; any update of the monitor through the service settles it");
        }
      }
      secondary.applyMonitors(older);
      return left;
    }

    @Override
    void delete(Side secondary, List<UUID> ids) {
      secondary.deleteMonitors(ids);
    }
  }
}
