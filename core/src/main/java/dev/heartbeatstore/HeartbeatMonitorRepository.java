package dev.heartbeatstore;

import java.util.Optional;
import java.util.UUID;

/**
 * Heartbeat monitors, one per phone. Thread-safe; arguments are validated before any I/O.
 * Updates and deletes that match nothing succeed silently.
 */
public interface HeartbeatMonitorRepository {

  /**
   * Stores a new monitor; an id that already exists → {@link DuplicateRecordException}, nothing changed.
   *
   * @param monitor the monitor to store
   */
  void store(HeartbeatMonitor monitor);

  /**
   * The user's monitor for one owner, if any.
   *
   * @param userId the user
   * @param owner  the phone
   * @return the monitor, or empty
   */
  Optional<HeartbeatMonitor> load(String userId, String owner);

  /**
   * Whether the user has a monitor with this id.
   *
   * @param userId    the user
   * @param monitorId the monitor
   * @return true when the monitor exists and belongs to the user
   */
  boolean exists(String userId, UUID monitorId);

  /**
   * Sets the queue id and {@code updatedAt = now}.
   *
   * @param monitorId the monitor
   * @param queueId   the new queue id, or null to clear it
   */
  void updateQueueId(UUID monitorId, String queueId);

  /**
   * Deletes the user's monitor for one owner.
   *
   * @param userId the user
   * @param owner  the phone
   */
  void delete(String userId, String owner);

  /**
   * Sets whether the phone is online and {@code updatedAt = now}; only for the user's own monitor.
   *
   * @param userId    the user
   * @param monitorId the monitor
   * @param online    whether the phone is online
   */
  void updatePhoneOnline(String userId, UUID monitorId, boolean online);

  /**
   * Deletes every monitor of the user.
   *
   * @param userId the user
   */
  void deleteAllForUser(String userId);
}
