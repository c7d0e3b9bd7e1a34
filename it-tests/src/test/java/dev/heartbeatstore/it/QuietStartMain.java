package dev.heartbeatstore.it;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import java.time.Instant;
import java.util.UUID;

/**
 * Run by {@link QuietStartTest} in a JVM of its own: opens a PostgreSQL store (migrating a fresh schema) and a
 * libSQL file store, uses and closes both, and writes nothing itself.
 *
 * <p>Arguments: the PostgreSQL URL (with {@code currentSchema} of an empty schema) and the libSQL file URL.
 */
public final class QuietStartMain {

  private QuietStartMain() {}

  public static void main(String[] args) {
    for (HeartbeatStoreConfig config : new HeartbeatStoreConfig[] {
        HeartbeatStoreConfig.builder().backend("postgres").databaseUrl(args[0]).migrate(true).poolSize(2).build(),
        HeartbeatStoreConfig.builder().backend("turso").tursoDatabaseUrl(args[1]).migrate(true).build()}) {
      try (HeartbeatStore store = HeartbeatStores.open(config)) {
        Heartbeat h = new Heartbeat(UUID.randomUUID(), "phone", "1.0", true, "user", Instant.now());
        store.heartbeats().store(h);
        if (store.heartbeats().last("user", "phone").isEmpty()) {
          System.exit(3);
        }
      }
    }
  }
}
