package dev.heartbeatstore;

import dev.heartbeatstore.internal.BackendCatalog;
import dev.heartbeatstore.internal.EnvironmentSettings;
import dev.heartbeatstore.internal.SettingValues;
import dev.heartbeatstore.internal.SettingsDescription;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every setting of a {@link HeartbeatStore}, validated once and immutable.
 *
 * <p>Built from the environment ({@link #fromEnvironment(Map)}, the variables of contract §3 (docs/contract.md)) or
 * programmatically ({@link #builder()}); {@link HeartbeatStores#open(HeartbeatStoreConfig)} opens it.
 * Every bad or missing value is a {@link ConfigurationException} naming the variable, what was wrong
 * and what is accepted. {@link #toString()} never shows a password or token.
 */
public final class HeartbeatStoreConfig {

  /** The backend: {@code postgres}, {@code turso} (alias {@code libsql}) or {@code hedging}. */
  public static final String BACKEND = "HEARTBEAT_DB_BACKEND";
  /** The PostgreSQL URL. */
  public static final String DATABASE_URL = "DATABASE_URL";
  /** The libSQL URL: remote ({@code libsql://}, {@code https://}, {@code http://}) or {@code file:}. */
  public static final String TURSO_DATABASE_URL = "TURSO_DATABASE_URL";
  /** The bearer token of a remote libSQL server. */
  public static final String TURSO_AUTH_TOKEN = "TURSO_AUTH_TOKEN";
  /** The hedging backend's source of truth: {@code postgres} or {@code turso}. */
  public static final String HEDGING_PRIMARY = "HEARTBEAT_HEDGING_PRIMARY";
  /** How the hedging backend writes its secondary: {@code sync} or {@code async}. */
  public static final String HEDGING_MODE = "HEARTBEAT_HEDGING_MODE";
  /** The deadline of each hedging secondary write. */
  public static final String HEDGING_SECONDARY_TIMEOUT = "HEARTBEAT_HEDGING_SECONDARY_TIMEOUT";
  /** Async hedging: the secondary writes held in memory. */
  public static final String HEDGING_QUEUE_SIZE = "HEARTBEAT_HEDGING_QUEUE_SIZE";
  /** The fraction (0 to 1) of reads the hedging backend re-runs on the secondary and compares. */
  public static final String HEDGING_VERIFY_READS = "HEARTBEAT_HEDGING_VERIFY_READS";
  /** The deadline of every operation. */
  public static final String TIMEOUT = "HEARTBEAT_DB_TIMEOUT";
  /** Whether to create or upgrade the schema at start ({@code true}) or only check it. */
  public static final String MIGRATE = "HEARTBEAT_DB_MIGRATE";
  /** Maximum connections (PostgreSQL) or concurrent requests (libSQL). */
  public static final String POOL_SIZE = "HEARTBEAT_DB_POOL_SIZE";
  /** Which of the library's own spans and metrics to emit: {@code on}, {@code off}, {@code metrics}, {@code spans}. */
  public static final String TELEMETRY = "HEARTBEAT_TELEMETRY";

  /** The PostgreSQL backend's name. */
  public static final String POSTGRES = "postgres";
  /** The libSQL/Turso backend's name. */
  public static final String TURSO = "turso";
  /** The hedging backend's name. */
  public static final String HEDGING = "hedging";

  /**
   * The values of {@value #BACKEND} that select the backends this project ships. Which values are
   * accepted is what the backends on the classpath declare ({@link dev.heartbeatstore.spi.BackendProvider}).
   */
  public static final Set<String> BACKEND_VALUES = Set.of(POSTGRES, TURSO, SettingValues.LIBSQL_ALIAS, HEDGING);

  /** How the hedging backend writes its secondary. */
  public enum HedgingMode {
    /** In the caller's thread, after the primary. */
    SYNC,
    /** Through a bounded queue served in the background. */
    ASYNC
  }

  /**
   * What the library emits itself through OpenTelemetry ({@value #TELEMETRY}). Turn it {@link #OFF} when the
   * OpenTelemetry Java agent already instruments JDBC, or the same operations are counted twice.
   */
  public enum Telemetry {
    /** The {@code db.client.operation.duration} histogram and one {@code CLIENT} span per operation (the default). */
    ON,
    /** Neither spans nor metrics (the hedging backend's own metrics stay). */
    OFF,
    /** Only the {@code db.client.operation.duration} histogram. */
    METRICS,
    /** Only the spans. */
    SPANS;

    /** {@return whether operations record {@code db.client.operation.duration}: true for {@link #ON} and {@link #METRICS}} */
    public boolean metrics() {
      return this == ON || this == METRICS;
    }

    /** {@return whether operations emit a {@code CLIENT} span: true for {@link #ON} and {@link #SPANS}} */
    public boolean spans() {
      return this == ON || this == SPANS;
    }

    /**
     * Parses {@code on}, {@code off}, {@code metrics} or {@code spans}, case-insensitive.
     *
     * @param variable the name to put in the error message, e.g. {@value HeartbeatStoreConfig#TELEMETRY}
     * @param value    the text to parse
     * @return the setting
     * @throws ConfigurationException naming {@code variable} when the value is none of those
     */
    public static Telemetry parse(String variable, String value) {
      return SettingValues.telemetry(variable, value);
    }
  }

  /** A private copy of the builder's values, never changed again. */
  private final ConfigValues values;

  private HeartbeatStoreConfig(ConfigValues values) {
    this.values = values;
  }

  /**
   * Parses the contract §3 variables from {@code env}. Unset or blank variables take their defaults.
   * The OpenTelemetry instance is {@link OpenTelemetry#noop()} until set with {@link #toBuilder()}.
   *
   * @param env the variables, e.g. {@link System#getenv()}
   * @return the validated settings
   * @throws ConfigurationException naming the first bad or missing variable
   */
  public static HeartbeatStoreConfig fromEnvironment(Map<String, String> env) {
    return builderFromEnvironment(env).build();
  }

  /**
   * A builder preset from {@code env}, to override some settings in code before {@link Builder#build()}.
   *
   * @param env the variables, e.g. {@link System#getenv()}
   * @return the builder
   * @throws ConfigurationException naming the first bad variable
   */
  public static Builder builderFromEnvironment(Map<String, String> env) {
    return EnvironmentSettings.builder(env);
  }

  /** {@return a new builder with every default: backend {@code postgres}, deadline 5 s, migrate, pool of 10, telemetry on} */
  public static Builder builder() {
    return new Builder(new ConfigValues());
  }

  /** {@return a new builder holding these settings, to change some} */
  public Builder toBuilder() {
    return new Builder(values.copy());
  }

  /**
   * {@return the backend's canonical name: {@code "postgres"}, {@code "turso"} or {@code "hedging"} (the alias
   * {@code libsql} reads as {@code turso}), or the name of another backend on the classpath}
   */
  public String backend() {
    return values.backend;
  }

  /** {@return the PostgreSQL URL ({@value #DATABASE_URL}), or null when not set} Contains secrets. */
  public String databaseUrl() {
    return values.databaseUrl;
  }

  /** {@return the libSQL URL ({@value #TURSO_DATABASE_URL}), or null when not set} */
  public String tursoDatabaseUrl() {
    return values.tursoDatabaseUrl;
  }

  /** {@return the bearer token for remote libSQL, or null when not set} A secret: never log it. */
  public String tursoAuthToken() {
    return values.tursoAuthToken;
  }

  /** {@return which side of the hedging backend is the source of truth: {@code "postgres"} or {@code "turso"}} */
  public String hedgingPrimary() {
    return values.hedgingPrimary;
  }

  /** {@return the other side of the hedging backend: {@code "turso"} or {@code "postgres"}} */
  public String hedgingSecondary() {
    return POSTGRES.equals(values.hedgingPrimary) ? TURSO : POSTGRES;
  }

  /** {@return how the hedging backend writes its secondary: {@link HedgingMode#SYNC} unless set otherwise} */
  public HedgingMode hedgingMode() {
    return values.hedgingMode;
  }

  /** {@return the deadline of each hedging secondary write: a positive duration, 1 s unless set otherwise} */
  public Duration hedgingSecondaryTimeout() {
    return values.hedgingSecondaryTimeout;
  }

  /** {@return the secondary writes async hedging holds in memory: at least 1, 10,000 unless set otherwise} */
  public int hedgingQueueSize() {
    return values.hedgingQueueSize;
  }

  /** {@return the fraction of reads re-run on the hedging secondary and compared: 0 to 1, 0 unless set otherwise} */
  public double hedgingVerifyReads() {
    return values.hedgingVerifyReads;
  }

  /** {@return the deadline of every operation: a positive duration, 5 s unless set otherwise} */
  public Duration timeout() {
    return values.timeout;
  }

  /** {@return whether to create or upgrade the schema at start (true) or only check it (false): true unless set} */
  public boolean migrate() {
    return values.migrate;
  }

  /** {@return the maximum connections (PostgreSQL) or concurrent streams (libSQL): at least 1} */
  public int poolSize() {
    return values.poolSize;
  }

  /** {@return which of its own spans and metrics the library emits: {@link Telemetry#ON} unless set otherwise} */
  public Telemetry telemetry() {
    return values.telemetry;
  }

  /** {@return where spans and metrics go: {@link OpenTelemetry#noop()} unless set} */
  public OpenTelemetry openTelemetry() {
    return values.openTelemetry;
  }

  /** {@return the clock behind {@code updatedAt = now}} */
  public Clock clock() {
    return values.clock;
  }

  /** {@return every setting for a log line, passwords and tokens hidden} */
  @Override
  public String toString() {
    return SettingsDescription.of(this);
  }

  /** Programmatic configuration; {@link #build()} validates everything at once. */
  public static final class Builder {
    private final ConfigValues values;

    private Builder(ConfigValues values) {
      this.values = values;
    }

    /**
     * The backend ({@value HeartbeatStoreConfig#BACKEND}).
     *
     * @param backend {@code postgres}, {@code turso} (alias {@code libsql}), {@code hedging}, or the name or an
     *     alias another backend on the classpath declares; case-insensitive
     * @return this builder
     * @throws ConfigurationException naming the variable for any other value
     */
    public Builder backend(String backend) {
      values.backend = BackendCatalog.canonicalName(BACKEND, backend);
      return this;
    }

    /**
     * The PostgreSQL URL ({@value HeartbeatStoreConfig#DATABASE_URL}); checked when the backend opens.
     *
     * @param databaseUrl {@code postgres://…} or {@code jdbc:postgresql://…}; null or blank unsets it
     * @return this builder
     */
    public Builder databaseUrl(String databaseUrl) {
      values.databaseUrl = SettingValues.blankToNull(databaseUrl);
      return this;
    }

    /**
     * The libSQL URL ({@value HeartbeatStoreConfig#TURSO_DATABASE_URL}); checked when the backend opens.
     *
     * @param tursoDatabaseUrl {@code libsql://}, {@code https://}, {@code http://} or {@code file:}; null or blank unsets it
     * @return this builder
     */
    public Builder tursoDatabaseUrl(String tursoDatabaseUrl) {
      values.tursoDatabaseUrl = SettingValues.blankToNull(tursoDatabaseUrl);
      return this;
    }

    /**
     * The bearer token of a remote libSQL server ({@value HeartbeatStoreConfig#TURSO_AUTH_TOKEN}).
     *
     * @param tursoAuthToken the token; null or blank unsets it
     * @return this builder
     */
    public Builder tursoAuthToken(String tursoAuthToken) {
      values.tursoAuthToken = SettingValues.blankToNull(tursoAuthToken);
      return this;
    }

    /**
     * The hedging backend's source of truth ({@value HeartbeatStoreConfig#HEDGING_PRIMARY}).
     *
     * @param primary {@code postgres} or {@code turso} (alias {@code libsql})
     * @return this builder
     * @throws ConfigurationException naming the variable for any other value
     */
    public Builder hedgingPrimary(String primary) {
      values.hedgingPrimary =
          SettingValues.backendName(HEDGING_PRIMARY, primary, Set.of(POSTGRES, TURSO, SettingValues.LIBSQL_ALIAS));
      return this;
    }

    /**
     * How the hedging backend writes its secondary ({@value HeartbeatStoreConfig#HEDGING_MODE}).
     *
     * @param mode the mode, not null
     * @return this builder
     */
    public Builder hedgingMode(HedgingMode mode) {
      values.hedgingMode = Objects.requireNonNull(mode, "hedgingMode");
      return this;
    }

    /**
     * The deadline of each hedging secondary write ({@value HeartbeatStoreConfig#HEDGING_SECONDARY_TIMEOUT}).
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws ConfigurationException naming the variable when it is not positive
     */
    public Builder hedgingSecondaryTimeout(Duration timeout) {
      values.hedgingSecondaryTimeout = SettingValues.positive(HEDGING_SECONDARY_TIMEOUT, timeout);
      return this;
    }

    /**
     * Async hedging: the secondary writes held in memory ({@value HeartbeatStoreConfig#HEDGING_QUEUE_SIZE}).
     *
     * @param size at least 1
     * @return this builder
     * @throws ConfigurationException naming the variable when it is below 1
     */
    public Builder hedgingQueueSize(int size) {
      values.hedgingQueueSize = SettingValues.atLeast(HEDGING_QUEUE_SIZE, size, 1);
      return this;
    }

    /**
     * The fraction of reads re-run on the hedging secondary and compared ({@value HeartbeatStoreConfig#HEDGING_VERIFY_READS}).
     *
     * @param fraction from 0 to 1
     * @return this builder
     * @throws ConfigurationException naming the variable when it is out of range
     */
    public Builder hedgingVerifyReads(double fraction) {
      values.hedgingVerifyReads = SettingValues.fraction(HEDGING_VERIFY_READS, fraction);
      return this;
    }

    /**
     * The deadline of every operation ({@value HeartbeatStoreConfig#TIMEOUT}).
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws ConfigurationException naming the variable when it is not positive
     */
    public Builder timeout(Duration timeout) {
      values.timeout = SettingValues.positive(TIMEOUT, timeout);
      return this;
    }

    /**
     * Whether to create or upgrade the schema at start, or only check it ({@value HeartbeatStoreConfig#MIGRATE}).
     *
     * @param migrate true to migrate
     * @return this builder
     */
    public Builder migrate(boolean migrate) {
      values.migrate = migrate;
      return this;
    }

    /**
     * Maximum connections (PostgreSQL) or concurrent requests (libSQL) ({@value HeartbeatStoreConfig#POOL_SIZE}).
     *
     * @param poolSize at least 1
     * @return this builder
     * @throws ConfigurationException naming the variable when it is below 1
     */
    public Builder poolSize(int poolSize) {
      values.poolSize = SettingValues.atLeast(POOL_SIZE, poolSize, 1);
      return this;
    }

    /**
     * Which of its own spans and metrics the library emits ({@value HeartbeatStoreConfig#TELEMETRY}).
     *
     * @param telemetry the setting, not null
     * @return this builder
     */
    public Builder telemetry(Telemetry telemetry) {
      values.telemetry = SettingValues.telemetry(telemetry);
      return this;
    }

    /**
     * Where spans and metrics go; {@link HeartbeatStores#fromEnvironment()} uses {@code GlobalOpenTelemetry}.
     *
     * @param openTelemetry the instance, not null
     * @return this builder
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      values.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * The clock behind {@code updatedAt = now}.
     *
     * @param clock the clock, not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      values.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Checks that the chosen backend has the settings it declares it needs
     * ({@link dev.heartbeatstore.spi.BackendProvider#requiredSettings()}).
     *
     * @return the validated, immutable settings
     * @throws ConfigurationException naming the missing variable
     */
    public HeartbeatStoreConfig build() {
      BackendCatalog.checkRequiredSettings(values.backend,
          SettingValues.textSettings(values.databaseUrl, values.tursoDatabaseUrl, values.tursoAuthToken));
      return new HeartbeatStoreConfig(values.copy());
    }
  }

  /**
   * Parses {@code 750ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT5S}).
   *
   * @param variable the name to put in the error message
   * @param value    the text to parse
   * @return a positive duration
   * @throws ConfigurationException naming {@code variable}
   */
  public static Duration parseDuration(String variable, String value) {
    return SettingValues.duration(variable, value);
  }
}
