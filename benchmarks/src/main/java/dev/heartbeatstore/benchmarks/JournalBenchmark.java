package dev.heartbeatstore.benchmarks;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.hedging.JournalDrain;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.testsupport.servers.Sqld;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * How fast the hedging relay catches up after an outage: {@code BENCH_JOURNAL_WRITES} heartbeats (default
 * 60,000, about a minute of a busy service) are written through a hedging store while its sqld secondary
 * is down, so that every one of them waits in the PostgreSQL journal; sqld comes back and the journal is
 * drained. Beside it, in the same run, the floor: the same rows written straight into the same sqld with
 * the library's {@code storeAll} in batches of the relay's size (no journal, no PostgreSQL read). Three
 * rounds; the table shows each round and the best.
 */
final class JournalBenchmark {

  private static final int ROUNDS = 3;
  private static final int BATCH = 500;
  private static final int USERS = 50;
  private static final double TARGET_ROWS_PER_SECOND = 5_000;

  private final String url;
  private final int writes;

  JournalBenchmark(String url, int writes) {
    this.url = url;
    this.writes = writes;
  }

  boolean run(PrintStream out) throws Exception {
    double bestRelay = 0;
    double bestFloor = 0;
    out.printf(Locale.ROOT, "journal drain after an outage: %,d heartbeats, %d users, relay batches of %d%n",
        writes, USERS, BATCH);
    out.printf(Locale.ROOT, "%-6s %16s %16s %8s%n", "round", "relay rows/s", "floor rows/s", "ratio");
    for (int round = 1; round <= ROUNDS; round++) {
      String schema = "hb_bench_journal_" + round;
      String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
      execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      execute("CREATE SCHEMA " + schema);
      try (Sqld secondary = Sqld.start(); Sqld floorSqld = Sqld.start()) {
        HeartbeatStoreConfig config = HeartbeatStoreConfig.builder().backend("hedging").hedgingMode(
            HeartbeatStoreConfig.HedgingMode.ASYNC).databaseUrl(schemaUrl).tursoDatabaseUrl(secondary.url()).build();
        List<Heartbeat> rows = rows();
        // The secondary's schema exists (it was there before the outage), then it goes down.
        try (ReplicationAccess ignored = Backends.openReplicationAccess(config, "turso")) {
          secondary.kill();
        }
        try (HeartbeatStore hedging = HeartbeatStores.open(config)) {
          for (int from = 0; from < rows.size(); from += 1_000) {
            hedging.heartbeats().storeAll(rows.subList(from, Math.min(rows.size(), from + 1_000)));
          }
        }
        secondary.restart();
        double relay;
        try (ReplicationAccess journal = Backends.openReplicationAccess(config, "postgres");
             ReplicationAccess target = Backends.openReplicationAccess(config, "turso")) {
          long depth = journal.stats().depth();
          if (depth < rows.size()) {
            throw new IllegalStateException("the journal holds " + depth + " entries, expected " + rows.size());
          }
          long start = System.nanoTime();
          if (!JournalDrain.drain(journal, target, Duration.ofMinutes(10))) {
            throw new IllegalStateException("the journal did not drain in 10 minutes");
          }
          relay = rows.size() / ((System.nanoTime() - start) / 1e9);
        }
        double floor;
        try (HeartbeatStore direct = HeartbeatStores.open(HeartbeatStoreConfig.builder().backend("turso")
            .tursoDatabaseUrl(floorSqld.url()).build())) {
          long start = System.nanoTime();
          for (int from = 0; from < rows.size(); from += BATCH) {
            direct.heartbeats().storeAll(rows.subList(from, Math.min(rows.size(), from + BATCH)));
          }
          floor = rows.size() / ((System.nanoTime() - start) / 1e9);
        }
        out.printf(Locale.ROOT, "%-6d %,16.0f %,16.0f %8.2f%n", round, relay, floor, relay / floor);
        bestRelay = Math.max(bestRelay, relay);
        bestFloor = Math.max(bestFloor, floor);
      } finally {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
    boolean met = bestRelay >= TARGET_ROWS_PER_SECOND;
    out.printf(Locale.ROOT, "%-6s %,16.0f %,16.0f %8.2f   target: relay >= %,.0f rows/s: %s%n", "best", bestRelay,
        bestFloor, bestRelay / bestFloor, TARGET_ROWS_PER_SECOND, met ? "met" : "NOT met");
    return met;
  }

  private List<Heartbeat> rows() {
    List<Heartbeat> rows = new ArrayList<>(writes);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < writes; i++) {
      rows.add(new Heartbeat(UUID.randomUUID(), "+1555" + (i % 7), "2.4.1", i % 3 == 0, "bench-user-" + (i % USERS),
          t0.plusMillis(i)));
    }
    return rows;
  }

  private void execute(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
