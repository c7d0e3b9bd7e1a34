package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.spi.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Heartbeat monitors in SQLite. Arguments arrive validated and truncated by core. */
final class LibsqlMonitorRepository implements HeartbeatMonitorRepository {

  private final SqlSession session;
  /** Each call's deadline: {@code HEARTBEAT_DB_TIMEOUT} from its start. */
  private final Duration timeout;
  private final Clock clock;
  private final boolean journal;

  /** {@code journal}: each write also records its hedging journal entries, in the same transaction. */
  LibsqlMonitorRepository(SqlSession session, Clock clock, boolean journal, Duration timeout) {
    this.timeout = timeout;

    this.session = session;
    this.clock = clock;
    this.journal = journal;
  }

  /** The write alone, or with its journal entries ({@code before} and {@code after} it) in one transaction. */
  private void write(String operation, Statement before, Statement write, Statement after) {
    write(operation, null, before, write, after);
  }

  /** {@link #write(String, Statement, Statement, Statement)} of a write that may repeat {@code key}. */
  private void write(String operation, String key, Statement before, Statement write, Statement after) {
    if (!journal) {
      session.execute(operation, key, write, deadline());
    } else if (before != null) {
      session.executeAtomically(operation, key, List.of(before, write), deadline());
    } else {
      session.executeAtomically(operation, key, List.of(write, after), deadline());
    }
  }

  @Override
  public void store(HeartbeatMonitor m) {
    write("heartbeat_monitors.store", "a monitor with id " + m.id(), null,
        Statement.of(SqliteSql.INSERT_MONITOR, Rows.values(m)),
        Statement.of(SqliteSql.JOURNAL_ENTRY, "monitor", Rows.uuid(m.id())));
  }

  @Override
  public Optional<HeartbeatMonitor> load(String userId, String owner) {
    List<Object[]> rows = session.query("heartbeat_monitors.load",
        Statement.of(SqliteSql.LOAD_MONITOR, userId, owner), deadline());
    return rows.isEmpty() ? Optional.empty() : Optional.of(Rows.monitor(rows.get(0)));
  }

  @Override
  public boolean exists(String userId, UUID monitorId) {
    return !session.query("heartbeat_monitors.exists",
        Statement.of(SqliteSql.MONITOR_EXISTS, userId, Rows.uuid(monitorId)), deadline()).isEmpty();
  }

  @Override
  public void updateQueueId(UUID monitorId, String queueId) {
    write("heartbeat_monitors.updateQueueId", null,
        Statement.of(SqliteSql.UPDATE_MONITOR_QUEUE_ID, queueId, now(), Rows.uuid(monitorId)),
        Statement.of(SqliteSql.JOURNAL_MONITOR_IF_CHANGED, Rows.uuid(monitorId)));
  }

  @Override
  public void delete(String userId, String owner) {
    write("heartbeat_monitors.delete", Statement.of(SqliteSql.JOURNAL_MONITORS_OF_OWNER, userId, owner),
        Statement.of(SqliteSql.DELETE_MONITOR, userId, owner), null);
  }

  @Override
  public void updatePhoneOnline(String userId, UUID monitorId, boolean online) {
    write("heartbeat_monitors.updatePhoneOnline", null, Statement.of(SqliteSql.UPDATE_MONITOR_PHONE_ONLINE,
        Rows.bool(online), now(), userId, Rows.uuid(monitorId)),
        Statement.of(SqliteSql.JOURNAL_MONITOR_IF_CHANGED, Rows.uuid(monitorId)));
  }

  @Override
  public void deleteAllForUser(String userId) {
    write("heartbeat_monitors.deleteAllForUser", Statement.of(SqliteSql.JOURNAL_MONITORS_OF_USER, userId),
        Statement.of(SqliteSql.DELETE_MONITORS_OF_USER, userId), null);
  }

  private long now() {
    return Rows.micros(clock.instant());
  }

  private Deadline deadline() {
    return Deadline.after(timeout);
  }
}
