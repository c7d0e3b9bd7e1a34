package dev.heartbeatstore;

import java.util.List;
import java.util.Optional;

/**
 * Heartbeats of phones. Thread-safe. Every method validates its arguments before any I/O
 * (null or blank ids and owners, null instants, strings over 255 characters →
 * {@link IllegalArgumentException} naming the parameter) and honours the store's deadline
 * ({@link StoreTimeoutException}).
 */
public interface HeartbeatRepository {

  /** Stores one heartbeat; an id that already exists → {@link DuplicateRecordException}, nothing changed. */
  void store(Heartbeat heartbeat);

  /** Stores all heartbeats atomically (all or none), in one round trip where the backend allows. */
  void storeAll(List<Heartbeat> heartbeats);

  /** The user's heartbeats for one owner, newest first (timestamp desc, then id desc); empty when none. */
  List<Heartbeat> index(String userId, String owner, IndexParams params);

  /** The newest heartbeat of the user for one owner, by the same order as {@link #index}. */
  Optional<Heartbeat> last(String userId, String owner);

  /** Deletes every heartbeat of the user; succeeds silently when there is none. */
  void deleteAllForUser(String userId);
}
