package dev.heartbeatstore.benchmarks;

import dev.heartbeatstore.Heartbeat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The heartbeats {@link LibsqlBenchmark}'s sides write: each one new, numbered across the whole run, spread
 * over 50 phones and users per prefix.
 */
final class LibsqlRows {

  /** The rows of one bulk load. */
  static final int BULK_ROWS = 1_000;

  private long sequence;

  Heartbeat heartbeat(String prefix) {
    long i = ++sequence;
    return new Heartbeat(new UUID(ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong()),
        prefix + "-phone-" + (i % 50), "2.4.1", i % 2 == 0, prefix + "-user-" + (i % 50),
        Instant.parse("2026-06-01T00:00:00Z").plusNanos(i * 1_000L));
  }

  /** {@value #BULK_ROWS} new heartbeats. */
  List<Heartbeat> batch(String prefix) {
    List<Heartbeat> list = new ArrayList<>(BULK_ROWS);
    for (int i = 0; i < BULK_ROWS; i++) {
      list.add(heartbeat(prefix));
    }
    return list;
  }
}
