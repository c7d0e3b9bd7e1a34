package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.spi.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Heartbeats in SQLite. Arguments arrive validated and truncated by core. */
final class LibsqlHeartbeatRepository implements HeartbeatRepository {

  private final SqlSession session;
  /** Each call's deadline: {@code HEARTBEAT_DB_TIMEOUT} from its start. */
  private final Duration timeout;
  private final boolean journal;

  /** {@code journal}: each write also records its hedging journal entries, in the same transaction. */
  LibsqlHeartbeatRepository(SqlSession session, boolean journal, Duration timeout) {
    this.timeout = timeout;

    this.session = session;
    this.journal = journal;
  }

  @Override
  public void store(Heartbeat h) {
    Deadline deadline = deadline();
    String key = "a heartbeat with id " + h.id();
    if (journal) {
      session.executeAtomically("heartbeats.store", key, List.of(insert(h),
          Statement.of(SqliteSql.JOURNAL_ENTRY, "heartbeat", Rows.uuid(h.id()))), deadline);
    } else {
      session.execute("heartbeats.store", key, insert(h), deadline);
    }
  }

  @Override
  public void storeAll(List<Heartbeat> heartbeats) {
    Deadline deadline = deadline(); // building the rows counts against it
    List<Object[]> rows = new ArrayList<>(heartbeats.size());
    for (Heartbeat h : heartbeats) {
      rows.add(Rows.values(h));
    }
    List<Statement> after = journal
        ? List.of(Statement.of(SqliteSql.JOURNAL_ENTRIES_FROM_JSON, "heartbeat", Rows.idsAsJson(heartbeats)))
        : List.of();
    session.executeBatch("heartbeats.storeAll", "one of the " + heartbeats.size()
        + " heartbeat ids (or an id repeated among them)", SqliteSql.HEARTBEATS, rows, after, deadline);
  }

  @Override
  public List<Heartbeat> index(String userId, String owner, IndexParams params) {
    Statement statement = params.hasQuery()
        ? Statement.of(SqliteSql.INDEX_HEARTBEATS_MATCHING, userId, owner, params.query(),
            (long) params.limit(), (long) params.skip())
        : Statement.of(SqliteSql.INDEX_HEARTBEATS, userId, owner, (long) params.limit(), (long) params.skip());
    List<Object[]> rows = session.query("heartbeats.index", statement, deadline());
    List<Heartbeat> list = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      list.add(Rows.heartbeat(row));
    }
    return list;
  }

  @Override
  public Optional<Heartbeat> last(String userId, String owner) {
    List<Object[]> rows =
        session.query("heartbeats.last", Statement.of(SqliteSql.LAST_HEARTBEAT, userId, owner), deadline());
    return rows.isEmpty() ? Optional.empty() : Optional.of(Rows.heartbeat(rows.get(0)));
  }

  @Override
  public void deleteAllForUser(String userId) {
    Statement delete = Statement.of(SqliteSql.DELETE_HEARTBEATS_OF_USER, userId);
    if (journal) {
      session.executeAtomically("heartbeats.deleteAllForUser",
          List.of(delete, Statement.of(SqliteSql.JOURNAL_ENTRY, "heartbeats_of_user", userId)), deadline());
    } else {
      session.execute("heartbeats.deleteAllForUser", delete, deadline());
    }
  }

  private static Statement insert(Heartbeat h) {
    return Statement.of(SqliteSql.INSERT_HEARTBEAT, Rows.values(h));
  }

  private Deadline deadline() {
    return Deadline.after(timeout);
  }
}
