package dev.heartbeatstore.benchmarks;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.migration.Backfill;
import dev.heartbeatstore.testsupport.servers.Sqld;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code heartbeat backfill}'s engine, PostgreSQL → an empty sqld, in bulk mode ({@code --bulk}: the
 * target's secondary indexes built after the copy) and in the default mode (indexes kept up to date), against
 * a hand-written copy loop doing the default mode's work with the raw drivers: keyset pages of 5,000 rows read
 * with pgjdbc, written to sqld as one Hrana batch (BEGIN, multi-row {@code INSERT … ON CONFLICT DO NOTHING}
 * statements of 200 rows, COMMIT) posted with java.net.http. Target: bulk mode at least 10,000 rows/s overall
 * (copy and index build) into an empty target.
 *
 * <p>With {@code liveOpsPerSecond > 0} a live service writes that many heartbeats a second through hedging
 * (PostgreSQL primary, the library's sqld secondary) during the bulk runs, and the primary's journal lag (what
 * the gauge {@code hedging.journal.lag} reports) is sampled every 200 ms: p50, p99 and max are printed.
 */
final class BackfillBenchmark {

  static final double TARGET_ROWS_PER_SECOND = 10_000;
  private static final String SCHEMA = "hb_bench_backfill";
  private static final int PAGE = 5000;
  private static final int ROWS_PER_INSERT = 200;

  private final String jdbcUrl;
  private final int rows;
  private final int rounds;
  private final int liveOpsPerSecond;
  private final boolean bulkOnly;

  BackfillBenchmark(String jdbcUrl, int rows, int rounds, int liveOpsPerSecond, boolean bulkOnly) {
    this.bulkOnly = bulkOnly;
    this.jdbcUrl = jdbcUrl;
    this.rows = rows;
    this.rounds = rounds;
    this.liveOpsPerSecond = liveOpsPerSecond;
  }

  /** Prints the table; true when the library meets the target. */
  boolean run(PrintStream out) throws Exception {
    String schemaUrl = jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
    try (Connection admin = DriverManager.getConnection(jdbcUrl); Statement s = admin.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      s.execute("CREATE SCHEMA " + SCHEMA);
    }
    try (Sqld libraryTarget = Sqld.start(); Sqld rawTarget = Sqld.start()) {
      HeartbeatStoreConfig config = HeartbeatStoreConfig.builder().backend("hedging")
          .databaseUrl(schemaUrl).tursoDatabaseUrl(libraryTarget.url()).build();
      seed(config, schemaUrl);
      // Both targets get the same schema (tables and indexes), applied by the library once.
      for (Sqld target : List.of(libraryTarget, rawTarget)) {
        try (HeartbeatStore schemaOnly = HeartbeatStores.open(HeartbeatStoreConfig.builder().backend("turso")
            .tursoDatabaseUrl(target.url()).build())) {
          schemaOnly.backendName();
        }
      }
      List<Double> bulk = new ArrayList<>();
      List<Double> bulkCopy = new ArrayList<>();
      List<Double> indexSeconds = new ArrayList<>();
      List<Double> library = new ArrayList<>();
      List<Double> raw = new ArrayList<>();
      List<Double> lag = new ArrayList<>();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int round = 0; round < rounds; round++) {
        clear(http, libraryTarget.url());
        LiveWriter live = liveOpsPerSecond > 0 ? new LiveWriter(config, liveOpsPerSecond) : null;
        Backfill.Result result;
        try {
          result = Backfill.builder(config).from("postgres").to("turso").bulk(true).build().run();
        } finally {
          if (live != null) {
            lag.addAll(live.stop());
          }
        }
        check(result, true);
        bulk.add(result.overallRowsPerSecond());
        bulkCopy.add(result.rowsPerSecond());
        indexSeconds.add(result.buildingIndexes().toNanos() / 1e9);

        if (bulkOnly) {
          continue;
        }
        clear(http, libraryTarget.url());
        result = Backfill.builder(config).from("postgres").to("turso").build().run();
        check(result, false);
        library.add(result.overallRowsPerSecond());

        clear(http, rawTarget.url());
        raw.add(rawCopy(schemaUrl, http, rawTarget.url()));
      }
      double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      out.printf(Locale.ROOT, "backfill of %,d heartbeats (and 1,000 monitors for the library), PostgreSQL → empty sqld, "
          + "%d rounds each, alternating; load average %.1f on %d CPUs at the end%n", rows, rounds, load,
          Runtime.getRuntime().availableProcessors());
      out.printf(Locale.ROOT, "rows/s overall per round: bulk %s (copy alone %s, index build %s s), default mode %s,"
          + " raw drivers %s%n%n", fmt(bulk), fmt(bulkCopy), fmt1(indexSeconds), fmt(library), fmt(raw));
      String header = String.format(Locale.ROOT, "| %-44s | %12s | %-18s | %-4s |", "measure (median round)", "value",
          "target", "met");
      out.println(header);
      out.println(header.replaceAll("[^|]", "-"));
      double b = median(bulk);
      boolean met = b >= TARGET_ROWS_PER_SECOND;
      row(out, "library --bulk, rows/s overall", String.format(Locale.ROOT, "%,.0f", b), "≥ 10,000 rows/s",
          met ? "yes" : "NO");
      row(out, "  of which: copy rows/s", String.format(Locale.ROOT, "%,.0f", median(bulkCopy)), "", "");
      row(out, "  of which: index build, s", String.format(Locale.ROOT, "%.1f", median(indexSeconds)), "", "");
      if (!bulkOnly) {
        row(out, "library, default mode (indexes kept), rows/s",
            String.format(Locale.ROOT, "%,.0f", median(library)), "", "");
        row(out, "raw drivers (indexes kept), rows/s", String.format(Locale.ROOT, "%,.0f", median(raw)), "", "");
      }
      if (liveOpsPerSecond > 0) {
        lag.sort(null);
        double p99 = lag.isEmpty() ? 0 : lag.get(Math.min(lag.size() - 1, (int) (lag.size() * 0.99)));
        boolean lagMet = p99 < 5;
        met &= lagMet;
        row(out, "journal lag p50 during --bulk, s (" + liveOpsPerSecond + " ops/s)",
            String.format(Locale.ROOT, "%.2f", lag.isEmpty() ? 0 : lag.get(lag.size() / 2)), "", "");
        row(out, "journal lag p99 during --bulk, s", String.format(Locale.ROOT, "%.2f", p99), "< 5 s",
            lagMet ? "yes" : "NO");
        row(out, "journal lag max during --bulk, s",
            String.format(Locale.ROOT, "%.2f", lag.isEmpty() ? 0 : lag.get(lag.size() - 1)), "", "");
      }
      return met;
    } finally {
      try (Connection admin = DriverManager.getConnection(jdbcUrl); Statement s = admin.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      }
    }
  }

  private void check(Backfill.Result result, boolean bulk) {
    // A live writer adds rows to the source while it is copied.
    if (result.heartbeatsInserted() < rows || (liveOpsPerSecond == 0 && result.heartbeatsInserted() != rows)) {
      throw new IllegalStateException("the library copied " + result.heartbeatsInserted() + " of " + rows);
    }
    if (result.bulk() != bulk) {
      throw new IllegalStateException("bulk mode was " + result.bulk() + ", expected " + bulk);
    }
  }

  private static void row(PrintStream out, String measure, String value, String target, String met) {
    out.printf(Locale.ROOT, "| %-44s | %12s | %-18s | %-4s |%n", measure, value, target, met);
  }

  /**
   * The live service: {@code opsPerSecond} heartbeats a second through hedging (4 threads, paced), and a
   * sampler of the primary's journal lag every 200 ms.
   */
  private static final class LiveWriter {
    private final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    private final List<Double> lag = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();
    private final HeartbeatStore service;
    private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();

    LiveWriter(HeartbeatStoreConfig config, int opsPerSecond) {
      service = HeartbeatStores.open(config);
      java.util.concurrent.atomic.AtomicLong tickets = new java.util.concurrent.atomic.AtomicLong();
      long started = System.nanoTime();
      for (int t = 0; t < 4; t++) {
        threads.add(new Thread(() -> {
          try {
            while (!stop.get()) {
              long i = tickets.getAndIncrement();
              long wait = started + i * 1_000_000_000L / opsPerSecond - System.nanoTime();
              if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
              }
              service.heartbeats().store(new dev.heartbeatstore.Heartbeat(java.util.UUID.randomUUID(),
                  String.format("+1556%07d", i % 100), "v1", true, "live-" + (i % 100),
                  java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }, "live-writer-" + t));
      }
      threads.add(new Thread(() -> {
        try (dev.heartbeatstore.spi.ReplicationAccess journal =
                 dev.heartbeatstore.spi.Backends.openReplicationAccess(config, "postgres")) {
          while (!stop.get()) {
            lag.add(journal.stats().lag().toMillis() / 1000.0);
            Thread.sleep(200);
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "lag-sampler"));
      threads.forEach(Thread::start);
    }

    /** Stops writing and sampling; the lag samples, in seconds. */
    List<Double> stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(60_000);
      }
      service.close();
      if (failure.get() != null) {
        throw new IllegalStateException("the live writer failed", failure.get());
      }
      return new ArrayList<>(lag);
    }
  }

  /** The library's schema, then the rows by one server-side INSERT … SELECT. */
  private void seed(HeartbeatStoreConfig config, String schemaUrl) throws SQLException {
    try (HeartbeatStore store = HeartbeatStores.open(config.toBuilder().backend("postgres").build())) {
      for (int i = 0; i < 1000; i++) {
        java.time.Instant t = java.time.Instant.parse("2025-06-01T00:00:00Z").plusSeconds(i);
        store.monitors().store(new dev.heartbeatstore.HeartbeatMonitor(java.util.UUID.randomUUID(),
            java.util.UUID.randomUUID(), "user-" + (i / 3), "", String.format("+1555%07d", i), true, t, t));
      }
    }
    try (Connection c = DriverManager.getConnection(schemaUrl); Statement s = c.createStatement()) {
      s.execute("INSERT INTO heartbeats (id, owner, version, charging, user_id, \"timestamp\")"
          + " SELECT gen_random_uuid(), '+1555' || lpad((g % 1000)::text, 7, '0'), 'v' || (g % 5), g % 2 = 0,"
          + " 'user-' || ((g % 1000) / 3), timestamptz '2025-06-01' + (g * interval '1 second')"
          + " + ((g % 997) * interval '1 microsecond') FROM generate_series(1, " + rows + ") g");
      s.execute("ANALYZE heartbeats");
    }
  }

  private static void clear(HttpClient http, String url) throws Exception {
    post(http, url, "{\"baton\":null,\"requests\":[{\"type\":\"execute\",\"stmt\":{\"sql\":\"DELETE FROM heartbeats\"}},"
        + "{\"type\":\"execute\",\"stmt\":{\"sql\":\"DELETE FROM heartbeat_monitors\"}},{\"type\":\"close\"}]}");
  }

  /** The same copy with the raw drivers; returns rows/s. */
  private double rawCopy(String schemaUrl, HttpClient http, String url) throws Exception {
    long start = System.nanoTime();
    long copied = 0;
    try (Connection c = DriverManager.getConnection(schemaUrl);
         PreparedStatement first = c.prepareStatement("SELECT id, owner, version, charging, user_id, \"timestamp\""
             + " FROM heartbeats ORDER BY \"timestamp\", id LIMIT ?");
         PreparedStatement next = c.prepareStatement("SELECT id, owner, version, charging, user_id, \"timestamp\""
             + " FROM heartbeats WHERE (\"timestamp\", id) > (?, ?) ORDER BY \"timestamp\", id LIMIT ?")) {
      OffsetDateTime lastTs = null;
      Object lastId = null;
      while (true) {
        PreparedStatement ps = lastTs == null ? first : next;
        int p = 1;
        if (lastTs != null) {
          ps.setObject(p++, lastTs);
          ps.setObject(p++, lastId);
        }
        ps.setInt(p, PAGE);
        List<Object[]> page = new ArrayList<>(PAGE);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            page.add(new Object[] {rs.getObject(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                rs.getString(5), rs.getObject(6, OffsetDateTime.class)});
          }
        }
        if (page.isEmpty()) {
          break;
        }
        post(http, url, batch(page));
        copied += page.size();
        Object[] last = page.get(page.size() - 1);
        lastId = last[0];
        lastTs = (OffsetDateTime) last[5];
      }
    }
    if (copied < rows || (liveOpsPerSecond == 0 && copied != rows)) {
      throw new IllegalStateException("the raw loop copied " + copied + " of " + rows);
    }
    return copied / ((System.nanoTime() - start) / 1e9);
  }

  private static String batch(List<Object[]> page) {
    StringBuilder json = new StringBuilder(page.size() * 260);
    json.append("{\"baton\":null,\"requests\":[{\"type\":\"batch\",\"batch\":{\"steps\":[");
    json.append("{\"stmt\":{\"sql\":\"BEGIN\"}}");
    int step = 1;
    for (int from = 0; from < page.size(); from += ROWS_PER_INSERT) {
      List<Object[]> chunk = page.subList(from, Math.min(page.size(), from + ROWS_PER_INSERT));
      json.append(",{\"condition\":{\"type\":\"ok\",\"step\":").append(step - 1).append("},\"stmt\":{\"sql\":\"")
          .append("INSERT INTO heartbeats (id, owner, version, charging, user_id, \\\"timestamp\\\") VALUES ");
      for (int i = 0; i < chunk.size(); i++) {
        json.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?)");
      }
      json.append(" ON CONFLICT (id) DO NOTHING\",\"args\":[");
      for (int i = 0; i < chunk.size(); i++) {
        Object[] r = chunk.get(i);
        OffsetDateTime ts = (OffsetDateTime) r[5];
        long micros = ts.toEpochSecond() * 1_000_000L + ts.getNano() / 1_000;
        json.append(i == 0 ? "" : ",");
        text(json, r[0].toString()).append(',');
        text(json, (String) r[1]).append(',');
        text(json, (String) r[2]).append(',');
        integer(json, (Boolean) r[3] ? 1 : 0).append(',');
        text(json, (String) r[4]).append(',');
        integer(json, micros);
      }
      json.append("]}}");
      step++;
    }
    json.append(",{\"condition\":{\"type\":\"ok\",\"step\":").append(step - 1).append("},\"stmt\":{\"sql\":\"COMMIT\"}}");
    json.append(",{\"condition\":{\"type\":\"not\",\"cond\":{\"type\":\"ok\",\"step\":").append(step)
        .append("}},\"stmt\":{\"sql\":\"ROLLBACK\"}}");
    json.append("]}},{\"type\":\"close\"}]}");
    return json.toString();
  }

  /** Texts here are phone numbers, versions, user ids and UUIDs: no character needs escaping. */
  private static StringBuilder text(StringBuilder json, String value) {
    return json.append("{\"type\":\"text\",\"value\":\"").append(value).append("\"}");
  }

  private static StringBuilder integer(StringBuilder json, long value) {
    return json.append("{\"type\":\"integer\",\"value\":\"").append(value).append("\"}");
  }

  private static void post(HttpClient http, String url, String body) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v3/pipeline"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || response.body().contains("\"type\":\"error\"")) {
      throw new IllegalStateException("sqld answered " + response.statusCode() + ": "
          + response.body().substring(0, Math.min(300, response.body().length())));
    }
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String fmt1(List<Double> values) {
    StringBuilder sb = new StringBuilder("[");
    for (double v : values) {
      sb.append(sb.length() == 1 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", v));
    }
    return sb.append(']').toString();
  }

  private static String fmt(List<Double> values) {
    StringBuilder sb = new StringBuilder("[");
    for (double v : values) {
      sb.append(sb.length() == 1 ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f", v));
    }
    return sb.append(']').toString();
  }
}
