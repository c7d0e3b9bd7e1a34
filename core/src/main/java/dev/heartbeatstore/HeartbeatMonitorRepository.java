package dev.heartbeatstore;

import java.util.Optional;
import java.util.UUID;

/**
 * Heartbeat monitors, one per phone. Thread-safe; arguments are validated before any I/O.
 * Updates and deletes that match nothing succeed silently.
 */
public interface HeartbeatMonitorRepository {

  /** Stores a new monitor; an id that already exists → {@link DuplicateRecordException}, nothing changed. */
  void store(HeartbeatMonitor monitor);

  /** The user's monitor for one owner, if any. */
  Optional<HeartbeatMonitor> load(String userId, String owner);

  /** Whether the user has a monitor with this id. */
  boolean exists(String userId, UUID monitorId);

  /** Sets the queue id and {@code updatedAt = now}. */
  void updateQueueId(UUID monitorId, String queueId);

  /** Deletes the user's monitor for one owner. */
  void delete(String userId, String owner);

  /** Sets whether the phone is online and {@code updatedAt = now}; only for the user's own monitor. */
  void updatePhoneOnline(String userId, UUID monitorId, boolean online);

  /** Deletes every monitor of the user. */
  void deleteAllForUser(String userId);
}
