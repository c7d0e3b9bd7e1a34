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

  public String getBackend() {
    return backend;
  }

  public void setBackend(String backend) {
    this.backend = backend;
  }

  public String getDatabaseUrl() {
    return databaseUrl;
  }

  public void setDatabaseUrl(String databaseUrl) {
    this.databaseUrl = databaseUrl;
  }

  public Duration getTimeout() {
    return timeout;
  }

  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  public Boolean getMigrate() {
    return migrate;
  }

  public void setMigrate(Boolean migrate) {
    this.migrate = migrate;
  }

  public Integer getPoolSize() {
    return poolSize;
  }

  public void setPoolSize(Integer poolSize) {
    this.poolSize = poolSize;
  }

  public Telemetry getTelemetry() {
    return telemetry;
  }

  public void setTelemetry(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  public Turso getTurso() {
    return turso;
  }

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

    /**
     * libSQL URL: libsql://host, https://..., http://... (remote) or file:path/to.db (embedded). Needed by the
     * turso and hedging backends. Unset: TURSO_DATABASE_URL.
     */
    private String databaseUrl;

    /** Bearer token for remote libSQL. Unset: TURSO_AUTH_TOKEN. Never logged or shown. */
    private String authToken;

    public String getDatabaseUrl() {
      return databaseUrl;
    }

    public void setDatabaseUrl(String databaseUrl) {
      this.databaseUrl = databaseUrl;
    }

    public String getAuthToken() {
      return authToken;
    }

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

    public String getPrimary() {
      return primary;
    }

    public void setPrimary(String primary) {
      this.primary = primary;
    }

    public HedgingMode getMode() {
      return mode;
    }

    public void setMode(HedgingMode mode) {
      this.mode = mode;
    }

    public Duration getSecondaryTimeout() {
      return secondaryTimeout;
    }

    public void setSecondaryTimeout(Duration secondaryTimeout) {
      this.secondaryTimeout = secondaryTimeout;
    }

    public Integer getQueueSize() {
      return queueSize;
    }

    public void setQueueSize(Integer queueSize) {
      this.queueSize = queueSize;
    }

    public Double getVerifyReads() {
      return verifyReads;
    }

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
