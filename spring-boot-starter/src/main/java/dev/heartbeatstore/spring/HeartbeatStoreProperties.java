package dev.heartbeatstore.spring;

import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import dev.heartbeatstore.HeartbeatStoreConfig.Telemetry;
import dev.heartbeatstore.spi.Secrets;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code heartbeat.store.*} properties. Every one is optional: a property that is not set leaves the
 * setting to its environment variable (contract §3), and that to the library's default. A property that is
 * set wins over the variable.
 */
@ConfigurationProperties(prefix = HeartbeatStoreProperties.PREFIX)
public class HeartbeatStoreProperties {

  /** No property set: every setting is left to its environment variable. */
  public HeartbeatStoreProperties() {}

  /** The prefix of every property: {@code heartbeat.store}. */
  public static final String PREFIX = "heartbeat.store";

  /**
   * The backend: postgres, turso (alias libsql) or hedging. Unset: HEARTBEAT_DB_BACKEND, else postgres.
   */
  private String backend;

  /**
   * PostgreSQL URL, postgres://user:password@host:port/db?sslmode=... or jdbc:postgresql://... Needed by the
   * postgres and hedging backends. Unset: DATABASE_URL.
   */
  private String databaseUrl;

  /** The deadline of every operation, e.g. 750ms, 5s, PT5S. Unset: HEARTBEAT_DB_TIMEOUT, else 5s. */
  private Duration timeout;

  /**
   * Whether to create or upgrade the schema at start (true) or only check it (false). Unset:
   * HEARTBEAT_DB_MIGRATE, else true.
   */
  private Boolean migrate;

  /**
   * Maximum connections (PostgreSQL) or concurrent requests (libSQL). Unset: HEARTBEAT_DB_POOL_SIZE, else 10.
   */
  private Integer poolSize;

  /**
   * The library's own OpenTelemetry spans and db.client.operation.duration: on, off, metrics (the histogram
   * only) or spans (the spans only). Turn it off when the OpenTelemetry Java agent already instruments JDBC.
   * Unset: HEARTBEAT_TELEMETRY, else on.
   */
  private Telemetry telemetry;

  private final Turso turso = new Turso();

  private final Hedging hedging = new Hedging();

  /**
   * The {@code heartbeat.store.backend} property: postgres, turso (alias libsql) or hedging; unset: {@code HEARTBEAT_DB_BACKEND}, else postgres.
   *
   * @return the backend name, or null when unset
   */
  public String getBackend() {
    return backend;
  }

  /**
   * Sets the {@code heartbeat.store.backend} property.
   *
   * @param backend the backend name, or null to leave it to the environment variable
   */
  public void setBackend(String backend) {
    this.backend = backend;
  }

  /**
   * The {@code heartbeat.store.database-url} property: the PostgreSQL URL; unset: {@code DATABASE_URL}.
   *
   * @return the URL, or null when unset
   */
  public String getDatabaseUrl() {
    return databaseUrl;
  }

  /**
   * Sets the {@code heartbeat.store.database-url} property.
   *
   * @param databaseUrl the URL, or null to leave it to the environment variable
   */
  public void setDatabaseUrl(String databaseUrl) {
    this.databaseUrl = databaseUrl;
  }

  /**
   * The {@code heartbeat.store.timeout} property: the deadline of every operation; unset: {@code HEARTBEAT_DB_TIMEOUT}, else 5 s.
   *
   * @return the deadline, or null when unset
   */
  public Duration getTimeout() {
    return timeout;
  }

  /**
   * Sets the {@code heartbeat.store.timeout} property.
   *
   * @param timeout the deadline, or null to leave it to the environment variable
   */
  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * The {@code heartbeat.store.migrate} property: create or upgrade the schema at start (true) or only check it; unset: {@code HEARTBEAT_DB_MIGRATE}, else true.
   *
   * @return whether to migrate, or null when unset
   */
  public Boolean getMigrate() {
    return migrate;
  }

  /**
   * Sets the {@code heartbeat.store.migrate} property.
   *
   * @param migrate whether to migrate, or null to leave it to the environment variable
   */
  public void setMigrate(Boolean migrate) {
    this.migrate = migrate;
  }

  /**
   * The {@code heartbeat.store.pool-size} property: maximum connections (PostgreSQL) or concurrent requests (libSQL); unset: {@code HEARTBEAT_DB_POOL_SIZE}, else 10.
   *
   * @return the pool size, or null when unset
   */
  public Integer getPoolSize() {
    return poolSize;
  }

  /**
   * Sets the {@code heartbeat.store.pool-size} property.
   *
   * @param poolSize the pool size, or null to leave it to the environment variable
   */
  public void setPoolSize(Integer poolSize) {
    this.poolSize = poolSize;
  }

  /**
   * The {@code heartbeat.store.telemetry} property: on, off, metrics or spans; unset: {@code HEARTBEAT_TELEMETRY}, else on.
   *
   * @return the telemetry setting, or null when unset
   */
  public Telemetry getTelemetry() {
    return telemetry;
  }

  /**
   * Sets the {@code heartbeat.store.telemetry} property.
   *
   * @param telemetry the telemetry setting, or null to leave it to the environment variable
   */
  public void setTelemetry(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  /**
   * The {@code heartbeat.store.turso.*} properties.
   *
   * @return the libSQL/Turso settings, never null
   */
  public Turso getTurso() {
    return turso;
  }

  /**
   * The {@code heartbeat.store.hedging.*} properties.
   *
   * @return the hedging settings, never null
   */
  public Hedging getHedging() {
    return hedging;
  }

  @Override
  public String toString() {
    return "HeartbeatStoreProperties{backend=" + backend
        + ", databaseUrl=" + Secrets.redactUrl(databaseUrl)
        + ", timeout=" + timeout
        + ", migrate=" + migrate
        + ", poolSize=" + poolSize
        + ", telemetry=" + telemetry
        + ", turso=" + turso
        + ", hedging=" + hedging
        + '}';
  }

  /** libSQL / Turso. */
  public static class Turso {

    /** No property set. */
    public Turso() {}

    /**
     * libSQL URL: libsql://host, https://..., http://... (remote) or file:path/to.db (embedded). Needed by the
     * turso and hedging backends. Unset: TURSO_DATABASE_URL.
     */
    private String databaseUrl;

    /** Bearer token for remote libSQL. Unset: TURSO_AUTH_TOKEN. Never logged or shown. */
    private String authToken;

    /**
     * The {@code heartbeat.store.turso.database-url} property: the libSQL URL; unset: {@code TURSO_DATABASE_URL}.
     *
     * @return the URL, or null when unset
     */
    public String getDatabaseUrl() {
      return databaseUrl;
    }

    /**
     * Sets the {@code heartbeat.store.turso.database-url} property.
     *
     * @param databaseUrl the URL, or null to leave it to the environment variable
     */
    public void setDatabaseUrl(String databaseUrl) {
      this.databaseUrl = databaseUrl;
    }

    /**
     * The {@code heartbeat.store.turso.auth-token} property: the bearer token for remote libSQL, never logged or shown; unset: {@code TURSO_AUTH_TOKEN}.
     *
     * @return the token, or null when unset
     */
    public String getAuthToken() {
      return authToken;
    }

    /**
     * Sets the {@code heartbeat.store.turso.auth-token} property.
     *
     * @param authToken the token, or null to leave it to the environment variable
     */
    public void setAuthToken(String authToken) {
      this.authToken = authToken;
    }

    @Override
    public String toString() {
      return "{databaseUrl=" + Secrets.redactUrl(databaseUrl)
          + ", authToken=" + (authToken == null ? "none" : "***") + '}';
    }
  }

  /** The hedging backend (dual-write for the PostgreSQL to Turso migration). */
  public static class Hedging {

    /** No property set. */
    public Hedging() {}

    /** The source of truth: postgres or turso. Unset: HEARTBEAT_HEDGING_PRIMARY, else postgres. */
    private String primary;

    /**
     * sync (secondary written in the caller's thread, after the primary) or async (bounded queue, in the
     * background). Unset: HEARTBEAT_HEDGING_MODE, else sync.
     */
    private HedgingMode mode;

    /** The deadline of each secondary write. Unset: HEARTBEAT_HEDGING_SECONDARY_TIMEOUT, else 1s. */
    private Duration secondaryTimeout;

    /**
     * Async mode: queued secondary writes before new ones are dropped (and counted). Unset:
     * HEARTBEAT_HEDGING_QUEUE_SIZE, else 10000.
     */
    private Integer queueSize;

    /**
     * Fraction 0..1 of primary reads re-run on the secondary in the background and compared. Unset:
     * HEARTBEAT_HEDGING_VERIFY_READS, else 0.
     */
    private Double verifyReads;

    /**
     * The {@code heartbeat.store.hedging.primary} property: postgres or turso; unset: {@code HEARTBEAT_HEDGING_PRIMARY}, else postgres.
     *
     * @return the primary backend, or null when unset
     */
    public String getPrimary() {
      return primary;
    }

    /**
     * Sets the {@code heartbeat.store.hedging.primary} property.
     *
     * @param primary the primary backend, or null to leave it to the environment variable
     */
    public void setPrimary(String primary) {
      this.primary = primary;
    }

    /**
     * The {@code heartbeat.store.hedging.mode} property: sync or async; unset: {@code HEARTBEAT_HEDGING_MODE}, else sync.
     *
     * @return the mode, or null when unset
     */
    public HedgingMode getMode() {
      return mode;
    }

    /**
     * Sets the {@code heartbeat.store.hedging.mode} property.
     *
     * @param mode the mode, or null to leave it to the environment variable
     */
    public void setMode(HedgingMode mode) {
      this.mode = mode;
    }

    /**
     * The {@code heartbeat.store.hedging.secondary-timeout} property: the deadline of each secondary write; unset: {@code HEARTBEAT_HEDGING_SECONDARY_TIMEOUT}, else 1 s.
     *
     * @return the deadline, or null when unset
     */
    public Duration getSecondaryTimeout() {
      return secondaryTimeout;
    }

    /**
     * Sets the {@code heartbeat.store.hedging.secondary-timeout} property.
     *
     * @param secondaryTimeout the deadline, or null to leave it to the environment variable
     */
    public void setSecondaryTimeout(Duration secondaryTimeout) {
      this.secondaryTimeout = secondaryTimeout;
    }

    /**
     * The {@code heartbeat.store.hedging.queue-size} property: async mode's queue of secondary writes; unset: {@code HEARTBEAT_HEDGING_QUEUE_SIZE}, else 10000.
     *
     * @return the queue size, or null when unset
     */
    public Integer getQueueSize() {
      return queueSize;
    }

    /**
     * Sets the {@code heartbeat.store.hedging.queue-size} property.
     *
     * @param queueSize the queue size, or null to leave it to the environment variable
     */
    public void setQueueSize(Integer queueSize) {
      this.queueSize = queueSize;
    }

    /**
     * The {@code heartbeat.store.hedging.verify-reads} property: the fraction 0..1 of reads re-run on the secondary; unset: {@code HEARTBEAT_HEDGING_VERIFY_READS}, else 0.
     *
     * @return the fraction, or null when unset
     */
    public Double getVerifyReads() {
      return verifyReads;
    }

    /**
     * Sets the {@code heartbeat.store.hedging.verify-reads} property.
     *
     * @param verifyReads the fraction, or null to leave it to the environment variable
     */
    public void setVerifyReads(Double verifyReads) {
      this.verifyReads = verifyReads;
    }

    @Override
    public String toString() {
      return "{primary=" + primary + ", mode=" + mode + ", secondaryTimeout=" + secondaryTimeout
          + ", queueSize=" + queueSize + ", verifyReads=" + verifyReads + '}';
    }
  }
}
