package dev.heartbeatstore.spring;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.spi.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What the {@code heartbeatStore} health indicator reports, whichever Boot's health API shows it.
 *
 * <p>The status is the store's own: UP when a read through the application's {@link HeartbeatStore}
 * succeeds (for hedging: through the primary, where reads go), DOWN with the error otherwise. It is read
 * in the caller's thread, bounded by the store's deadline, at most once per {@link #CACHE_FOR}: a storm of
 * probes reaches the store once per period.
 *
 * <p>The details name the backend and its schema version; for hedging, each side with its status, schema
 * version and journal (entries recorded in that side's database that the other side has not received yet).
 * A secondary that is down shows in the details only: the application keeps serving, so it is not DOWN.
 * These details come from a background check per database, through connections of its own (a pool of one,
 * opened with the store's settings as the hedging relay opens its own, reopened after a failure), started
 * when a probe finds the last check older than {@link #CACHE_FOR}. A probe never waits for it: a database
 * that is down (opening one can take ten seconds or more to fail) never slows the health endpoint.
 */
final class HeartbeatStoreHealth implements AutoCloseable {

  static final Duration CACHE_FOR = Duration.ofSeconds(5);

  /**
   * How long a schema version read is reused. It changes only when a deployment migrates, and reading it
   * costs PostgreSQL a Flyway {@code info} (and its log line), so it is not read on every check.
   */
  static final Duration SCHEMA_EVERY = Duration.ofMinutes(10);

  /** The deadline of each background read; a hung database is reported after this long. */
  private static final Duration SIDE_READ_TIMEOUT = Duration.ofSeconds(2);

  /** A key no application stores: the probe reads nothing and only proves the round trip. */
  private static final String PROBE_KEY = "__health__";

  /** A status and details, in Boot-neutral form. */
  record Report(boolean up, Map<String, Object> details) {}

  private final HeartbeatStore store;
  private final HeartbeatStoreConfig config;
  private final Duration cacheFor;
  private final Clock clock;
  private final Side[] sides;
  private volatile boolean closed;

  // Guarded by this.
  private Map<String, Object> storeDetails;
  private boolean storeUp;
  private Instant storeCheckedAt;
  private Report cached;
  private Object[] cachedFrom;

  /**
   * @param config the settings {@code store} was opened with, or null when the application opened its own
   *     store without one (the details then name the backend only)
   */
  HeartbeatStoreHealth(HeartbeatStore store, HeartbeatStoreConfig config) {
    this(store, config, CACHE_FOR, Clock.systemUTC());
  }

  HeartbeatStoreHealth(HeartbeatStore store, HeartbeatStoreConfig config, Duration cacheFor, Clock clock) {
    this.store = store;
    this.config = config;
    this.cacheFor = cacheFor;
    this.clock = clock;
    if (config == null) {
      sides = new Side[0];
    } else {
      HeartbeatStoreConfig own = config.toBuilder()
          .poolSize(1)
          .timeout(config.timeout().compareTo(SIDE_READ_TIMEOUT) < 0 ? config.timeout() : SIDE_READ_TIMEOUT)
          .build();
      sides = HeartbeatStoreConfig.HEDGING.equals(config.backend())
          ? new Side[] {new Side(own, config.hedgingPrimary(), true), new Side(own, config.hedgingSecondary(), true)}
          : new Side[] {new Side(own, config.backend(), false)};
    }
    Instant now = clock.instant();
    for (Side side : sides) {
      side.refreshIfDue(now);
    }
  }

  /** The store's status (read again once the last read is {@link #CACHE_FOR} old) and the latest details. */
  synchronized Report report() {
    Instant now = clock.instant();
    if (storeCheckedAt == null || !now.isBefore(storeCheckedAt.plus(cacheFor))) {
      probeStore();
      storeCheckedAt = now;
    }
    Object[] from = new Object[sides.length + 1];
    from[0] = storeDetails;
    for (int i = 0; i < sides.length; i++) {
      sides[i].refreshIfDue(now);
      from[i + 1] = sides[i].details;
    }
    if (cached == null || !sameObjects(from, cachedFrom)) {
      cached = assemble(from);
      cachedFrom = from;
    }
    return cached;
  }

  private static boolean sameObjects(Object[] a, Object[] b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  private void probeStore() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("backend", store.backendName());
    try {
      store.heartbeats().last(PROBE_KEY, PROBE_KEY);
      storeUp = true;
    } catch (RuntimeException e) {
      storeUp = false;
      details.put("error", describe(e));
    }
    storeDetails = Collections.unmodifiableMap(details);
  }

  @SuppressWarnings("unchecked")
  private Report assemble(Object[] from) {
    Map<String, Object> details = new LinkedHashMap<>((Map<String, Object>) from[0]);
    if (sides.length == 1) {
      details.putAll((Map<String, Object>) from[1]);
    } else if (sides.length == 2) {
      details.put("mode", config.hedgingMode().name().toLowerCase(Locale.ROOT));
      details.put("primary", from[1]);
      details.put("secondary", from[2]);
    }
    return new Report(storeUp, Collections.unmodifiableMap(details));
  }

  @Override
  public void close() {
    closed = true;
    for (Side side : sides) {
      side.close();
    }
  }

  /** The exception's type and message, with the token scrubbed for good measure. */
  private String describe(RuntimeException e) {
    String message = e.getMessage();
    if (config != null) {
      message = Secrets.scrub(message, config.tursoAuthToken());
    }
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** One database, checked in the background: its schema version and, for a hedging side, its journal. */
  private final class Side {
    private final HeartbeatStoreConfig config;
    private final String backend;
    private final boolean hedgingSide;
    private final ExecutorService worker;
    /** The latest check's details; replaced whole, never changed. */
    private volatile Map<String, Object> details;
    // Guarded by this.
    private Instant requestedAt;
    private boolean running;
    // Opened by the worker without a lock (an open may take long); set and closed under accessLock, so that
    // one opened while the indicator closes is closed too.
    private final Object accessLock = new Object();
    private volatile TableAccess migration;
    private volatile ReplicationAccess replication;
    // Used by the worker only.
    private String schemaVersion;
    private Instant schemaReadAt;

    Side(HeartbeatStoreConfig config, String backend, boolean hedgingSide) {
      this.config = config;
      this.backend = backend;
      this.hedgingSide = hedgingSide;
      this.worker = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "heartbeat-store-health-" + backend);
        t.setDaemon(true);
        return t;
      });
      Map<String, Object> first = new LinkedHashMap<>();
      if (hedgingSide) {
        first.put("backend", backend);
        first.put("status", "UNKNOWN");
      }
      first.put("note", "not checked yet");
      details = Collections.unmodifiableMap(first);
    }

    synchronized void refreshIfDue(Instant now) {
      if (closed || running || (requestedAt != null && now.isBefore(requestedAt.plus(cacheFor)))) {
        return;
      }
      requestedAt = now;
      running = true;
      try {
        worker.execute(this::refresh);
      } catch (RejectedExecutionException e) {
        running = false;  // closed meanwhile
      }
    }

    private void refresh() {
      Map<String, Object> next = new LinkedHashMap<>();
      if (hedgingSide) {
        next.put("backend", backend);
      }
      try {
        TableAccess migration = this.migration;
        if (migration == null) {
          migration = Backends.openTableAccess(config, backend);
          synchronized (accessLock) {
            if (closed) {
              closeQuietly(migration);
              return;
            }
            this.migration = migration;
          }
        }
        ReplicationAccess replication = this.replication;
        if (hedgingSide && replication == null) {
          replication = Backends.openReplicationAccess(config, backend);
          synchronized (accessLock) {
            if (closed) {
              closeQuietly(replication);
              return;
            }
            this.replication = replication;
          }
        }
        Instant now = clock.instant();
        if (schemaReadAt == null || !now.isBefore(schemaReadAt.plus(SCHEMA_EVERY))) {
          String version = migration.schemaVersion();
          schemaVersion = version == null ? "none" : version;
          schemaReadAt = now;
        }
        if (hedgingSide) {
          ReplicationAccess.Stats stats = replication.stats();
          Map<String, Object> journal = new LinkedHashMap<>();
          journal.put("depth", stats.depth());
          journal.put("lagSeconds", stats.lag().toMillis() / 1000.0);
          journal.put("deadLetters", stats.deadLetters());
          next.put("status", "UP");
          next.put("schemaVersion", schemaVersion);
          next.put("journal", journal);
        } else {
          next.put("schemaVersion", schemaVersion);
        }
      } catch (RuntimeException e) {
        closeAccesses();
        schemaReadAt = null;
        if (hedgingSide) {
          next.put("status", "DOWN");
        }
        next.put(hedgingSide ? "error" : "schemaError", describe(e));
      } finally {
        synchronized (this) {
          running = false;
        }
      }
      details = Collections.unmodifiableMap(next);
    }

    void close() {
      worker.shutdownNow();
      try {
        // An open in progress ends with its own deadline; what it opened after this is closed by refresh().
        worker.awaitTermination(SIDE_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeAccesses();
    }

    private void closeAccesses() {
      synchronized (accessLock) {
        if (migration != null) {
          closeQuietly(migration);
          migration = null;
        }
        if (replication != null) {
          closeQuietly(replication);
          replication = null;
        }
      }
    }

    private void closeQuietly(AutoCloseable access) {
      try {
        access.close();
      } catch (Exception ignored) {
        // Reopened on the next check; nothing to report.
      }
    }
  }
}
