package dev.heartbeatstore.spi;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The hedging journal of one database, and idempotent replay into it. Opened with
 * {@link BackendProvider#openReplicationAccess(BackendContext)}.
 *
 * <p>On the <b>primary</b> side, a store opened with {@link BackendContext#journalWrites()} writes one
 * {@link Entry} per changed key in the same transaction as the change itself: the journal is the durable
 * list of what the secondary still owes. An entry names a key, not a value: the relay reads the key's
 * current rows from the primary and makes the secondary match, so replaying an entry twice, or an old
 * entry after a newer one, is harmless.
 *
 * <p>On the <b>secondary</b> side, the {@code apply…} methods are the replay: insert if absent, monitors
 * last-writer-wins on {@code updatedAt}, deletes by id.
 */
public interface ReplicationAccess extends AutoCloseable {

  /** What an entry names. */
  enum Entity {
    /** {@code key} is a heartbeat id: stored (or gone) on the primary. */
    HEARTBEAT("heartbeat"),
    /** {@code key} is a monitor id: stored, updated or deleted on the primary. */
    MONITOR("monitor"),
    /** {@code key} is a user id whose heartbeats were deleted on the primary. */
    HEARTBEATS_OF_USER("heartbeats_of_user");

    private final String code;

    Entity(String code) {
      this.code = code;
    }

    /**
     * The value stored in the journal's {@code entity} column.
     *
     * @return e.g. {@code "heartbeats_of_user"}
     */

    public String code() {
      return code;
    }

    /**
     * The entity stored as {@code code} in the journal's {@code entity} column.
     *
     * @param code the stored value, e.g. {@code "heartbeat"}
     * @return the matching entity
     * @throws IllegalArgumentException when no entity has that code
     */
    public static Entity ofCode(String code) {
      for (Entity e : values()) {
        if (e.code.equals(code)) {
          return e;
        }
      }
      throw new IllegalArgumentException("unknown journal entity " + code);
    }
  }

  /**
   * One pending entry: {@code seq} orders entries (ascending = oldest first), {@code createdAtMillis} is
   * the primary database's clock when the change committed, {@code attempts} counts failed replays.
   *
   * @param seq             the entry's position in the journal, ascending
   * @param createdAtMillis when the change committed, epoch milliseconds by the primary database's clock
   * @param entity          what {@code key} names
   * @param key             the heartbeat, monitor or user id, as text
   * @param attempts        how many replays of this entry failed
   */
  record Entry(long seq, long createdAtMillis, Entity entity, String key, int attempts) {}

  /**
   * The journal's state: pending entries, the oldest one's age by the database's own clock (0 when
   * empty), the oldest and newest pending seq (0 when empty), and the entries moved aside because the
   * secondary refused them.
   *
   * @param depth       how many entries are pending
   * @param lag         the oldest pending entry's age by the database's clock; zero when empty
   * @param oldestSeq   the oldest pending seq; 0 when empty
   * @param newestSeq   the newest pending seq; 0 when empty
   * @param deadLetters how many entries are dead-lettered
   */
  record Stats(long depth, Duration lag, long oldestSeq, long newestSeq, long deadLetters) {
    /** An empty journal: nothing pending, no lag, no dead letters. */
    public static final Stats EMPTY = new Stats(0, Duration.ZERO, 0, 0, 0);
  }

  /**
   * A dead-lettered entry and why the secondary refused it.
   *
   * @param entry          the entry as it was pending
   * @param failedAtMillis when it was moved aside, epoch milliseconds
   * @param reason         the secondary's refusal, free of secrets
   */
  record DeadLetter(Entry entry, long failedAtMillis, String reason) {}

  /**
   * The backend whose database holds this journal.
   *
   * @return {@code "postgres"} or {@code "turso"}
   */
  String backendName();

  // ---- the journal (primary side) ----

  /**
   * Up to {@code limit} pending entries written at least {@code minAge} ago, oldest first.
   *
   * @param limit  the most entries to return
   * @param minAge how old an entry must be, by the database's clock
   * @return the entries; empty when none is due
   */
  List<Entry> pending(int limit, Duration minAge);

  /**
   * Removes applied entries, in one statement.
   *
   * @param seqs the seqs of the applied entries; unknown seqs are ignored
   */
  void remove(Collection<Long> seqs);

  /**
   * How many of the newest entries {@link #removeAppliedHeartbeats} looks at: the entries of heartbeats just
   * applied are among them, and the statement costs the same however deep the journal is.
   */
  int RECENT_ENTRIES = 100_000;

  /**
   * Removes the entries of these heartbeats, whatever their age, in one statement: the secondary already has
   * them (this process's fast path, a sync write or an async lane, applied them). Looks only at the newest
   * {@link #RECENT_ENTRIES} entries. A heartbeat never changes once stored, so its entry has nothing left to
   * replay; removing it at once keeps the journal's lag what it says: how long the oldest write the secondary
   * lacks has waited.
   *
   * @param ids heartbeat ids; those without an entry among the newest are ignored
   */
  void removeAppliedHeartbeats(Collection<UUID> ids);

  /**
   * Counts one more failed replay of each entry.
   *
   * @param seqs the seqs of the entries whose replay failed
   */
  void countFailedAttempt(Collection<Long> seqs);

  /**
   * Moves an entry aside (it no longer blocks those behind it), with the reason, in one transaction.
   *
   * @param entry  the pending entry
   * @param reason why the secondary refused it, free of secrets
   */
  void deadLetter(Entry entry, String reason);

  /**
   * Up to {@code limit} dead-lettered entries, oldest first.
   *
   * @param limit the most entries to return
   * @return the dead letters; empty when none
   */
  List<DeadLetter> deadLetters(int limit);

  /**
   * The journal's state, read in one go.
   *
   * @return the depth, lag, seq range and dead-letter count; {@link Stats#EMPTY} values when empty
   */
  Stats stats();

  /**
   * Takes or renews the relay's lease for {@code ttl}: true when {@code holder} holds it now. One
   * relay drains a journal at a time, however many processes share the database.
   *
   * @param holder who asks: a name unique to one relay or drain, e.g. with a random UUID

   * @param ttl    how long the lease lasts unless renewed
   * @return true when {@code holder} holds the lease now
   */
  boolean tryLease(String holder, Duration ttl);

  /**
   * Gives the lease up if {@code holder} holds it; otherwise does nothing.
   *
   * @param holder the holder that took the lease
   */
  void releaseLease(String holder);

  // ---- current rows (read on the primary) ----

  /**
   * The heartbeats stored with these ids.
   *
   * @param ids the heartbeat ids
   * @return the rows found; ids not stored have none
   */
  List<Heartbeat> heartbeatsByIds(Collection<UUID> ids);

  /**
   * The monitors stored with these ids.
   *
   * @param ids the monitor ids
   * @return the rows found; ids not stored have none
   */
  List<HeartbeatMonitor> monitorsByIds(Collection<UUID> ids);

  /**
   * The ids of every heartbeat of the user.
   *
   * @param userId the user
   * @return the ids; empty when the user has none
   */
  List<UUID> heartbeatIdsOfUser(String userId);

  // ---- replay (on the secondary), each call one transaction ----

  /**
   * Inserts the heartbeats whose id is absent.
   *
   * @param heartbeats the primary's current rows
   * @return how many it inserted
   */
  int applyHeartbeats(List<Heartbeat> heartbeats);

  /**
   * Inserts absent monitors and overwrites those whose stored {@code updatedAt} is older.
   *
   * @param monitors the primary's current rows
   * @return how many rows it inserted or overwrote
   */
  int applyMonitors(List<HeartbeatMonitor> monitors);

  /**
   * Deletes the heartbeats with these ids.
   *
   * @param ids the heartbeat ids; ids not stored are ignored
   */
  void deleteHeartbeats(Collection<UUID> ids);

  /**
   * Deletes the monitors with these ids.
   *
   * @param ids the monitor ids; ids not stored are ignored
   */
  void deleteMonitors(Collection<UUID> ids);


  @Override
  void close();
}
