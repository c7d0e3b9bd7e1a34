package dev.heartbeatstore.postgres.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL store: a HikariCP pool over pgjdbc, and the schema checked or migrated at open.
 *
 * <p>Deadlines: every pooled connection starts with {@code statement_timeout = HEARTBEAT_DB_TIMEOUT}
 * (a start-up option, so no extra round trip per operation), a socket timeout a little above it so
 * that a hung server cannot block a caller forever, and the pool waits at most the same timeout for a
 * free connection; a statement whose caller waited for its connection gets only what is left ({@link Pool}).
 */
public final class PostgresHeartbeatStore implements HeartbeatStore {

  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final String APPLICATION_NAME = "heartbeat-store";
  /** HikariCP refuses shorter waits. */
  private static final long MIN_POOL_WAIT_MS = 250;

  private final PostgresUrl url;
  private final HikariDataSource pool;
  private final PostgresErrors errors;
  private final Duration timeout;
  private final HeartbeatRepository heartbeats;
  private final HeartbeatMonitorRepository monitors;

  private PostgresHeartbeatStore(PostgresUrl url, HikariDataSource pool, PostgresErrors errors, Clock clock,
                                 Duration timeout, boolean journal) {
    this.url = url;
    this.pool = pool;
    this.errors = errors;
    this.timeout = timeout;
    Pool leases = new Pool(pool, timeout);
    this.heartbeats = new PostgresHeartbeatRepository(leases, errors, journal);
    this.monitors = new PostgresMonitorRepository(leases, errors, clock, journal);
  }

  /**
   * Opens the pool and applies ({@code migrate=true}) or checks the schema.
   *
   * @throws dev.heartbeatstore.ConfigurationException for a malformed URL, or a missing or behind schema
   * @throws dev.heartbeatstore.StoreUnavailableException when PostgreSQL cannot be reached
   */
  public static PostgresHeartbeatStore open(HeartbeatStoreConfig config, Clock clock) {
    return open(config, clock, false);
  }

  /** Like {@link #open(HeartbeatStoreConfig, Clock)}; {@code journal}: writes record hedging journal entries. */
  public static PostgresHeartbeatStore open(HeartbeatStoreConfig config, Clock clock, boolean journal) {
    PostgresUrl url = PostgresUrl.parse(config.databaseUrl());
    Duration timeout = config.timeout();
    PostgresErrors errors = new PostgresErrors(url, timeout);
    HikariDataSource pool = createPool(url, config, errors);
    try {
      // Its own, unpooled connection without a statement timeout: migrations may take longer than one
      // operation's deadline, and Flyway may want a second connection while the pool is small.
      PostgresSchema.apply(dataSource(url, timeout, false), config.migrate(), errors);
      return new PostgresHeartbeatStore(url, pool, errors, clock, timeout, journal);
    } catch (RuntimeException | Error e) {
      pool.close();
      throw e;
    }
  }

  private static HikariDataSource createPool(PostgresUrl url, HeartbeatStoreConfig config, PostgresErrors errors) {
    long timeoutMs = config.timeout().toMillis();
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("heartbeat-store-postgres-" + POOLS.incrementAndGet());
    hikari.setDataSource(dataSource(url, config.timeout(), true));
    hikari.setMaximumPoolSize(config.poolSize());
    // A guest in the host's database: keep few idle connections, grow to poolSize under load.
    hikari.setMinimumIdle(Math.min(2, config.poolSize()));
    hikari.setConnectionTimeout(Math.max(MIN_POOL_WAIT_MS, timeoutMs));
    hikari.setValidationTimeout(Math.max(MIN_POOL_WAIT_MS, Math.min(timeoutMs, 5_000)));
    hikari.setAutoCommit(true);
    try {
      return new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw errors.atStart(e, "connect");
    }
  }

  /**
   * A pgjdbc data source for {@code url}. {@code pooled}: with the per-operation statement timeout and a
   * socket timeout just above it; otherwise (migrations) with neither.
   */
  static PGSimpleDataSource dataSource(PostgresUrl url, Duration timeout, boolean pooled) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url.jdbcUrl());
    if (url.user() != null) {
      ds.setUser(url.user());
    }
    if (url.password() != null) {
      ds.setPassword(url.password());
    }
    if (!url.hasParameter(PGProperty.APPLICATION_NAME.getName())) {
      // Shows in pg_stat_activity; a URL's own ApplicationName wins.
      ds.setApplicationName(APPLICATION_NAME);
    }
    int timeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    ds.setConnectTimeout(timeoutSeconds);
    ds.setLoginTimeout(timeoutSeconds);
    ds.setTcpKeepAlive(true);
    if (pooled) {
      String options = ds.getOptions();
      String statementTimeout = "-c statement_timeout=" + timeout.toMillis();
      ds.setOptions(options == null || options.isBlank() ? statementTimeout : options + " " + statementTimeout);
      ds.setSocketTimeout(timeoutSeconds + 2);
    }
    return ds;
  }

  HikariDataSource pool() {
    return pool;
  }

  PostgresErrors errors() {
    return errors;
  }

  /** An unpooled data source without a statement timeout, for Flyway. */
  javax.sql.DataSource migrationDataSource() {
    return dataSource(url, timeout, false);
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
    return HeartbeatStoreConfig.POSTGRES;
  }

  /** Closes the pool; idempotent. */
  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "PostgresHeartbeatStore{url=" + url.redacted() + ", pool=" + pool.getPoolName() + '}';
  }
}
