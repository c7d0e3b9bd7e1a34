package dev.heartbeatstore.benchmarks;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.IndexParams;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.PGConnection;

/**
 * The library against raw pgjdbc doing the same work, in one run, on one server, single-threaded.
 *
 * <p>Raw pgjdbc is the best case a hand-written DAO reaches: one open connection, statements prepared
 * once and reused, rows mapped to the same {@link Heartbeat} records, COPY for bulk loads. The library
 * pays for its pool checkout, argument checks, instant truncation and metric recording on top.
 * Operations run round-robin in small blocks, and each round on fresh connections, so that drift on a
 * shared machine hits every side alike.
 */
final class PostgresBenchmark {

  private static final int ROWS_PER_PHONE = 100;
  private static final int SMALL_ROWS = 10_000;
  private static final int LARGE_ROWS = 1_000_000;
  private static final int BULK_ROWS = 10_000;

  private static final int ROUNDS = 15;
  private static final int READ_WARMUP = 500;
  private static final int READS = 1_500;
  private static final int STORE_WARMUP = 200;
  private static final int STORES = 800;
  private static final int BULK_WARMUP = 2;
  private static final int BULKS = 11;
  private static final int BLOCK = 50;

  private static final String COLUMNS = "id, owner, version, charging, user_id, \"timestamp\"";
  private static final String INSERT = "INSERT INTO heartbeats (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";
  private static final String LAST = "SELECT " + COLUMNS + " FROM heartbeats WHERE user_id = ? AND owner = ?"
      + " ORDER BY \"timestamp\" DESC, id DESC LIMIT 1";
  private static final String INDEX = "SELECT " + COLUMNS + " FROM heartbeats WHERE user_id = ? AND owner = ?"
      + " ORDER BY \"timestamp\" DESC, id DESC LIMIT ? OFFSET ?";
  private static final String COPY = "COPY heartbeats (" + COLUMNS + ") FROM STDIN";

  private final String url;
  private long sink;

  PostgresBenchmark(String url) {
    this.url = url;
  }

  Report run() throws Exception {
    long started = System.nanoTime();
    Series libLastSmall = new Series();
    Series rawLastSmall = new Series();
    Series libLastLarge = new Series();
    Series rawLastLarge = new Series();
    Series libIndexSmall = new Series();
    Series rawIndexSmall = new Series();
    Series libIndexLarge = new Series();
    Series rawIndexLarge = new Series();
    Series libStore = new Series();
    Series rawStore = new Series();
    Series libBulk = new Series();
    Series rawBulk = new Series();
    try (BenchSchema small = new BenchSchema("hb_bench_small");
         BenchSchema large = new BenchSchema("hb_bench_large");
         BenchSchema bulk = new BenchSchema("hb_bench_bulk")) {
      System.out.printf(Locale.ROOT, "PostgreSQL %s; Java %s; %d cores%n", small.serverVersion(),
          Runtime.version(), Runtime.getRuntime().availableProcessors());
      long t = System.nanoTime();
      small.fill(SMALL_ROWS);
      large.fill(LARGE_ROWS);
      System.out.printf(Locale.ROOT, "generated %,d + %,d rows in %.1f s%n", SMALL_ROWS, LARGE_ROWS,
          (System.nanoTime() - t) / 1e9);

      for (int round = 0; round < ROUNDS; round++) {
        small.reconnect();
        large.reconnect();
        // The same 100 rows per phone on a 10,000-row and on a 1,000,000-row table.
        try (PreparedStatement smallLast = small.raw.prepareStatement(LAST);
             PreparedStatement largeLast = large.raw.prepareStatement(LAST);
             PreparedStatement smallIndex = small.raw.prepareStatement(INDEX);
             PreparedStatement largeIndex = large.raw.prepareStatement(INDEX)) {
          interleave(READ_WARMUP, READS,
              new Measured(libraryRead(small, true), libLastSmall), new Measured(rawRead(small, smallLast, true), rawLastSmall),
              new Measured(libraryRead(large, true), libLastLarge), new Measured(rawRead(large, largeLast, true), rawLastLarge));
          interleave(READ_WARMUP, READS,
              new Measured(libraryRead(small, false), libIndexSmall), new Measured(rawRead(small, smallIndex, false), rawIndexSmall),
              new Measured(libraryRead(large, false), libIndexLarge), new Measured(rawRead(large, largeIndex, false), rawIndexLarge));
        }
        stores(small, libStore, rawStore);
      }
      bulks(bulk, libBulk, rawBulk);
    }
    System.out.printf(Locale.ROOT, "last p50 per round: library %s, raw %s%n  ratios %s%n",
        libLastSmall.roundsP50(), rawLastSmall.roundsP50(), libLastSmall.roundRatios(rawLastSmall));
    System.out.printf(Locale.ROOT, "store p50 per round: library %s, raw %s%n  ratios %s%n",
        libStore.roundsP50(), rawStore.roundsP50(), libStore.roundRatios(rawStore));
    System.out.printf(Locale.ROOT, "run took %.0f s (checksum %d)%n%n", (System.nanoTime() - started) / 1e9, sink);

    Report report = new Report();
    report.add("store p50", libStore, rawStore, "raw INSERT p50", 1.15);
    report.add("store p99", libStore.pooled(99), rawStore.pooled(99), "raw INSERT p99", 0);
    report.add("last p50", libLastSmall, rawLastSmall, "raw SELECT p50", 1.2);
    report.add("index (limit 20) p50", libIndexSmall, rawIndexSmall, "raw SELECT p50", 0);
    report.add("storeAll 10,000 rows p50", libBulk, rawBulk, "raw COPY of 10,000 rows p50", 1.5);
    report.add("last p50, 1M-row table", libLastLarge, libLastSmall, "library, 10k-row table", 1.5);
    report.add("index (limit 20) p50, 1M-row table", libIndexLarge, libIndexSmall, "library, 10k-row table", 1.5);
    report.add("raw last p50, 1M-row table", rawLastLarge, rawLastSmall, "raw, 10k-row table", 0);
    report.add("raw index (limit 20) p50, 1M-row table", rawIndexLarge, rawIndexSmall, "raw, 10k-row table", 0);
    return report;
  }

  private interface Operation {
    void run() throws Exception;
  }

  private record Measured(Operation operation, Series series) {}

  /**
   * Runs the operations round-robin, {@link #BLOCK} calls of each at a time, so that drift (other
   * processes, checkpoints, autovacuum) hits every operation alike; the warm-up is not recorded.
   */
  private static void interleave(int warmup, int measured, Measured... operations) throws Exception {
    for (int i = 0; i < warmup; i++) {
      for (Measured m : operations) {
        m.operation.run();
      }
    }
    Samples[] samples = new Samples[operations.length];
    for (int k = 0; k < operations.length; k++) {
      samples[k] = operations[k].series.newRound(measured);
    }
    while (samples[0].count() < measured) {
      int block = Math.min(BLOCK, measured - samples[0].count());
      for (int k = 0; k < operations.length; k++) {
        Operation operation = operations[k].operation;
        Samples into = samples[k];
        for (int i = 0; i < block; i++) {
          long t0 = System.nanoTime();
          operation.run();
          into.add(System.nanoTime() - t0);
        }
      }
    }
  }

  private Operation libraryRead(BenchSchema schema, boolean last) {
    HeartbeatStore store = schema.store;
    String user = schema.middleUser();
    String owner = schema.middleOwner();
    IndexParams page = IndexParams.first(20);
    return last
        ? () -> sink += store.heartbeats().last(user, owner).orElseThrow().timestamp().getNano()
        : () -> sink += store.heartbeats().index(user, owner, page).size();
  }

  private Operation rawRead(BenchSchema schema, PreparedStatement ps, boolean last) {
    String user = schema.middleUser();
    String owner = schema.middleOwner();
    return () -> {
      ps.setString(1, user);
      ps.setString(2, owner);
      if (!last) {
        ps.setInt(3, 20);
        ps.setInt(4, 0);
      }
      List<Heartbeat> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(map(rs));
        }
      }
      sink += last ? rows.get(0).timestamp().getNano() : rows.size();
    };
  }

  private void stores(BenchSchema schema, Series library, Series raw) throws Exception {
    int total = 2 * (STORE_WARMUP + STORES);
    Heartbeat[] heartbeats = new Heartbeat[total];
    Instant base = Instant.parse("2026-06-01T00:00:00Z");
    for (int i = 0; i < total; i++) {
      heartbeats[i] = new Heartbeat(UUID.randomUUID(), "store-phone-" + (i % 50), "2.4.1", i % 2 == 0,
          "store-user-" + (i % 50), base.plusNanos(i * 1_000L));
    }
    int[] next = {0};
    HeartbeatStore store = schema.store;
    try (PreparedStatement ps = schema.raw.prepareStatement(INSERT)) {
      Operation viaLibrary = () -> store.heartbeats().store(heartbeats[next[0]++]);
      Operation viaRaw = () -> {
        Heartbeat h = heartbeats[next[0]++];
        ps.setObject(1, h.id());
        ps.setString(2, h.owner());
        ps.setString(3, h.version());
        ps.setBoolean(4, h.charging());
        ps.setString(5, h.userId());
        ps.setObject(6, OffsetDateTime.ofInstant(h.timestamp(), ZoneOffset.UTC));
        ps.executeUpdate();
      };
      interleave(STORE_WARMUP, STORES, new Measured(viaLibrary, library), new Measured(viaRaw, raw));
    }
  }

  /** storeAll against COPY, each into an emptied table; building the COPY text counts, as a DAO would do it. */
  private void bulks(BenchSchema schema, Series library, Series raw) throws Exception {
    // Each pair of loads is a round of its own: the ratio is the median of the pairs' ratios.
    for (int i = 0; i < BULK_WARMUP + BULKS; i++) {
      List<Heartbeat> forLibrary = batch(BULK_ROWS);
      List<Heartbeat> forCopy = batch(BULK_ROWS);
      schema.truncate();
      long t0 = System.nanoTime();
      schema.store.heartbeats().storeAll(forLibrary);
      long libNanos = System.nanoTime() - t0;
      schema.truncate();
      t0 = System.nanoTime();
      copy(schema.raw, forCopy);
      long copyNanos = System.nanoTime() - t0;
      if (i >= BULK_WARMUP) {
        library.newRound(1).add(libNanos);
        raw.newRound(1).add(copyNanos);
      }
    }
  }

  private static List<Heartbeat> batch(int size) {
    List<Heartbeat> batch = new ArrayList<>(size);
    Instant base = Instant.parse("2026-07-01T00:00:00Z");
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < size; i++) {
      batch.add(new Heartbeat(new UUID(random.nextLong(), random.nextLong()), "bulk-phone-" + (i % 100), "2.4.1",
          i % 2 == 0, "bulk-user-" + (i % 100), base.plusNanos(i * 1_000L)));
    }
    return batch;
  }

  private static void copy(Connection raw, List<Heartbeat> heartbeats) throws SQLException, IOException {
    StringBuilder text = new StringBuilder(heartbeats.size() * 110);
    for (Heartbeat h : heartbeats) {
      text.append(h.id()).append('\t');
      escape(text, h.owner()).append('\t');
      escape(text, h.version()).append('\t');
      text.append(h.charging() ? 't' : 'f').append('\t');
      escape(text, h.userId()).append('\t');
      text.append(h.timestamp()).append('\n');
    }
    raw.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new StringReader(text.toString()));
  }

  /** COPY text format: backslash, tab, newline and carriage return are escaped. */
  private static StringBuilder escape(StringBuilder sb, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\': sb.append("\\\\"); break;
        case '\t': sb.append("\\t"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        default: sb.append(c);
      }
    }
    return sb;
  }

  private static Heartbeat map(ResultSet rs) throws SQLException {
    return new Heartbeat(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getBoolean(4),
        rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant());
  }

  /** A schema of the benchmark's own, with a library store and a raw connection on it. */
  private final class BenchSchema implements AutoCloseable {
    final String name;
    final String schemaUrl;
    HeartbeatStore store;
    Connection raw;
    private int phones = 1;

    BenchSchema(String name) throws SQLException {
      this.name = name;
      try (Connection admin = DriverManager.getConnection(url); Statement s = admin.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        s.execute("CREATE SCHEMA " + name);
      }
      this.schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name;
      connect();
    }

    private void connect() throws SQLException {
      store = HeartbeatStores.open(HeartbeatStoreConfig.builder().backend("postgres").databaseUrl(schemaUrl).build());
      raw = DriverManager.getConnection(schemaUrl);
    }

    /** A new store (so a new pool) and a new raw connection. */
    void reconnect() throws SQLException {
      store.close();
      raw.close();
      connect();
    }

    /** {@code rows} heartbeats, {@link #ROWS_PER_PHONE} per phone, phones interleaved in time as they would arrive. */
    void fill(int rows) throws SQLException {
      phones = rows / ROWS_PER_PHONE;
      try (Statement s = raw.createStatement()) {
        s.execute("INSERT INTO heartbeats (" + COLUMNS + ") SELECT gen_random_uuid(), 'phone-' || (i % " + phones + "),"
            + " '2.4.' || (i % 10), i % 3 = 0, 'user-' || (i % " + phones + "),"
            + " timestamptz '2026-01-01' + i * interval '1 second' FROM generate_series(0, " + (rows - 1) + ") AS i");
        s.execute("VACUUM ANALYZE heartbeats");
      }
    }

    String middleUser() {
      return "user-" + phones / 2;
    }

    String middleOwner() {
      return "phone-" + phones / 2;
    }

    void truncate() throws SQLException {
      try (Statement s = raw.createStatement()) {
        s.execute("TRUNCATE heartbeats");
      }
    }

    String serverVersion() throws SQLException {
      try (Statement s = raw.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
        rs.next();
        return rs.getString(1);
      }
    }

    @Override
    public void close() throws SQLException {
      store.close();
      try (Statement s = raw.createStatement()) {
        s.execute("DROP SCHEMA " + name + " CASCADE");
      }
      raw.close();
    }
  }
}
