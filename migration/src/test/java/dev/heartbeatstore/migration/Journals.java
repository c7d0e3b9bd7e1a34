package dev.heartbeatstore.migration;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.ReplicationAccess;
import java.time.Duration;
import java.util.List;

/** The hedging journals of both sides, as the tests watch them. */
final class Journals {

  private Journals() {}

  /** Waits until neither side's journal has a pending entry; fails after {@code limit}. */
  static void awaitDrained(HeartbeatStoreConfig config, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    try (ReplicationAccess pg = Backends.openReplicationAccess(config, "postgres");
        ReplicationAccess turso = Backends.openReplicationAccess(config, "turso")) {
      while (true) {
        long depth = 0;
        for (ReplicationAccess side : List.of(pg, turso)) {
          depth += side.stats().depth();
        }
        if (depth == 0) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the journals still hold " + depth + " entries after " + limit
              + ": postgres " + pg.stats() + ", turso " + turso.stats());
        }
        Thread.sleep(100);
      }
    }
  }
}
