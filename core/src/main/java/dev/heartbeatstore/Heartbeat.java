package dev.heartbeatstore;

import java.time.Instant;
import java.util.UUID;

/**
 * One heartbeat sent by a phone.
 *
 * <p>The record itself accepts any values, so that a row read back from a database can always be
 * represented; repositories validate what they are given before any I/O (see {@link HeartbeatRepository}).
 *
 * @param id        unique id of the heartbeat
 * @param owner     the phone that sent it (upstream: the phone's owner key)
 * @param version   app version reported by the phone; may be empty, never null
 * @param charging  whether the phone was charging
 * @param userId    the user the phone belongs to
 * @param timestamp when the heartbeat was sent; stored with microsecond precision, returned in UTC
 */
public record Heartbeat(UUID id, String owner, String version, boolean charging,
                        String userId, Instant timestamp) {}
