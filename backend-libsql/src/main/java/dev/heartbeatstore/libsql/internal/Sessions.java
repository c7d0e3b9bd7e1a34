package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.libsql.internal.hrana.HranaSession;
import dev.heartbeatstore.spi.Deadline;
import java.time.Clock;
import java.time.Duration;

/**
 * Opens the {@link SqlSession} the settings name, with its schema applied or checked. The session keeps no
 * deadline: each call is given its own ({@link Deadline}), the start-up's calls the start-up budget.
 */
final class Sessions {

  /**
   * Each call of the schema check or migration at start-up has the per-operation deadline, but at least this long:
   * a first migration (a batch of {@code CREATE}s) against a cold remote database can take longer than a deadline
   * chosen for single-row calls of 50 ms. A server that is down or frozen still fails the start in about
   * {@code max(HEARTBEAT_DB_TIMEOUT, 1 s)}.
   */
  static final Duration MIN_STARTUP_DEADLINE = Duration.ofSeconds(1);

  private Sessions() {}

  /** The budget of each start-up step: {@code HEARTBEAT_DB_TIMEOUT}, but never less than {@link #MIN_STARTUP_DEADLINE}. */
  static Duration startup(HeartbeatStoreConfig config) {
    return config.timeout().compareTo(MIN_STARTUP_DEADLINE) > 0 ? config.timeout() : MIN_STARTUP_DEADLINE;
  }

  static SqlSession open(HeartbeatStoreConfig config, Clock clock) {
    LibsqlLocation location = LibsqlLocation.parse(config.tursoDatabaseUrl(), config.tursoAuthToken());
    Duration startup = startup(config);
    SqlSession session = location.isFile()
        ? new JdbcSession(location.file(), Deadline.after(startup), config.poolSize(), config.timeout())
        : new HranaSession(location, config.poolSize());
    try {
      session.connect(Deadline.after(startup));
      if (config.migrate()) {
        Migrations.migrate(session, startup, clock);
      } else {
        Migrations.check(session, startup);
      }
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }
}
