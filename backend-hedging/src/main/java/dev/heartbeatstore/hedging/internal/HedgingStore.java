package dev.heartbeatstore.hedging.internal;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.spi.BackendContext;
import dev.heartbeatstore.spi.ReplicationAccess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Primary first, then the secondary through a {@link SecondaryWriter}; reads from the primary only.
 * A primary failure is thrown and the secondary is not attempted; a secondary failure never is.
 */
public final class HedgingStore implements HeartbeatStore {

  /**
   * How long close() waits for queued secondary writes, at most (and never longer than the store's
   * deadline): what it leaves is in the journal, delivered by the next relay.
   */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
  static final int ASYNC_LANES = 4;

  private final HeartbeatStore primary;
  private final Secondary secondary;
  private final SecondaryWriter writer;
  private final JournalRelay relay;
  private final ReplicationAccess primaryJournal;
  private final LazyReplica secondaryReplica;
  private final Duration relayStopWait;
  private final ReadVerifier verifier;
  private final HedgingMetrics metrics;
  private final SharedClock clock;
  private final MonitorOwners monitorOwners = new MonitorOwners(100_000);
  private final HeartbeatRepository heartbeats = new Heartbeats();
  private final HeartbeatMonitorRepository monitors = new Monitors();

  private HedgingStore(HeartbeatStore primary, Secondary secondary, SecondaryWriter writer,
                       ReadVerifier verifier, HedgingMetrics metrics, SharedClock clock, JournalRelay relay,
                       ReplicationAccess primaryJournal, LazyReplica secondaryReplica, Duration relayStopWait) {
    this.relayStopWait = relayStopWait;
    this.clock = clock;
    this.primary = primary;
    this.secondary = secondary;
    this.writer = writer;
    this.relay = relay;
    this.primaryJournal = primaryJournal;
    this.secondaryReplica = secondaryReplica;
    this.verifier = verifier;
    this.metrics = metrics;
  }

  /**
   * Opens the primary, journaling its writes, and its journal (their failure is thrown); then, fail-open,
   * the secondary, and starts the relay that drains the journal to it.
   */
  public static HedgingStore open(BackendContext context) {
    SharedClock clock = new SharedClock(context.clock());
    HeartbeatStoreConfig config = context.config().toBuilder().clock(clock).build();
    HeartbeatStore primary = context.openJournaledBackend(config.hedgingPrimary(), config);
    ReplicationAccess primaryJournal = null;
    try {
      primaryJournal = context.openReplicationAccess(config.hedgingPrimary(), config);
      HedgingMetrics metrics = new HedgingMetrics(context.openTelemetry());
      Duration secondaryTimeout = config.hedgingSecondaryTimeout();
      HeartbeatStoreConfig secondaryConfig = config.toBuilder()
          .timeout(secondaryTimeout.compareTo(config.timeout()) < 0 ? secondaryTimeout : config.timeout())
          .build();
      String secondaryName = config.hedgingSecondary();
      Secondary secondary = new Secondary(secondaryName, () -> context.openBackend(secondaryName, secondaryConfig));
      secondary.start(secondaryTimeout);
      AppliedHeartbeats applied = new AppliedHeartbeats();
      SecondaryWriter writer = config.hedgingMode() == HeartbeatStoreConfig.HedgingMode.ASYNC
          ? new AsyncWriter(secondary, metrics, applied, config.hedgingQueueSize(), ASYNC_LANES,
              min(DRAIN_TIMEOUT, config.timeout().dividedBy(2)),
              relayGrace(secondaryTimeout).minus(secondaryTimeout))
          : new SecondaryWriter.Sync(secondary, metrics, applied);
      ReadVerifier verifier = new ReadVerifier(config.hedgingVerifyReads(), secondary, metrics);
      // The relay replays with the store's own deadline: a batch of entries is more work than one write.
      LazyReplica secondaryReplica = new LazyReplica(secondaryName,
          () -> context.openReplicationAccess(secondaryName, config));
      JournalRelay relay = new JournalRelay(primaryJournal, secondaryReplica, relayGrace(secondaryTimeout), metrics,
          secondaryName, applied);
      relay.start();
      return new HedgingStore(primary, secondary, writer, verifier, metrics, clock, relay, primaryJournal,
          secondaryReplica, config.timeout().dividedBy(2));
    } catch (RuntimeException e) {
      if (primaryJournal != null) {
        primaryJournal.close();
      }
      primary.close();
      throw e;
    }
  }

  /**
   * How old a journal entry must be before the relay replays it: the caller's own secondary write (sync)
   * or the async lane has had its chance by then, so the two rarely race; one that did still converges,
   * since a replay makes the secondary match the primary's current rows.
   */
  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  static Duration relayGrace(Duration secondaryTimeout) {
    return secondaryTimeout.plusSeconds(1);
  }

  @Override
  public HeartbeatRepository heartbeats() {
    return heartbeats;
  }

  @Override
  public HeartbeatMonitorRepository monitors() {
    return monitors;
  }

  @Override
  public String backendName() {
    return HeartbeatStoreConfig.HEDGING;
  }

  @Override
  public void close() {
    try {
      writer.close();
    } finally {
      relay.close(relayStopWait);
      verifier.close();
      metrics.close();
      try {
        secondary.close();
        secondaryReplica.close();
      } finally {
        try {
          primaryJournal.close();
        } finally {
          primary.close();
        }
      }
    }
  }

  @Override
  public String toString() {
    return "HedgingStore{primary=" + primary.backendName() + ", secondary=" + secondary.name() + '}';
  }

  private final class Heartbeats implements HeartbeatRepository {
    @Override
    public void store(Heartbeat heartbeat) {
      primary.heartbeats().store(heartbeat);
      writer.submit(new SecondaryWrite("heartbeats.store", heartbeat.userId(), "id=" + heartbeat.id(),
          s -> s.heartbeats().store(heartbeat), heartbeat));
    }

    @Override
    public void storeAll(List<Heartbeat> list) {
      primary.heartbeats().storeAll(list);
      if (list.isEmpty()) {
        return;
      }
      // One secondary write per user, so each part stays in order with that user's other writes
      // (a batch for two users must not overtake a deleteAllForUser of the second).
      Map<String, List<Heartbeat>> byUser = new LinkedHashMap<>();
      for (Heartbeat h : list) {
        byUser.computeIfAbsent(h.userId(), u -> new ArrayList<>()).add(h);
      }
      for (Map.Entry<String, List<Heartbeat>> part : byUser.entrySet()) {
        List<Heartbeat> heartbeatsOfUser = part.getValue();
        writer.submit(new SecondaryWrite("heartbeats.storeAll", part.getKey(),
            heartbeatsOfUser.size() + " heartbeats of userId=" + part.getKey(),
            s -> storeAllOnSecondary(s, heartbeatsOfUser), heartbeatsOfUser));
      }
    }

    @Override
    public List<Heartbeat> index(String userId, String owner, IndexParams params) {
      List<Heartbeat> result = primary.heartbeats().index(userId, owner, params);
      verifier.sample("heartbeats.index", "userId=" + userId + " owner=" + owner, result,
          s -> s.heartbeats().index(userId, owner, params));
      return result;
    }

    @Override
    public Optional<Heartbeat> last(String userId, String owner) {
      Optional<Heartbeat> result = primary.heartbeats().last(userId, owner);
      verifier.sample("heartbeats.last", "userId=" + userId + " owner=" + owner, result,
          s -> s.heartbeats().last(userId, owner));
      return result;
    }

    @Override
    public void deleteAllForUser(String userId) {
      primary.heartbeats().deleteAllForUser(userId);
      writer.submit(new SecondaryWrite("heartbeats.deleteAllForUser", userId, "userId=" + userId,
          s -> s.heartbeats().deleteAllForUser(userId)));
    }
  }

  /**
   * A batch the secondary rejects because some ids are already there (a backfill got there first):
   * store the rest one by one, so the secondary ends up with the whole batch.
   */
  static void storeAllOnSecondary(HeartbeatStore secondary, List<Heartbeat> list) {
    try {
      secondary.heartbeats().storeAll(list);
    } catch (DuplicateRecordException e) {
      for (Heartbeat h : list) {
        try {
          secondary.heartbeats().store(h);
        } catch (DuplicateRecordException alreadyThere) {
          // expected for some of them
        }
      }
    }
  }

  private final class Monitors implements HeartbeatMonitorRepository {
    @Override
    public void store(HeartbeatMonitor monitor) {
      primary.monitors().store(monitor);
      monitorOwners.remember(monitor.id(), monitor.userId());
      writer.submit(new SecondaryWrite("heartbeat_monitors.store", monitor.userId(), "id=" + monitor.id(),
          s -> s.monitors().store(monitor)));
    }

    @Override
    public Optional<HeartbeatMonitor> load(String userId, String owner) {
      Optional<HeartbeatMonitor> result = primary.monitors().load(userId, owner);
      result.ifPresent(m -> monitorOwners.remember(m.id(), m.userId()));
      verifier.sample("heartbeat_monitors.load", "userId=" + userId + " owner=" + owner, result,
          s -> s.monitors().load(userId, owner));
      return result;
    }

    @Override
    public boolean exists(String userId, UUID monitorId) {
      boolean result = primary.monitors().exists(userId, monitorId);
      verifier.sample("heartbeat_monitors.exists", "userId=" + userId + " id=" + monitorId, result,
          s -> s.monitors().exists(userId, monitorId));
      return result;
    }

    @Override
    public void updateQueueId(UUID monitorId, String queueId) {
      Instant now = clock.now();
      clock.pinnedAt(now, () -> primary.monitors().updateQueueId(monitorId, queueId));
      writer.submit(new SecondaryWrite("heartbeat_monitors.updateQueueId", monitorOwners.routingKey(monitorId),
          "id=" + monitorId, s -> clock.pinnedAt(now, () -> s.monitors().updateQueueId(monitorId, queueId))));
    }

    @Override
    public void delete(String userId, String owner) {
      primary.monitors().delete(userId, owner);
      writer.submit(new SecondaryWrite("heartbeat_monitors.delete", userId, "userId=" + userId + " owner=" + owner,
          s -> s.monitors().delete(userId, owner)));
    }

    @Override
    public void updatePhoneOnline(String userId, UUID monitorId, boolean online) {
      Instant now = clock.now();
      clock.pinnedAt(now, () -> primary.monitors().updatePhoneOnline(userId, monitorId, online));
      writer.submit(new SecondaryWrite("heartbeat_monitors.updatePhoneOnline", userId, "id=" + monitorId,
          s -> clock.pinnedAt(now, () -> s.monitors().updatePhoneOnline(userId, monitorId, online))));
    }

    @Override
    public void deleteAllForUser(String userId) {
      primary.monitors().deleteAllForUser(userId);
      writer.submit(new SecondaryWrite("heartbeat_monitors.deleteAllForUser", userId, "userId=" + userId,
          s -> s.monitors().deleteAllForUser(userId)));
    }
  }

  /**
   * {@code updateQueueId} names only the monitor; to keep it in order with that monitor's other writes
   * (its {@code store} above all), it is routed by the user the monitor was last seen with.
   */
  static final class MonitorOwners {
    private final Map<UUID, String> owners;

    MonitorOwners(int capacity) {
      this.owners = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, String> eldest) {
          return size() > capacity;
        }
      };
    }

    synchronized void remember(UUID monitorId, String userId) {
      owners.put(monitorId, userId);
    }

    synchronized String routingKey(UUID monitorId) {
      String userId = owners.get(monitorId);
      return userId != null ? userId : monitorId.toString();
    }
  }
}
