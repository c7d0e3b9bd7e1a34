package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.HeartbeatStoreConfig;
import java.time.Clock;
import java.time.Duration;

/** Opens the {@link SqlSession} the settings name, with its schema applied or checked. */
final class Sessions {

  /**
   * The schema check or migration at start-up may take longer than one repository operation (a
   * cold remote database, a first migration); it gets at least this long.
   */
  static final Duration MIN_STARTUP_TIMEOUT = Duration.ofSeconds(10);

  private Sessions() {}

  static SqlSession open(HeartbeatStoreConfig config, Clock clock) {
    LibsqlLocation location = LibsqlLocation.parse(config.tursoDatabaseUrl(), config.tursoAuthToken());
    Duration startup = config.timeout().compareTo(MIN_STARTUP_TIMEOUT) > 0 ? config.timeout() : MIN_STARTUP_TIMEOUT;
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
