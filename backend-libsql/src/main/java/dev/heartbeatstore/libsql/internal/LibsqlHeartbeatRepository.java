package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.DuplicateRecordException;
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
    try {
      if (journal) {
        session.executeAtomically("heartbeats.store", List.of(insert(h),
            Statement.of(SqliteSql.JOURNAL_ENTRY, "heartbeat", Rows.uuid(h.id()))), deadline());
      } else {
        session.execute("heartbeats.store", insert(h), deadline());
      }
    } catch (DuplicateRecordException e) {
      throw new DuplicateRecordException("heartbeats.store: a heartbeat with id " + h.id() + " already exists", e);
    }
  }

  @Override
  public void storeAll(List<Heartbeat> heartbeats) {
    try {
      // built inside the call, so that building them counts against its deadline
      session.executeAtomically("heartbeats.storeAll", () -> {
        List<Statement> inserts = session.bulkRowsAsJson() ? jsonInserts(heartbeats) : singleRowInserts(heartbeats);
        if (journal) {
          inserts.add(Statement.of(SqliteSql.JOURNAL_ENTRIES_FROM_JSON, "heartbeat", Rows.idsAsJson(heartbeats)));
        }
        return inserts;
      }, deadline());
    } catch (DuplicateRecordException e) {
      throw new DuplicateRecordException("heartbeats.storeAll: an id of the " + heartbeats.size()
          + " heartbeats already exists (or repeats in the batch); none was stored", e);
    }
  }

  /** Over Hrana: one statement per 1,000 rows, the rows as one JSON text. */
  private static List<Statement> jsonInserts(List<Heartbeat> heartbeats) {
    List<Statement> inserts = new ArrayList<>(heartbeats.size() / SqliteSql.JSON_INSERT_CHUNK + 1);
    for (int from = 0; from < heartbeats.size(); from += SqliteSql.JSON_INSERT_CHUNK) {
      List<Heartbeat> chunk = heartbeats.subList(from, Math.min(heartbeats.size(), from + SqliteSql.JSON_INSERT_CHUNK));
      inserts.add(Statement.of(SqliteSql.INSERT_HEARTBEATS_FROM_JSON, Rows.heartbeatsAsJson(chunk)));
    }
    return inserts;
  }

  /**
   * Through sqlite-jdbc: one single-row INSERT per row, all of one text, which the session runs as one
   * JDBC batch of a statement prepared once (measured: faster than 100-row INSERTs binding 600 values).
   */
  private static List<Statement> singleRowInserts(List<Heartbeat> heartbeats) {
    List<Statement> inserts = new ArrayList<>(heartbeats.size());
    for (Heartbeat h : heartbeats) {
      inserts.add(insert(h));
    }
    return inserts;
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
    List<Object[]> rows = session.query("heartbeats.last", Statement.of(SqliteSql.LAST_HEARTBEAT, userId, owner), deadline());
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
    return Statement.of(SqliteSql.INSERT_HEARTBEAT, Rows.uuid(h.id()), h.owner(), h.version(),
        Rows.bool(h.charging()), h.userId(), Rows.micros(h.timestamp()));
  }

  private Deadline deadline() {
    return Deadline.after(timeout);
  }
}
