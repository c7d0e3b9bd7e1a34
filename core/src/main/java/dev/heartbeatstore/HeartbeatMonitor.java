package dev.heartbeatstore;

import java.time.Instant;
import java.util.UUID;

/**
 * A monitor that watches one phone's heartbeats and knows whether that phone is online.
 *
 * @param id          unique id of the monitor
 * @param phoneId     the phone being watched
 * @param userId      the user the phone belongs to
 * @param queueId     id of the scheduled check in the job queue; empty until the first check is scheduled
 * @param owner       the phone's owner key (the same value as {@link Heartbeat#owner()})
 * @param phoneOnline whether the phone is currently considered online
 * @param createdAt   when the monitor was created
 * @param updatedAt   when the monitor last changed
 */
public record HeartbeatMonitor(UUID id, UUID phoneId, String userId, String queueId,
                               String owner, boolean phoneOnline,
                               Instant createdAt, Instant updatedAt) {}
