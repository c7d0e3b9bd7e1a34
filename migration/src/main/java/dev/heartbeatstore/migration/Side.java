package dev.heartbeatstore.migration;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.spi.TableAccess.HeartbeatCursor;
import dev.heartbeatstore.spi.ReplicationAccess;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One database as the verifier sees it: its tables ({@link TableAccess}), and its hedging journal
 * with point reads by id ({@link ReplicationAccess}) when the backend has one. Every call goes through
 * {@link Retry}.
 */
final class Side implements AutoCloseable {

  /** Pending journal entries held at most per side; a deeper journal cannot be searched for a key. */
  static final int MAX_PENDING = 100_000;

  final String name;
  final TableAccess tables;
  /** Null when the backend keeps no journal (then nothing is pending, and point reads go through the scan order). */
  private final ReplicationAccess journal;
  private final String journalProblem;
  private final Retry retry;
  /** Waited on before each write, when the live service writes into this side too; null: never waits. */
  private LagGuard writeGuard;

  private Side(String name, TableAccess tables, ReplicationAccess journal, String journalProblem, Retry retry) {
    this.name = name;
    this.tables = tables;
    this.journal = journal;
    this.journalProblem = journalProblem;
    this.retry = retry;
  }

  static Side open(HeartbeatStoreConfig config, String name, Retry retry) {
    TableAccess tables = retry.call(name, "open", () -> Backends.openTableAccess(config, name));
    try {
      ReplicationAccess journal = retry.call(name, "open its journal",
          () -> Backends.openReplicationAccess(config, name));
      return new Side(name, tables, journal, null, retry);
    } catch (ConfigurationException e) {
      return new Side(name, tables, null, e.getMessage(), retry);
    } catch (RuntimeException e) {
      tables.close();
      throw e;
    }
  }

  /** Writes wait while the live service's journal into this side lags ({@link LagGuard}); closed with this side. */
  void guardWrites(LagGuard guard) {
    this.writeGuard = guard;
  }

  private void awaitTurn() {
    if (writeGuard != null) {
      writeGuard.awaitTurn();
    }
  }

  Retry retry() {
    return retry;
  }

  /** Why this side has no journal to consult, or null when it has one. */
  String journalProblem() {
    return journalProblem;
  }

  /** The keys ({@link #key}) of every pending journal entry, or null when there are more than {@link #MAX_PENDING}. */
  Set<String> pendingKeys() {
    if (journal == null) {
      return Set.of();
    }
    List<ReplicationAccess.Entry> entries = retry.call(name, "read its journal",
        () -> journal.pending(MAX_PENDING + 1, Duration.ZERO));
    if (entries.size() > MAX_PENDING) {
      return null;
    }
    Set<String> keys = new HashSet<>(entries.size() * 2);
    for (ReplicationAccess.Entry e : entries) {
      keys.add(key(e.entity(), e.key()));
    }
    return keys;
  }

  static String key(ReplicationAccess.Entity entity, String key) {
    return entity.code() + ':' + key;
  }

  /**
   * The current rows of these heartbeats, by id; absent ids are not in the map. {@code seenAt} gives,
   * per id, the timestamps the scan saw it at (used only when the side has no journal SPI to read by id).
   */
  Map<UUID, Heartbeat> heartbeats(Map<UUID, Set<Instant>> seenAt) {
    Map<UUID, Heartbeat> byId = new HashMap<>();
    if (seenAt.isEmpty()) {
      return byId;
    }
    if (journal != null) {
      List<UUID> ids = new ArrayList<>(seenAt.keySet());
      for (Heartbeat h : retry.call(name, "read " + ids.size() + " heartbeats by id", () -> journal.heartbeatsByIds(ids))) {
        byId.put(h.id(), h);
      }
      return byId;
    }
    for (Map.Entry<UUID, Set<Instant>> e : seenAt.entrySet()) {
      for (Instant at : e.getValue()) {
        HeartbeatCursor before = justBefore(at, e.getKey());
        List<Heartbeat> one = retry.call(name, "read heartbeat " + e.getKey(), () -> tables.heartbeatsAfter(before, 1));
        if (!one.isEmpty() && one.get(0).id().equals(e.getKey())) {
          byId.put(e.getKey(), one.get(0));
          break;
        }
      }
    }
    return byId;
  }

  /** The current rows of these monitors, by id; absent ids are not in the map. */
  Map<UUID, HeartbeatMonitor> monitors(Collection<UUID> ids) {
    Map<UUID, HeartbeatMonitor> byId = new HashMap<>();
    if (ids.isEmpty()) {
      return byId;
    }
    if (journal != null) {
      List<UUID> list = new ArrayList<>(ids);
      for (HeartbeatMonitor m : retry.call(name, "read " + list.size() + " monitors by id", () -> journal.monitorsByIds(list))) {
        byId.put(m.id(), m);
      }
      return byId;
    }
    for (UUID id : ids) {
      UUID before = predecessor(id);
      List<HeartbeatMonitor> one = retry.call(name, "read monitor " + id, () -> tables.monitorsAfter(before, 1));
      if (!one.isEmpty() && one.get(0).id().equals(id)) {
        byId.put(id, one.get(0));
      }
    }
    return byId;
  }

  /** Inserts the heartbeats this side lacks. */
  void insertHeartbeatsIfAbsent(List<Heartbeat> rows) {
    if (rows.isEmpty()) {
      return;
    }
    awaitTurn();
    if (journal != null) {
      retry.call(name, "insert " + rows.size() + " heartbeats", () -> journal.applyHeartbeats(rows));
    } else {
      retry.call(name, "insert " + rows.size() + " heartbeats", () -> tables.insertHeartbeatsIfAbsent(rows));
    }
  }

  /** Overwrites heartbeats by id (they are immutable: a differing copy was not written by this library). */
  void overwriteHeartbeats(List<Heartbeat> rows) {
    if (!rows.isEmpty()) {
      awaitTurn();
      retry.run(name, "overwrite " + rows.size() + " heartbeats", () -> tables.upsertHeartbeats(rows));
    }
  }

  /**
   * Inserts absent monitors and overwrites those whose stored {@code updatedAt} is older, in one
   * statement per batch (last writer wins, so a live update made meanwhile is never undone). Without a
   * journal SPI only the absent ones are inserted.
   */
  void applyMonitors(List<HeartbeatMonitor> rows) {
    if (rows.isEmpty()) {
      return;
    }
    awaitTurn();
    if (journal != null) {
      retry.call(name, "apply " + rows.size() + " monitors", () -> journal.applyMonitors(rows));
    } else {
      retry.call(name, "insert " + rows.size() + " monitors", () -> tables.insertMonitorsIfAbsent(rows));
    }
  }

  /** Whether {@link #applyMonitors} can overwrite an older monitor (it needs the journal SPI's conditional write). */
  boolean canOverwriteOlderMonitors() {
    return journal != null;
  }

  void deleteHeartbeats(List<UUID> ids) {
    if (!ids.isEmpty()) {
      awaitTurn();
      retry.run(name, "delete " + ids.size() + " heartbeats", () -> tables.deleteHeartbeats(ids));
    }
  }

  void deleteMonitors(List<UUID> ids) {
    if (!ids.isEmpty()) {
      awaitTurn();
      retry.run(name, "delete " + ids.size() + " monitors", () -> tables.deleteMonitors(ids));
    }
  }

  @Override
  public void close() {
    try {
      if (writeGuard != null) {
        writeGuard.close();
      }
      if (journal != null) {
        journal.close();
      }
    } finally {
      tables.close();
    }
  }

  /** The scan position just before {@code (at, id)}: the next row after it is that heartbeat, if it exists. */
  static HeartbeatCursor justBefore(Instant at, UUID id) {
    UUID previous = predecessor(id);
    return previous != null ? new HeartbeatCursor(at, previous)
        : new HeartbeatCursor(at.minus(1, ChronoUnit.MICROS), new UUID(-1L, -1L));
  }

  /**
   * The UUID just below {@code id} in the scan order (unsigned, most significant bits first, as
   * PostgreSQL's uuid and canonical lowercase text both sort), or null for the lowest one.
   */
  static UUID predecessor(UUID id) {
    long msb = id.getMostSignificantBits();
    long lsb = id.getLeastSignificantBits();
    if (lsb != 0) {
      return new UUID(msb, lsb - 1);
    }
    if (msb == 0) {
      return null;
    }
    return new UUID(msb - 1, -1L);
  }
}
