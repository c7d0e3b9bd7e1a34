package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.libsql.internal.hrana.HranaSession;
import java.time.Clock;
import java.time.Duration;

/** Opens the {@link SqlSession} the settings name, with its schema applied or checked. */
final class Sessions {

  /**
   * Each call of the schema check or migration at start-up has the per-operation deadline, but at least this long:
   * a first migration (a batch of {@code CREATE}s) against a cold remote database can take longer than a deadline
   * chosen for single-row calls of 50 ms. A server that is down or frozen still fails the start in about
   * {@code max(HEARTBEAT_DB_TIMEOUT, 1 s)}: before, start-up had at least 10 s whatever the deadline.
   */
  static final Duration MIN_STARTUP_DEADLINE = Duration.ofSeconds(1);

  private Sessions() {}

  static SqlSession open(HeartbeatStoreConfig config, Clock clock) {
    LibsqlLocation location = LibsqlLocation.parse(config.tursoDatabaseUrl(), config.tursoAuthToken());
    Duration startup = config.timeout().compareTo(MIN_STARTUP_DEADLINE) > 0 ? config.timeout() : MIN_STARTUP_DEADLINE;
    SqlSession session = location.isFile()
        ? new JdbcSession(location.file(), startup, config.poolSize())
        : new HranaSession(location, startup, config.poolSize());
    try {
      if (config.migrate()) {
        Migrations.migrate(session, clock);
      } else {
        Migrations.check(session);
      }
      session.setTimeout(config.timeout());
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }
}
