package dev.heartbeatstore.hedging.internal;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import java.util.List;
import java.util.function.Consumer;

/**
 * One write the primary accepted, to repeat on the secondary.
 *
 * @param operation  metric and log name, e.g. {@code heartbeats.store}
 * @param routingKey writes with the same key are applied in the order they were accepted (the user id)
 * @param key        what the write is about, for logs (ids, never secrets)
 * @param action     the write itself
 * @param heartbeat  for a single {@code heartbeats.store}, the heartbeat (the async lanes may apply
 *                   consecutive ones as one {@code storeAll}); else null
 */
record SecondaryWrite(String operation, String routingKey, String key, Consumer<HeartbeatStore> action,
                      Heartbeat heartbeat, List<Heartbeat> heartbeats, long createdNanos) {

  SecondaryWrite(String operation, String routingKey, String key, Consumer<HeartbeatStore> action,
                 Heartbeat heartbeat) {
    this(operation, routingKey, key, action, heartbeat, null, System.nanoTime());
  }

  /** A write of several heartbeats of one user ({@code storeAll}). */
  SecondaryWrite(String operation, String routingKey, String key, Consumer<HeartbeatStore> action,
                 List<Heartbeat> heartbeats) {
    this(operation, routingKey, key, action, null, heartbeats, System.nanoTime());
  }

  SecondaryWrite(String operation, String routingKey, String key, Consumer<HeartbeatStore> action) {
    this(operation, routingKey, key, action, (Heartbeat) null);
  }
}
