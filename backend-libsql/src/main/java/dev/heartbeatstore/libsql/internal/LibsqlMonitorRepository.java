package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Heartbeat monitors in SQLite. Arguments arrive validated and truncated by core. */
final class LibsqlMonitorRepository implements HeartbeatMonitorRepository {

  private final SqlSession session;
  private final Clock clock;

  LibsqlMonitorRepository(SqlSession session, Clock clock) {
    this.session = session;
    this.clock = clock;
  }

  @Override
  public void store(HeartbeatMonitor m) {
    try {
      session.execute("heartbeat_monitors.store", Statement.of(SqliteSql.INSERT_MONITOR,
          Rows.uuid(m.id()), Rows.uuid(m.phoneId()), m.userId(), m.queueId(), m.owner(),
          Rows.bool(m.phoneOnline()), Rows.micros(m.createdAt()), Rows.micros(m.updatedAt())));
    } catch (DuplicateRecordException e) {
      throw new DuplicateRecordException("heartbeat_monitors.store: a monitor with id " + m.id() + " already exists", e);
    }
  }

  @Override
  public Optional<HeartbeatMonitor> load(String userId, String owner) {
    List<Object[]> rows = session.query("heartbeat_monitors.load", Statement.of(SqliteSql.LOAD_MONITOR, userId, owner));
    return rows.isEmpty() ? Optional.empty() : Optional.of(Rows.monitor(rows.get(0)));
  }

  @Override
  public boolean exists(String userId, UUID monitorId) {
    return !session.query("heartbeat_monitors.exists",
        Statement.of(SqliteSql.MONITOR_EXISTS, userId, Rows.uuid(monitorId))).isEmpty();
  }

  @Override
  public void updateQueueId(UUID monitorId, String queueId) {
    session.execute("heartbeat_monitors.updateQueueId",
        Statement.of(SqliteSql.UPDATE_MONITOR_QUEUE_ID, queueId, now(), Rows.uuid(monitorId)));
  }

  @Override
  public void delete(String userId, String owner) {
    session.execute("heartbeat_monitors.delete", Statement.of(SqliteSql.DELETE_MONITOR, userId, owner));
  }

  @Override
  public void updatePhoneOnline(String userId, UUID monitorId, boolean online) {
    session.execute("heartbeat_monitors.updatePhoneOnline", Statement.of(SqliteSql.UPDATE_MONITOR_PHONE_ONLINE,
        Rows.bool(online), now(), userId, Rows.uuid(monitorId)));
  }

  @Override
  public void deleteAllForUser(String userId) {
    session.execute("heartbeat_monitors.deleteAllForUser", Statement.of(SqliteSql.DELETE_MONITORS_OF_USER, userId));
  }

  private long now() {
    return Rows.micros(clock.instant());
  }
}
