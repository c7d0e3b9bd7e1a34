package dev.heartbeatstore.benchmarks;

import java.util.Locale;

/**
 * Entry point: {@code java -jar benchmarks/target/heartbeat-benchmarks.jar postgres}.
 *
 * <p>PostgreSQL comes from {@code BENCH_DATABASE_URL} (a {@code jdbc:postgresql://} URL), by default the
 * local test server {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}. The harness works in
 * schemas of its own ({@code hb_bench_*}), created at start and dropped at the end.
 */
public final class Benchmarks {

  static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    String backend = args.length > 0 ? args[0].toLowerCase(Locale.ROOT) : "postgres";
    if (backend.equals("libsql")) {
      // A local sqld started by the harness, or BENCH_TURSO_DATABASE_URL; @libsql/client from BENCH_NODE_DIR.
      Report report = new LibsqlBenchmark(System.getenv("BENCH_TURSO_DATABASE_URL"),
          java.nio.file.Paths.get(System.getenv().getOrDefault("BENCH_NODE_DIR", "benchmarks/node"))).run();
      report.print(System.out);
      System.exit(report.allTargetsMet() ? 0 : 1);
    }
    if (!backend.equals("postgres") && !backend.equals("hedging") && !backend.equals("backfill")
        && !backend.equals("journal")) {
      System.err.println("usage: java -jar heartbeat-benchmarks.jar postgres|libsql|hedging|backfill|journal");
      System.exit(2);
    }
    String url = System.getenv().getOrDefault("BENCH_DATABASE_URL", DEFAULT_URL);
    if (!url.startsWith("jdbc:postgresql:")) {
      System.err.println("BENCH_DATABASE_URL must be a jdbc:postgresql:// URL");
      System.exit(2);
    }
    if (backend.equals("backfill")) {
      // PostgreSQL → two local sqld (library --bulk and default mode, raw loop); rows from BENCH_BACKFILL_ROWS
      // (default 2,000,000), rounds from BENCH_BACKFILL_ROUNDS (default 1), and with BENCH_BACKFILL_LIVE_OPS > 0
      // a live service writing that many heartbeats a second through hedging during the bulk runs;
      // BENCH_BACKFILL_BULK_ONLY=true skips the default mode and the raw loop.
      int rows = Integer.parseInt(System.getenv().getOrDefault("BENCH_BACKFILL_ROWS", "2000000"));
      int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_BACKFILL_ROUNDS", "1"));
      int live = Integer.parseInt(System.getenv().getOrDefault("BENCH_BACKFILL_LIVE_OPS", "0"));
      boolean bulkOnly = Boolean.parseBoolean(System.getenv().getOrDefault("BENCH_BACKFILL_BULK_ONLY", "false"));
      System.exit(new BackfillBenchmark(url, rows, rounds, live, bulkOnly).run(System.out) ? 0 : 1);
    }
    if (backend.equals("journal")) {
      // The relay's drain rate after an outage, against storeAll straight into sqld.
      int writes = Integer.parseInt(System.getenv().getOrDefault("BENCH_JOURNAL_WRITES", "60000"));
      System.exit(new JournalBenchmark(url, writes).run(System.out) ? 0 : 1);
    }
    Report report = backend.equals("hedging") ? new HedgingBenchmark(url).run() : new PostgresBenchmark(url).run();
    report.print(System.out);
    System.exit(report.allTargetsMet() ? 0 : 1);
  }
}
