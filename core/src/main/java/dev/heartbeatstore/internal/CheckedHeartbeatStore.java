package dev.heartbeatstore.internal;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreUnavailableException;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Wraps a backend's store once, the same way for every backend: validates arguments before any I/O,
 * truncates instants to microseconds, records {@code db.client.operation.duration} and a {@code CLIENT} span
 * ({@link OperationTelemetry}), refuses calls after
 * {@link #close()} ({@link IllegalStateException}) and makes sure a call that close() ended throws an exception of
 * the contract.
 */
final class CheckedHeartbeatStore implements HeartbeatStore {

  static final String HEARTBEATS = "heartbeats";
  static final String MONITORS = "heartbeat_monitors";

  private final HeartbeatStore backend;
  private final OperationTelemetry telemetry;
  private final HeartbeatRepository heartbeats;
  private final HeartbeatMonitorRepository monitors;
  private final AtomicBoolean closed = new AtomicBoolean();

  CheckedHeartbeatStore(HeartbeatStore backend, OperationTelemetry telemetry) {
    this.backend = backend;
    this.telemetry = telemetry;
    this.heartbeats = new Heartbeats(backend.heartbeats());
    this.monitors = new Monitors(backend.monitors());
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
    return backend.backendName();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      backend.close();
    }
  }

  @Override
  public String toString() {
    return "HeartbeatStore{" + backend + '}';
  }

  private <T> T timed(String collection, String operation, Supplier<T> call) {
    return timed(collection, operation, operation, 0, call);
  }

  /**
   * Runs one operation inside its telemetry.
   *
   * @param method    the repository method, for messages
   * @param operation the operation's name for telemetry: what one row of a batch would be
   * @param batchSize the rows of a batch call, 0 for a single operation
   */
  private <T> T timed(String collection, String method, String operation, int batchSize, Supplier<T> call) {
    if (closed.get()) {
      throw new IllegalStateException("the heartbeat store is closed (" + collection + "." + method + ")");
    }
    OperationTelemetry.Operation op = telemetry.start(collection, operation, batchSize);
    try (Scope ignored = op.makeCurrent()) {
      T result = call.get();
      op.success();
      return result;
    } catch (RuntimeException e) {
      RuntimeException thrown = closed.get() ? endedByClose(collection, method, e) : e;
      op.failure(thrown);
      throw thrown;
    } catch (Error e) {
      op.failure(e);
      throw e;
    }
  }

  /**
   * What a call that was in flight when {@link #close()} ran throws: an exception of the contract. A backend
   * whose resources are torn down under a running call may fail it with whatever its driver or executor
   * throws then (a rejected task, a closed client); the caller gets {@link StoreUnavailableException} with that
   * as the cause, never an {@code IllegalStateException} (kept for calls made after close) or an NPE.
   */
  private static RuntimeException endedByClose(String collection, String operation, RuntimeException e) {
    if (e instanceof HeartbeatStoreException || e instanceof IllegalArgumentException) {
      return e;
    }
    return new StoreUnavailableException(collection + "." + operation
        + " was ended because the heartbeat store was closed while it ran", e);
  }

  private void timedVoid(String collection, String operation, Runnable call) {
    timed(collection, operation, () -> {
      call.run();
      return null;
    });
  }

  static Instant micros(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  static Heartbeat truncated(Heartbeat h) {
    Instant t = micros(h.timestamp());
    return t.equals(h.timestamp()) ? h
        : new Heartbeat(h.id(), h.owner(), h.version(), h.charging(), h.userId(), t);
  }

  static HeartbeatMonitor truncated(HeartbeatMonitor m) {
    Instant c = micros(m.createdAt());
    Instant u = micros(m.updatedAt());
    return c.equals(m.createdAt()) && u.equals(m.updatedAt()) ? m
        : new HeartbeatMonitor(m.id(), m.phoneId(), m.userId(), m.queueId(), m.owner(), m.phoneOnline(), c, u);
  }

  private final class Heartbeats implements HeartbeatRepository {
    private final HeartbeatRepository inner;

    Heartbeats(HeartbeatRepository inner) {
      this.inner = inner;
    }

    @Override
    public void store(Heartbeat heartbeat) {
      Arguments.heartbeat("heartbeat", heartbeat);
      Heartbeat h = truncated(heartbeat);
      timedVoid(HEARTBEATS, "store", () -> inner.store(h));
    }

    @Override
    public void storeAll(List<Heartbeat> list) {
      Arguments.batch("heartbeats", list);
      List<Heartbeat> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        Heartbeat h = list.get(i);
        Arguments.heartbeat("heartbeats", i, h);
        copy.add(truncated(h));
      }
      if (copy.isEmpty()) {
        return;
      }
      List<Heartbeat> batch = java.util.Collections.unmodifiableList(copy); // ours alone: no second copy
      // A batch, as the semantic conventions name it: "BATCH store" with db.operation.batch.size (one row: "store").
      timed(HEARTBEATS, "storeAll", "store", batch.size(), () -> {
        inner.storeAll(batch);
        return null;
      });
    }

    @Override
    public List<Heartbeat> index(String userId, String owner, IndexParams params) {
      Arguments.text("userId", userId);
      Arguments.text("owner", owner);
      Arguments.notNull("params", params);
      return timed(HEARTBEATS, "index", () -> inner.index(userId, owner, params));
    }

    @Override
    public Optional<Heartbeat> last(String userId, String owner) {
      Arguments.text("userId", userId);
      Arguments.text("owner", owner);
      return timed(HEARTBEATS, "last", () -> inner.last(userId, owner));
    }

    @Override
    public void deleteAllForUser(String userId) {
      Arguments.text("userId", userId);
      timedVoid(HEARTBEATS, "deleteAllForUser", () -> inner.deleteAllForUser(userId));
    }
  }

  private final class Monitors implements HeartbeatMonitorRepository {
    private final HeartbeatMonitorRepository inner;

    Monitors(HeartbeatMonitorRepository inner) {
      this.inner = inner;
    }

    @Override
    public void store(HeartbeatMonitor monitor) {
      Arguments.monitor("monitor", monitor);
      HeartbeatMonitor m = truncated(monitor);
      timedVoid(MONITORS, "store", () -> inner.store(m));
    }

    @Override
    public Optional<HeartbeatMonitor> load(String userId, String owner) {
      Arguments.text("userId", userId);
      Arguments.text("owner", owner);
      return timed(MONITORS, "load", () -> inner.load(userId, owner));
    }

    @Override
    public boolean exists(String userId, UUID monitorId) {
      Arguments.text("userId", userId);
      Arguments.uuid("monitorId", monitorId);
      return timed(MONITORS, "exists", () -> inner.exists(userId, monitorId));
    }

    @Override
    public void updateQueueId(UUID monitorId, String queueId) {
      Arguments.uuid("monitorId", monitorId);
      Arguments.optionalText("queueId", queueId);
      timedVoid(MONITORS, "updateQueueId", () -> inner.updateQueueId(monitorId, queueId));
    }

    @Override
    public void delete(String userId, String owner) {
      Arguments.text("userId", userId);
      Arguments.text("owner", owner);
      timedVoid(MONITORS, "delete", () -> inner.delete(userId, owner));
    }

    @Override
    public void updatePhoneOnline(String userId, UUID monitorId, boolean online) {
      Arguments.text("userId", userId);
      Arguments.uuid("monitorId", monitorId);
      timedVoid(MONITORS, "updatePhoneOnline", () -> inner.updatePhoneOnline(userId, monitorId, online));
    }

    @Override
    public void deleteAllForUser(String userId) {
      Arguments.text("userId", userId);
      timedVoid(MONITORS, "deleteAllForUser", () -> inner.deleteAllForUser(userId));
    }
  }
}
