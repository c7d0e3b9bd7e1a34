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

    /** The value stored in the journal's {@code entity} column. */
    public String code() {
      return code;
    }

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
   */
  record Entry(long seq, long createdAtMillis, Entity entity, String key, int attempts) {}

  /**
   * The journal's state: pending entries, the oldest one's age by the database's own clock (0 when
   * empty), the oldest and newest pending seq (0 when empty), and the entries moved aside because the
   * secondary refused them.
   */
  record Stats(long depth, Duration lag, long oldestSeq, long newestSeq, long deadLetters) {
    public static final Stats EMPTY = new Stats(0, Duration.ZERO, 0, 0, 0);
  }

  /** A dead-lettered entry and why the secondary refused it. */
  record DeadLetter(Entry entry, long failedAtMillis, String reason) {}

  /** {@code "postgres"} or {@code "turso"}. */
  String backendName();

  // ---- the journal (primary side) ----

  /** Up to {@code limit} pending entries written at least {@code minAge} ago, oldest first. */
  List<Entry> pending(int limit, Duration minAge);

  /** Removes applied entries, in one statement. */
  void remove(Collection<Long> seqs);

  /** Counts one more failed replay of each entry. */
  void countFailedAttempt(Collection<Long> seqs);

  /** Moves an entry aside (it no longer blocks those behind it), with the reason, in one transaction. */
  void deadLetter(Entry entry, String reason);

  /** Up to {@code limit} dead-lettered entries, oldest first. */
  List<DeadLetter> deadLetters(int limit);

  Stats stats();

  /**
   * Takes or renews the relay's lease for {@code ttl}: true when {@code holder} holds it now. One
   * relay drains a journal at a time, however many processes share the database.
   */
  boolean tryLease(String holder, Duration ttl);

  /** Gives the lease up if {@code holder} holds it. */
  void releaseLease(String holder);

  // ---- current rows (read on the primary) ----

  List<Heartbeat> heartbeatsByIds(Collection<UUID> ids);

  List<HeartbeatMonitor> monitorsByIds(Collection<UUID> ids);

  /** The ids of every heartbeat of the user. */
  List<UUID> heartbeatIdsOfUser(String userId);

  // ---- replay (on the secondary), each call one transaction ----

  /** Inserts the heartbeats whose id is absent; returns how many it inserted. */
  int applyHeartbeats(List<Heartbeat> heartbeats);

  /** Inserts absent monitors and overwrites those whose stored {@code updatedAt} is older. */
  int applyMonitors(List<HeartbeatMonitor> monitors);

  void deleteHeartbeats(Collection<UUID> ids);

  void deleteMonitors(Collection<UUID> ids);

  @Override
  void close();
}
