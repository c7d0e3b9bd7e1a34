package dev.heartbeatstore;

import dev.heartbeatstore.internal.BackendCatalog;
import dev.heartbeatstore.spi.Secrets;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
  private static final String LIBSQL_ALIAS = "libsql";

  /**
   * The values of {@value #BACKEND} that select the backends this project ships. Which values are
   * accepted is what the backends on the classpath declare ({@link dev.heartbeatstore.spi.BackendProvider}).
   */
  public static final Set<String> BACKEND_VALUES = Set.of(POSTGRES, TURSO, LIBSQL_ALIAS, HEDGING);

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
    ON(true, true),
    /** Neither spans nor metrics (the hedging backend's own metrics stay). */
    OFF(false, false),
    /** Only the {@code db.client.operation.duration} histogram. */
    METRICS(true, false),
    /** Only the spans. */
    SPANS(false, true);

    private final boolean metrics;
    private final boolean spans;

    Telemetry(boolean metrics, boolean spans) {
      this.metrics = metrics;
      this.spans = spans;
    }

    /**
     * Whether operations record {@code db.client.operation.duration}.
     *
     * @return true for {@link #ON} and {@link #METRICS}
     */
    public boolean metrics() {
      return metrics;
    }

    /**
     * Whether operations emit a {@code CLIENT} span.
     *
     * @return true for {@link #ON} and {@link #SPANS}
     */
    public boolean spans() {
      return spans;
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
      String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
      for (Telemetry t : values()) {
        if (t.name().toLowerCase(Locale.ROOT).equals(v)) {
          return t;
        }
      }
      throw new ConfigurationException(variable + " must be on, off, metrics or spans, was '" + value + "'");
    }
  }

  private final String backend;
  private final String databaseUrl;
  private final String tursoDatabaseUrl;
  private final String tursoAuthToken;
  private final String hedgingPrimary;
  private final HedgingMode hedgingMode;
  private final Duration hedgingSecondaryTimeout;
  private final int hedgingQueueSize;
  private final double hedgingVerifyReads;
  private final Duration timeout;
  private final boolean migrate;
  private final int poolSize;
  private final Telemetry telemetry;
  private final OpenTelemetry openTelemetry;
  private final Clock clock;

  private HeartbeatStoreConfig(Builder b) {
    this.backend = b.backend;
    this.databaseUrl = b.databaseUrl;
    this.tursoDatabaseUrl = b.tursoDatabaseUrl;
    this.tursoAuthToken = b.tursoAuthToken;
    this.hedgingPrimary = b.hedgingPrimary;
    this.hedgingMode = b.hedgingMode;
    this.hedgingSecondaryTimeout = b.hedgingSecondaryTimeout;
    this.hedgingQueueSize = b.hedgingQueueSize;
    this.hedgingVerifyReads = b.hedgingVerifyReads;
    this.timeout = b.timeout;
    this.migrate = b.migrate;
    this.poolSize = b.poolSize;
    this.telemetry = b.telemetry;
    this.openTelemetry = b.openTelemetry;
    this.clock = b.clock;
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
    Objects.requireNonNull(env, "env");
    Builder b = builder();
    String v;
    if ((v = get(env, BACKEND)) != null) {
      b.backend(v);
    }
    if ((v = get(env, DATABASE_URL)) != null) {
      b.databaseUrl(v);
    }
    if ((v = get(env, TURSO_DATABASE_URL)) != null) {
      b.tursoDatabaseUrl(v);
    }
    if ((v = get(env, TURSO_AUTH_TOKEN)) != null) {
      b.tursoAuthToken(v);
    }
    if ((v = get(env, HEDGING_PRIMARY)) != null) {
      b.hedgingPrimary(v);
    }
    if ((v = get(env, HEDGING_MODE)) != null) {
      b.hedgingMode(parseMode(v));
    }
    if ((v = get(env, HEDGING_SECONDARY_TIMEOUT)) != null) {
      b.hedgingSecondaryTimeout(parseDuration(HEDGING_SECONDARY_TIMEOUT, v));
    }
    if ((v = get(env, HEDGING_QUEUE_SIZE)) != null) {
      b.hedgingQueueSize(parseInt(HEDGING_QUEUE_SIZE, v));
    }
    if ((v = get(env, HEDGING_VERIFY_READS)) != null) {
      b.hedgingVerifyReads(parseFraction(HEDGING_VERIFY_READS, v));
    }
    if ((v = get(env, TIMEOUT)) != null) {
      b.timeout(parseDuration(TIMEOUT, v));
    }
    if ((v = get(env, MIGRATE)) != null) {
      b.migrate(parseBoolean(MIGRATE, v));
    }
    if ((v = get(env, POOL_SIZE)) != null) {
      b.poolSize(parseInt(POOL_SIZE, v));
    }
    if ((v = get(env, TELEMETRY)) != null) {
      b.telemetry(Telemetry.parse(TELEMETRY, v));
    }
    return b;
  }

  /**
   * A builder with every default: backend {@code postgres}, deadline 5 s, migrate, pool of 10, telemetry on.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding these settings, to change some.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.backend = backend;
    b.databaseUrl = databaseUrl;
    b.tursoDatabaseUrl = tursoDatabaseUrl;
    b.tursoAuthToken = tursoAuthToken;
    b.hedgingPrimary = hedgingPrimary;
    b.hedgingMode = hedgingMode;
    b.hedgingSecondaryTimeout = hedgingSecondaryTimeout;
    b.hedgingQueueSize = hedgingQueueSize;
    b.hedgingVerifyReads = hedgingVerifyReads;
    b.timeout = timeout;
    b.migrate = migrate;
    b.poolSize = poolSize;
    b.telemetry = telemetry;
    b.openTelemetry = openTelemetry;
    b.clock = clock;
    return b;
  }

  /**
   * {@code "postgres"}, {@code "turso"} or {@code "hedging"} (the alias {@code libsql} reads as {@code turso}),
   * or the name of another backend on the classpath.
   *
   * @return the backend's canonical name
   */
  public String backend() {
    return backend;
  }

  /**
   * PostgreSQL URL, {@code postgres://…} or {@code jdbc:postgresql://…}; null when not set. Contains secrets.
   *
   * @return the URL, or null
   */
  public String databaseUrl() {
    return databaseUrl;
  }

  /**
   * libSQL URL ({@code libsql://}, {@code https://}, {@code http://} or {@code file:}); null when not set.
   *
   * @return the URL, or null
   */
  public String tursoDatabaseUrl() {
    return tursoDatabaseUrl;
  }

  /**
   * Bearer token for remote libSQL; null when not set. A secret: never log it.
   *
   * @return the token, or null
   */
  public String tursoAuthToken() {
    return tursoAuthToken;
  }

  /**
   * Which side of the hedging backend is the source of truth: {@code "postgres"} or {@code "turso"}.
   *
   * @return {@code "postgres"} or {@code "turso"}
   */
  public String hedgingPrimary() {
    return hedgingPrimary;
  }

  /**
   * The other side of the hedging backend.
   *
   * @return {@code "turso"} or {@code "postgres"}
   */
  public String hedgingSecondary() {
    return POSTGRES.equals(hedgingPrimary) ? TURSO : POSTGRES;
  }

  /**
   * How the hedging backend writes its secondary.
   *
   * @return {@link HedgingMode#SYNC} unless set otherwise
   */
  public HedgingMode hedgingMode() {
    return hedgingMode;
  }

  /**
   * The deadline of each hedging secondary write.
   *
   * @return a positive duration, 1 s unless set otherwise
   */
  public Duration hedgingSecondaryTimeout() {
    return hedgingSecondaryTimeout;
  }

  /**
   * Async hedging: the secondary writes held in memory.
   *
   * @return at least 1, 10,000 unless set otherwise
   */
  public int hedgingQueueSize() {
    return hedgingQueueSize;
  }

  /**
   * The fraction of reads the hedging backend re-runs on the secondary and compares.
   *
   * @return from 0 to 1, 0 unless set otherwise
   */
  public double hedgingVerifyReads() {
    return hedgingVerifyReads;
  }

  /**
   * The deadline of every operation.
   *
   * @return a positive duration, 5 s unless set otherwise
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * True: create or upgrade the schema at start; false: only check it.
   *
   * @return true unless set otherwise
   */
  public boolean migrate() {
    return migrate;
  }

  /**
   * Maximum connections (PostgreSQL) or concurrent streams (libSQL).
   *
   * @return at least 1
   */
  public int poolSize() {
    return poolSize;
  }

  /**
   * Which of its own spans and metrics the library emits ({@value #TELEMETRY}).
   *
   * @return {@link Telemetry#ON} unless set otherwise
   */
  public Telemetry telemetry() {
    return telemetry;
  }

  /**
   * Where spans and metrics go.
   *
   * @return {@link OpenTelemetry#noop()} unless set
   */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * The clock behind {@code updatedAt = now}.
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  /**
   * Every setting, passwords and tokens hidden.
   *
   * @return the settings for a log line
   */
  @Override
  public String toString() {
    return "HeartbeatStoreConfig{backend=" + backend
        + ", databaseUrl=" + Secrets.redactUrl(databaseUrl)
        + ", tursoDatabaseUrl=" + Secrets.redactUrl(tursoDatabaseUrl)
        + ", tursoAuthToken=" + (tursoAuthToken == null ? "none" : "***")
        + ", hedgingPrimary=" + hedgingPrimary
        + ", hedgingMode=" + hedgingMode.name().toLowerCase(Locale.ROOT)
        + ", hedgingSecondaryTimeout=" + hedgingSecondaryTimeout
        + ", hedgingQueueSize=" + hedgingQueueSize
        + ", hedgingVerifyReads=" + hedgingVerifyReads
        + ", timeout=" + timeout
        + ", migrate=" + migrate
        + ", poolSize=" + poolSize
        + ", telemetry=" + telemetry.name().toLowerCase(Locale.ROOT)
        + '}';
  }

  /** Programmatic configuration; {@link #build()} validates everything at once. */
  public static final class Builder {
    private String backend = POSTGRES;
    private String databaseUrl;
    private String tursoDatabaseUrl;
    private String tursoAuthToken;
    private String hedgingPrimary = POSTGRES;
    private HedgingMode hedgingMode = HedgingMode.SYNC;
    private Duration hedgingSecondaryTimeout = Duration.ofSeconds(1);
    private int hedgingQueueSize = 10_000;
    private double hedgingVerifyReads = 0;
    private Duration timeout = Duration.ofSeconds(5);
    private boolean migrate = true;
    private int poolSize = 10;
    private Telemetry telemetry = Telemetry.ON;
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The backend ({@value HeartbeatStoreConfig#BACKEND}).
     *
     * @param backend {@code postgres}, {@code turso} (alias {@code libsql}), {@code hedging}, or the name or an
     *     alias another backend on the classpath declares; case-insensitive
     * @return this builder
     * @throws ConfigurationException naming the variable for any other value
     */
    public Builder backend(String backend) {
      this.backend = BackendCatalog.canonicalName(BACKEND, backend);
      return this;
    }

    /**
     * The PostgreSQL URL ({@value HeartbeatStoreConfig#DATABASE_URL}); checked when the backend opens.
     *
     * @param databaseUrl {@code postgres://…} or {@code jdbc:postgresql://…}; null or blank unsets it
     * @return this builder
     */
    public Builder databaseUrl(String databaseUrl) {
      this.databaseUrl = blankToNull(databaseUrl);
      return this;
    }

    /**
     * The libSQL URL ({@value HeartbeatStoreConfig#TURSO_DATABASE_URL}); checked when the backend opens.
     *
     * @param tursoDatabaseUrl {@code libsql://}, {@code https://}, {@code http://} or {@code file:}; null or blank unsets it
     * @return this builder
     */
    public Builder tursoDatabaseUrl(String tursoDatabaseUrl) {
      this.tursoDatabaseUrl = blankToNull(tursoDatabaseUrl);
      return this;
    }

    /**
     * The bearer token of a remote libSQL server ({@value HeartbeatStoreConfig#TURSO_AUTH_TOKEN}).
     *
     * @param tursoAuthToken the token; null or blank unsets it
     * @return this builder
     */
    public Builder tursoAuthToken(String tursoAuthToken) {
      this.tursoAuthToken = blankToNull(tursoAuthToken);
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
      this.hedgingPrimary = normalizeBackend(HEDGING_PRIMARY, primary, Set.of(POSTGRES, TURSO, LIBSQL_ALIAS));
      return this;
    }

    /**
     * How the hedging backend writes its secondary ({@value HeartbeatStoreConfig#HEDGING_MODE}).
     *
     * @param mode the mode, not null
     * @return this builder
     */
    public Builder hedgingMode(HedgingMode mode) {
      this.hedgingMode = Objects.requireNonNull(mode, "hedgingMode");
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
      this.hedgingSecondaryTimeout = positive(HEDGING_SECONDARY_TIMEOUT, timeout);
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
      this.hedgingQueueSize = atLeast(HEDGING_QUEUE_SIZE, size, 1);
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
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new ConfigurationException(HEDGING_VERIFY_READS + " must be a fraction from 0 to 1 (e.g. 0.05), was " + fraction);
      }
      this.hedgingVerifyReads = fraction;
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
      this.timeout = positive(TIMEOUT, timeout);
      return this;
    }

    /**
     * Whether to create or upgrade the schema at start, or only check it ({@value HeartbeatStoreConfig#MIGRATE}).
     *
     * @param migrate true to migrate
     * @return this builder
     */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
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
      this.poolSize = atLeast(POOL_SIZE, poolSize, 1);
      return this;
    }

    /**
     * Which of its own spans and metrics the library emits; {@link Telemetry#OFF} when the OpenTelemetry
     * Java agent already instruments JDBC.
     *
     * @param telemetry the setting, not null
     * @return this builder
     */
    public Builder telemetry(Telemetry telemetry) {
      if (telemetry == null) {
        throw new ConfigurationException(TELEMETRY + " must be on, off, metrics or spans, was null");
      }
      this.telemetry = telemetry;
      return this;
    }

    /**
     * Where spans and metrics go; {@link HeartbeatStores#fromEnvironment()} uses {@code GlobalOpenTelemetry}.
     *
     * @param openTelemetry the instance, not null
     * @return this builder
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * The clock behind {@code updatedAt = now}.
     *
     * @param clock the clock, not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
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
      BackendCatalog.checkRequiredSettings(backend, this::setting);
      return new HeartbeatStoreConfig(this);
    }

    /** The value of the text setting {@code variable}, null when unset. */
    private String setting(String variable) {
      switch (variable) {
        case DATABASE_URL:
          return databaseUrl;
        case TURSO_DATABASE_URL:
          return tursoDatabaseUrl;
        case TURSO_AUTH_TOKEN:
          return tursoAuthToken;
        default:
          return null;
      }
    }
  }

  // ---- parsing, shared by the builder and the environment ----

  private static String get(Map<String, String> env, String name) {
    return blankToNull(env.get(name));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static String normalizeBackend(String variable, String value, Set<String> accepted) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    if (!accepted.contains(v)) {
      throw new ConfigurationException(variable + " must be one of " + listed(accepted) + ", was '" + value + "'");
    }
    return LIBSQL_ALIAS.equals(v) ? TURSO : v;
  }

  private static String listed(Set<String> accepted) {
    // Fixed order, so messages are stable and read well.
    StringBuilder sb = new StringBuilder();
    for (String name : new String[] {POSTGRES, TURSO, LIBSQL_ALIAS, HEDGING}) {
      if (accepted.contains(name)) {
        sb.append(sb.length() == 0 ? "" : ", ").append(name);
      }
    }
    return sb.toString();
  }

  private static HedgingMode parseMode(String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "sync":
        return HedgingMode.SYNC;
      case "async":
        return HedgingMode.ASYNC;
      default:
        throw new ConfigurationException(HEDGING_MODE + " must be sync or async, was '" + value + "'");
    }
  }

  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  /**
   * Parses {@code 750ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT5S}).
   *
   * @param variable the name to put in the error message
   * @param value    the text to parse
   * @return a positive duration
   * @throws ConfigurationException naming {@code variable}
   */
  public static Duration parseDuration(String variable, String value) {
    String v = value.trim();
    Duration d;
    Matcher m = SIMPLE_DURATION.matcher(v.toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms": d = Duration.ofMillis(n); break;
          case "s": d = Duration.ofSeconds(n); break;
          case "m": d = Duration.ofMinutes(n); break;
          default: d = Duration.ofHours(n); break;
        }
      } else if (v.startsWith("P") || v.startsWith("p")) {
        d = Duration.parse(v.toUpperCase(Locale.ROOT));
      } else {
        d = null;
      }
    } catch (RuntimeException e) {
      d = null;
    }
    if (d == null) {
      throw new ConfigurationException(variable + " must be a duration such as 750ms, 5s, 2m or PT5S, was '" + value + "'");
    }
    return positive(variable, d);
  }

  private static Duration positive(String variable, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new ConfigurationException(variable + " must be a positive duration such as 750ms, 5s or PT5S, was " + d);
    }
    return d;
  }

  private static int parseInt(String variable, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(variable + " must be a whole number, was '" + value + "'");
    }
  }

  private static int atLeast(String variable, int value, int min) {
    if (value < min) {
      throw new ConfigurationException(variable + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  private static double parseFraction(String variable, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(variable + " must be a fraction from 0 to 1 (e.g. 0.05), was '" + value + "'");
    }
  }

  private static boolean parseBoolean(String variable, String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true": case "1": case "yes": case "on":
        return true;
      case "false": case "0": case "no": case "off":
        return false;
      default:
        throw new ConfigurationException(variable + " must be true or false, was '" + value + "'");
    }
  }
}
