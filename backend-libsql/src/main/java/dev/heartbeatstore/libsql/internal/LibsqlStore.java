package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The libSQL backend's store: both repositories over one {@link SqlSession}, remote or file. */
public final class LibsqlStore implements HeartbeatStore {

  private static final Logger log = LoggerFactory.getLogger(LibsqlStore.class);

  private final SqlSession session;
  private final HeartbeatRepository heartbeats;
  private final HeartbeatMonitorRepository monitors;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** {@code timeout}: the deadline of each call, from its start ({@code HEARTBEAT_DB_TIMEOUT}). */
  LibsqlStore(SqlSession session, Clock clock, boolean journal, Duration timeout) {
    this.session = session;
    this.heartbeats = new LibsqlHeartbeatRepository(session, journal, timeout);
    this.monitors = new LibsqlMonitorRepository(session, clock, journal, timeout);
  }

  /**
   * Opens the session {@code TURSO_DATABASE_URL} names, then applies ({@code migrate}) or checks the schema.
   *
   * @throws ConfigurationException for a bad URL or a missing schema with {@code migrate=false}
   */
  public static LibsqlStore open(HeartbeatStoreConfig config, Clock clock) {
    return open(config, clock, false);
  }

  /** Like {@link #open(HeartbeatStoreConfig, Clock)}; {@code journal}: writes record hedging journal entries. */
  public static LibsqlStore open(HeartbeatStoreConfig config, Clock clock, boolean journal) {
    SqlSession session = Sessions.open(config, clock);
    try {
      BulkIndexes.refuseIfPending(session, config, journal, Deadline.after(Sessions.startup(config)));
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    log.info("heartbeat-store opened {}", session.describe());
    return new LibsqlStore(session, clock, journal, config.timeout());
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
    return HeartbeatStoreConfig.TURSO;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      session.close();
    }
  }

  @Override
  public String toString() {
    return "LibsqlStore{" + session.describe() + '}';
  }
}
