package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Deadline;
import dev.heartbeatstore.spi.ReplicationAccess;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** The hedging journal in a libSQL database (remote or file), and replay into it. */
public final class LibsqlReplicationAccess implements ReplicationAccess {

  /** Milliseconds since the epoch by the database's clock, as the journal's default records them. */
  private static final String NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
  private static final String ENTRY_COLUMNS = "seq, created_at_ms, entity, entity_key, attempts";

  private static final String PENDING = "SELECT " + ENTRY_COLUMNS + " FROM heartbeat_journal"
      + " WHERE created_at_ms <= " + NOW_MS + " - ? ORDER BY seq LIMIT ?";
  private static final String DEAD_LETTER_COPY = "INSERT OR IGNORE INTO heartbeat_journal_dead"
      + " (" + ENTRY_COLUMNS + ", failed_at_ms, reason) SELECT " + ENTRY_COLUMNS + ", " + NOW_MS + ", ?"
      + " FROM heartbeat_journal WHERE seq = ?";
  private static final String DEAD_LETTER_REMOVE = "DELETE FROM heartbeat_journal WHERE seq = ?";
  private static final String DEAD_LETTERS = "SELECT " + ENTRY_COLUMNS + ", failed_at_ms, reason"
      + " FROM heartbeat_journal_dead ORDER BY seq LIMIT ?";
  private static final String STATS = "SELECT count(*), min(seq), min(created_at_ms), " + NOW_MS + ", max(seq),"
      + " (SELECT count(*) FROM heartbeat_journal_dead) FROM heartbeat_journal";
  private static final String TAKE_LEASE = "UPDATE heartbeat_journal_lease SET holder = ?, expires_at_ms = "
      + NOW_MS + " + ? WHERE name = 'relay' AND (holder = ? OR holder IS NULL OR expires_at_ms < " + NOW_MS + ")";
  private static final String RELEASE_LEASE =
      "UPDATE heartbeat_journal_lease SET holder = NULL, expires_at_ms = 0 WHERE name = 'relay' AND holder = ?";
  private static final String HEARTBEAT_IDS_OF_USER = "SELECT id FROM heartbeats WHERE user_id = ?";

  private final SqlSession session;
  /** Each call's deadline: {@code HEARTBEAT_DB_TIMEOUT} from its start. */
  private final Duration timeout;
  private final LibsqlTableAccess tables;

  private LibsqlReplicationAccess(SqlSession session, Duration timeout) {
    this.timeout = timeout;

    this.session = session;
    this.tables = LibsqlTableAccess.over(session, timeout);
  }

  /** Opens the database {@code TURSO_DATABASE_URL} names, with the schema applied or checked as the store does. */
  public static LibsqlReplicationAccess open(HeartbeatStoreConfig config, Clock clock) {
    return new LibsqlReplicationAccess(Sessions.open(config, clock), config.timeout());
  }

  @Override
  public String backendName() {
    return HeartbeatStoreConfig.TURSO;
  }

  @Override
  public List<Entry> pending(int limit, Duration minAge) {
    List<Object[]> rows =
        session.query("journal.pending", Statement.of(PENDING, minAge.toMillis(), (long) limit), deadline());
    List<Entry> entries = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      entries.add(entry(row));
    }
    return entries;
  }

  private static Entry entry(Object[] row) {
    return new Entry((Long) row[0], (Long) row[1], Entity.ofCode((String) row[2]), (String) row[3],
        ((Long) row[4]).intValue());
  }

  @Override
  public void remove(Collection<Long> seqs) {
    updateSeqs("journal.remove", "DELETE FROM heartbeat_journal WHERE seq IN ", seqs);
  }

  @Override
  public void removeAppliedHeartbeats(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    session.execute("journal.removeAppliedHeartbeats", Statement.of("DELETE FROM heartbeat_journal WHERE seq > (SELECT"
        + " coalesce(max(seq), 0) - " + RECENT_ENTRIES + " FROM heartbeat_journal) AND entity = 'heartbeat'"
        + " AND entity_key IN (SELECT value FROM json_each(?))", jsonArray(ids)), deadline());
  }

  @Override
  public void countFailedAttempt(Collection<Long> seqs) {
    updateSeqs("journal.countFailedAttempt", "UPDATE heartbeat_journal SET attempts = attempts + 1 WHERE seq IN ",
        seqs);
  }

  /** {@code head} followed by the seqs as a literal list: they are numbers, never text from outside. */
  private void updateSeqs(String operation, String head, Collection<Long> seqs) {
    if (seqs.isEmpty()) {
      return;
    }
    StringBuilder sql = new StringBuilder(head.length() + seqs.size() * 8).append(head).append('(');
    boolean first = true;
    for (long seq : seqs) {
      sql.append(first ? "" : ",").append(seq);
      first = false;
    }
    session.execute(operation, Statement.of(sql.append(')').toString()), deadline());
  }

  @Override
  public void deadLetter(Entry entry, String reason) {
    session.executeAtomically("journal.deadLetter", List.of(
        Statement.of(DEAD_LETTER_COPY, reason, entry.seq()),
        Statement.of(DEAD_LETTER_REMOVE, entry.seq())), deadline());
  }

  @Override
  public List<DeadLetter> deadLetters(int limit) {
    List<DeadLetter> dead = new ArrayList<>();
    for (Object[] row : session.query("journal.deadLetters", Statement.of(DEAD_LETTERS, (long) limit), deadline())) {
      dead.add(new DeadLetter(entry(row), (Long) row[5], (String) row[6]));
    }
    return dead;
  }

  @Override
  public Stats stats() {
    Object[] row = session.query("journal.stats", Statement.of(STATS), deadline()).get(0);
    long depth = (Long) row[0];
    if (depth == 0) {
      return new Stats(0, Duration.ZERO, 0, 0, (Long) row[5]);
    }
    long lagMs = Math.max(0, (Long) row[3] - (Long) row[2]);
    return new Stats(depth, Duration.ofMillis(lagMs), (Long) row[1], (Long) row[4], (Long) row[5]);
  }

  @Override
  public boolean tryLease(String holder, Duration ttl) {
    return session.execute("journal.tryLease", Statement.of(TAKE_LEASE, holder, ttl.toMillis(), holder),
        deadline()) == 1;
  }

  @Override
  public void releaseLease(String holder) {
    session.execute("journal.releaseLease", Statement.of(RELEASE_LEASE, holder), deadline());
  }

  @Override
  public List<Heartbeat> heartbeatsByIds(Collection<UUID> ids) {
    List<Heartbeat> found = new ArrayList<>(ids.size());
    for (Object[] row : byIds("heartbeats.byIds", "SELECT " + SqliteSql.HEARTBEAT_COLUMNS + " FROM heartbeats", ids)) {
      found.add(Rows.heartbeat(row));
    }
    return found;
  }

  @Override
  public List<HeartbeatMonitor> monitorsByIds(Collection<UUID> ids) {
    List<HeartbeatMonitor> found = new ArrayList<>(ids.size());
    for (Object[] row : byIds("heartbeat_monitors.byIds",
        "SELECT " + SqliteSql.MONITOR_COLUMNS + " FROM heartbeat_monitors", ids)) {
      found.add(Rows.monitor(row));
    }
    return found;
  }

  /** {@code select} WHERE id IN (the ids, as one JSON array unpacked by json_each). */
  private List<Object[]> byIds(String operation, String select, Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return session.query(operation, Statement.of(select + " WHERE id IN (SELECT value FROM json_each(?))",
        jsonArray(ids)), deadline());
  }

  /** The ids as one JSON array of strings (a UUID's text needs no escaping). */
  private static String jsonArray(Collection<UUID> ids) {
    StringBuilder json = new StringBuilder(ids.size() * 39 + 2).append('[');
    boolean first = true;
    for (UUID id : ids) {
      json.append(first ? "\"" : ",\"").append(id).append('"');
      first = false;
    }
    return json.append(']').toString();
  }

  @Override
  public List<UUID> heartbeatIdsOfUser(String userId) {
    List<UUID> ids = new ArrayList<>();
    Statement ofUser = Statement.of(HEARTBEAT_IDS_OF_USER, userId);
    for (Object[] row : session.query("heartbeats.idsOfUser", ofUser, deadline())) {
      ids.add(UUID.fromString((String) row[0]));
    }
    return ids;
  }

  @Override
  public int applyHeartbeats(List<Heartbeat> heartbeats) {
    return tables.insertHeartbeatsIfAbsent(heartbeats);
  }

  @Override
  public int applyMonitors(List<HeartbeatMonitor> monitors) {
    return tables.upsertMonitorsIfNewer(monitors);
  }

  @Override
  public void deleteHeartbeats(Collection<UUID> ids) {
    tables.deleteHeartbeats(new ArrayList<>(ids));
  }

  @Override
  public void deleteMonitors(Collection<UUID> ids) {
    tables.deleteMonitors(new ArrayList<>(ids));
  }

  @Override
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "LibsqlReplicationAccess{" + session.describe() + '}';
  }

  private Deadline deadline() {
    return Deadline.after(timeout);
  }
}
