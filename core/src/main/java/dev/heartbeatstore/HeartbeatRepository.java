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

  /**
   * Stores one heartbeat; an id that already exists → {@link DuplicateRecordException}, nothing changed.
   *
   * @param heartbeat the heartbeat to store
   */
  void store(Heartbeat heartbeat);

  /**
   * Stores all heartbeats atomically (all or none), in one round trip where the backend allows.
   *
   * @param heartbeats at most 10,000 heartbeats; an empty list does nothing
   */
  void storeAll(List<Heartbeat> heartbeats);

  /**
   * The user's heartbeats for one owner, newest first (timestamp desc, then id desc); empty when none.
   *
   * @param userId the user
   * @param owner  the phone
   * @param params paging and filtering
   * @return at most {@code params.limit()} heartbeats
   */
  List<Heartbeat> index(String userId, String owner, IndexParams params);

  /**
   * The newest heartbeat of the user for one owner, by the same order as {@link #index}.
   *
   * @param userId the user
   * @param owner  the phone
   * @return the newest heartbeat, or empty when there is none
   */
  Optional<Heartbeat> last(String userId, String owner);

  /**
   * Deletes every heartbeat of the user; succeeds silently when there is none.
   *
   * @param userId the user
   */
  void deleteAllForUser(String userId);
}
