package dev.heartbeatstore.libsql;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Stores and rows for this module's tests. */
final class Fixtures {

  static final Instant T0 = Instant.parse("2024-05-01T10:15:30.123456Z");

  private Fixtures() {}

  static HeartbeatStoreConfig.Builder config(String url) {
    return HeartbeatStoreConfig.builder().backend("turso").tursoDatabaseUrl(url);
  }

  static HeartbeatStore open(String url) {
    return HeartbeatStores.open(config(url).build());
  }

  static HeartbeatStore open(String url, UnaryOperator<HeartbeatStoreConfig.Builder> tweak) {
    return HeartbeatStores.open(tweak.apply(config(url)).build());
  }

  static HeartbeatStore open(String url, Duration timeout) {
    return open(url, b -> b.timeout(timeout));
  }

  static String newUser() {
    return "user-" + UUID.randomUUID();
  }

  static Heartbeat heartbeat(String user, String owner, Instant at) {
    return new Heartbeat(UUID.randomUUID(), owner, "1.4.2", true, user, at);
  }

  static HeartbeatMonitor monitor(String user, String owner) {
    return new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "queue-1", owner, true, T0, T0);
  }
}
