package dev.heartbeatstore.migration;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Fills a backend with a realistic history: many users, several phones each, ties included. */
public final class MigrationFixture {

  private MigrationFixture() {}

  /** Stores {@code heartbeats} heartbeats and {@code monitors} monitors, spread over users and phones. */
  public static void seed(HeartbeatStoreConfig config, int heartbeats, int monitors, long seed) {
    Random random = new Random(seed);
    Instant start = Instant.parse("2025-06-01T00:00:00Z");
    try (HeartbeatStore store = HeartbeatStores.open(config)) {
      List<Heartbeat> batch = new ArrayList<>();
      for (int i = 0; i < heartbeats; i++) {
        int phone = random.nextInt(Math.max(1, monitors));
        // Whole seconds for some rows, so that equal timestamps (ties broken by id) are common.
        Instant at = start.plusSeconds(random.nextInt(30 * 24 * 3600))
            .plusNanos(random.nextBoolean() ? 0 : random.nextInt(1_000_000) * 1_000L);
        batch.add(new Heartbeat(UUID.randomUUID(), owner(phone), "v" + random.nextInt(5), random.nextBoolean(),
            user(phone), at));
        if (batch.size() == 10_000) {
          store.heartbeats().storeAll(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        store.heartbeats().storeAll(batch);
      }
      for (int phone = 0; phone < monitors; phone++) {
        Instant created = start.plusSeconds(phone);
        store.monitors().store(new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user(phone),
            phone % 3 == 0 ? "" : "queue-" + phone, owner(phone), phone % 7 != 0, created, created.plusSeconds(60)));
      }
    }
  }

  static String user(int phone) {
    return "user-" + (phone / 3);
  }

  static String owner(int phone) {
    return String.format("+1555%07d", phone);
  }
}
