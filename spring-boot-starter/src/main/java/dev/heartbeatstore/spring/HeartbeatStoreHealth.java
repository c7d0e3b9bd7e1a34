package dev.heartbeatstore.spring;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.internal.StoreFactory;
import dev.heartbeatstore.spi.MigrationAccess;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.spi.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@code heartbeatStore} health indicator reports, whichever Boot's health API shows it.
 *
 * <p>The status is the store's own: UP when a read through the application's {@link HeartbeatStore}
 * succeeds (for hedging: the primary, where reads go). The details name the backend and the schema
 * version; for hedging, each side with its status, schema version and journal (entries recorded in that
 * side's database that the other side has not received yet). A secondary that is down shows in the
 * details only: the application keeps serving, so it is not DOWN.
 *
 * <p>A report is kept for {@link #CACHE_FOR}, and computed by one caller at a time, so that a storm of
 * probes reaches the database at most once per period. The schema and journal are read through
 * connections of their own (one per side and kind, opened on the first probe, with {@code migrate=false}:
 * a probe never changes a schema), reopened after a failure, closed with the indicator.
 */
final class HeartbeatStoreHealth implements AutoCloseable {

  static final Duration CACHE_FOR = Duration.ofSeconds(5);

  /** A key no application stores: the probe reads nothing and only proves the round trip. */
  private static final String PROBE_KEY = "__health__";

  /** A status and details, in Boot-neutral form. */
  record Report(boolean up, Map<String, Object> details) {}

  private final HeartbeatStore store;
  private final HeartbeatStoreConfig config;
  private final Duration cacheFor;
  private final Clock clock;
  private final Side[] sides;
  private Report cached;
  private Instant cachedAt;
  private boolean closed;

  /**
   * @param config the settings {@code store} was opened with, or null when the application opened its own
   *     store without one (the details then name the backend only)
   */
  HeartbeatStoreHealth(HeartbeatStore store, HeartbeatStoreConfig config) {
    this(store, config, CACHE_FOR, Clock.systemUTC());
  }

  HeartbeatStoreHealth(HeartbeatStore store, HeartbeatStoreConfig config, Duration cacheFor, Clock clock) {
    this.store = store;
    this.config = config == null ? null : config.toBuilder().poolSize(1).migrate(false).build();
    this.cacheFor = cacheFor;
    this.clock = clock;
    if (this.config == null) {
      sides = new Side[0];
    } else if (HeartbeatStoreConfig.HEDGING.equals(this.config.backend())) {
      sides = new Side[] {new Side(this.config.hedgingPrimary(), true), new Side(this.config.hedgingSecondary(), true)};
    } else {
      sides = new Side[] {new Side(this.config.backend(), false)};
    }
  }

  /** The last report while it is fresh, else a new one. */
  synchronized Report report() {
    Instant now = clock.instant();
    if (cached == null || !now.isBefore(cachedAt.plus(cacheFor))) {
      cached = probe();
      cachedAt = now;
    }
    return cached;
  }

  private Report probe() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("backend", store.backendName());
    boolean up;
    try {
      store.heartbeats().last(PROBE_KEY, PROBE_KEY);
      up = true;
    } catch (RuntimeException e) {
      up = false;
      details.put("error", describe(e));
    }
    if (sides.length == 1) {
      details.putAll(sides[0].probe());
    } else if (sides.length == 2) {
      details.put("mode", config.hedgingMode().name().toLowerCase(java.util.Locale.ROOT));
      details.put("primary", sides[0].probe());
      details.put("secondary", sides[1].probe());
    }
    return new Report(up, details);
  }

  @Override
  public synchronized void close() {
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

  /** One database: its schema version and, for a hedging side, its journal. */
  private final class Side {
    private final String backend;
    private final boolean journal;
    private MigrationAccess migration;
    private ReplicationAccess replication;

    Side(String backend, boolean journal) {
      this.backend = backend;
      this.journal = journal;
    }

    /** Single backend: {@code schemaVersion}; hedging side: also {@code backend}, {@code status}, {@code journal}. */
    Map<String, Object> probe() {
      Map<String, Object> details = new LinkedHashMap<>();
      if (journal) {
        details.put("backend", backend);
      }
      try {
        if (closed) {
          throw new IllegalStateException("the health indicator is closed");
        }
        if (migration == null) {
          migration = StoreFactory.openMigrationAccess(config, backend);
        }
        details.put("schemaVersion", migration.schemaVersion());
        if (journal) {
          if (replication == null) {
            replication = StoreFactory.openReplicationAccess(config, backend);
          }
          ReplicationAccess.Stats stats = replication.stats();
          Map<String, Object> journalDetails = new LinkedHashMap<>();
          journalDetails.put("depth", stats.depth());
          journalDetails.put("lagSeconds", stats.lag().toMillis() / 1000.0);
          journalDetails.put("deadLetters", stats.deadLetters());
          details.put("status", "UP");
          details.put("journal", journalDetails);
        }
      } catch (RuntimeException e) {
        close();
        if (journal) {
          details.put("status", "DOWN");
        }
        details.put(journal ? "error" : "schemaError", describe(e));
      }
      return details;
    }

    void close() {
      if (migration != null) {
        closeQuietly(migration);
        migration = null;
      }
      if (replication != null) {
        closeQuietly(replication);
        replication = null;
      }
    }

    private void closeQuietly(AutoCloseable access) {
      try {
        access.close();
      } catch (Exception ignored) {
        // Reopened on the next probe; nothing to report.
      }
    }
  }
}
