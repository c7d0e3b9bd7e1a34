package dev.heartbeatstore.postgres.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL store: a HikariCP pool over pgjdbc, and the schema checked or migrated at open.
 *
 * <p>Deadlines are {@link Pool}'s: every pooled connection is set to {@code statement_timeout =
 * HEARTBEAT_DB_TIMEOUT} once, when it opens (no extra round trip per operation), and a watchdog cancels, then
 * cuts off, a statement still running shortly after its call's deadline, the wait for a connection included.
 * A socket timeout of whole seconds above the deadline stays as the last resort.
 *
 * <p>{@link #close()} ends the calls in flight (they throw {@code StoreUnavailableException}), then closes the
 * pool, waiting for that at most one deadline.
 */
public final class PostgresHeartbeatStore implements HeartbeatStore {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PostgresHeartbeatStore.class);
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final String APPLICATION_NAME = "heartbeat-store";
  /** HikariCP refuses shorter waits. */
  private static final long MIN_POOL_WAIT_MS = 250;

  private final PostgresUrl url;
  private final HikariDataSource pool;
  private final PostgresErrors errors;
  private final Duration timeout;
  private final Pool leases;
  private final HeartbeatRepository heartbeats;
  private final HeartbeatMonitorRepository monitors;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PostgresHeartbeatStore(PostgresUrl url, HikariDataSource pool, PostgresErrors errors, Clock clock,
                                 Duration timeout, boolean journal) {
    this.url = url;
    this.pool = pool;
    this.errors = errors;
    this.timeout = timeout;
    this.leases = new Pool(pool, timeout);
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
      closeWithin(pool, timeout);
      throw e;
    }
  }

  private static HikariDataSource createPool(PostgresUrl url, HeartbeatStoreConfig config, PostgresErrors errors) {
    long timeoutMs = config.timeout().toMillis();
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("heartbeat-store-postgres-" + POOLS.incrementAndGet());
    hikari.setDataSource(Pool.validatingWithinDeadline(dataSource(url, config.timeout(), true)));
    hikari.setMaximumPoolSize(config.poolSize());
    // A guest in the host's database: keep few idle connections, grow to poolSize under load.
    hikari.setMinimumIdle(Math.min(2, config.poolSize()));
    hikari.setConnectionTimeout(Math.max(MIN_POOL_WAIT_MS, timeoutMs));
    hikari.setValidationTimeout(Math.max(MIN_POOL_WAIT_MS, Math.min(timeoutMs, 5_000)));
    hikari.setAutoCommit(true);
    // statement_timeout = the deadline for every statement a call sends, set once per connection, after pgjdbc's
    // and HikariCP's own setup: as a start-up option it also bounded their first queries, and a deadline of a few
    // ms failed the pool's start.
    hikari.setConnectionInitSql("SET statement_timeout = " + Math.max(1, timeoutMs));
    try {
      return new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw errors.atStart(e, "connect");
    }
  }

  /**
   * A pgjdbc data source for {@code url}. {@code pooled}: with a socket timeout above the deadline (the pool sets
   * the statement timeout); otherwise (migrations) with neither.
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
      // The last resort only: Pool's watchdog ends a call shortly after its deadline.
      ds.setSocketTimeout(timeoutSeconds + 2);
      // Pool sends cancel requests from threads of its own; against a server that stopped answering, one
      // gives up after this (whole seconds), long after the watchdog has closed the connection anyway.
      ds.setCancelSignalTimeout(1);
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

  /**
   * Ends the calls in flight, then closes the pool; idempotent. Returns within the deadline: should HikariCP take
   * longer to shut down (it waits for a connection being opened to a server that stopped answering), that goes
   * on in the background.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long started = System.nanoTime();
    leases.close();
    // What is left of the deadline, less a margin for this thread to be scheduled again on a busy machine.
    long margin = Math.min(TimeUnit.MILLISECONDS.toNanos(100), timeout.toNanos() / 4);
    closeWithin(pool, Duration.ofNanos(timeout.toNanos() - margin - (System.nanoTime() - started)));
  }

  /**
   * Closes HikariCP's pool on a thread of its own, waiting for it at most {@code timeout}. Its own thread, because
   * HikariCP abandons a shutdown half done (its housekeeper thread left running) when the closing thread is
   * interrupted, as the thread of a hedging store's secondary that is still opening is when that store closes.
   */
  private static void closeWithin(HikariDataSource pool, Duration timeout) {
    Thread shutdown = new Thread(pool::close, pool.getPoolName() + "-close");
    shutdown.setDaemon(true);
    shutdown.start();
    try {
      shutdown.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (shutdown.isAlive()) {
      log.warn("the PostgreSQL pool {} is still shutting down after {} ms; it goes on in the background",
          pool.getPoolName(), timeout.toMillis());
    }
  }

  @Override
  public String toString() {
    return "PostgresHeartbeatStore{url=" + url.redacted() + ", pool=" + pool.getPoolName() + '}';
  }
}
