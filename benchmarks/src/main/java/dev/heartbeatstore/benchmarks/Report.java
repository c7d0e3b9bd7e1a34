package dev.heartbeatstore.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table the harness prints: what was measured, both sides, their ratio and the target. */
final class Report {

  private record Row(String measure, String library, String baseline, String baselineName, double ratio,
                     Double medianRoundRatio, double target) {}

  private final List<Row> rows = new ArrayList<>();
  /** Whether a row's target is checked on its per-round ratio (when it has one) instead of its fastest-round one. */
  private final boolean checkPerRound;

  /** Targets checked on the ratio of the fastest rounds (PostgreSQL, hedging). */
  Report() {
    this(false);
  }

  private Report(boolean checkPerRound) {
    this.checkPerRound = checkPerRound;
  }

  /**
   * Targets checked on the median of the per-round ratios: for sides measured interleaved in the same round
   * against the same server, whose rounds move together (libSQL: sqld's state), so that pairing within a
   * round cancels what the fastest-round ratio, pairing two different rounds, cannot (docs/benchmarks/log.md).
   */
  static Report checkedPerRound() {
    return new Report(true);
  }

  private double checked(Row r) {
    return checkPerRound && r.medianRoundRatio != null ? r.medianRoundRatio : r.ratio;
  }

  /** A row comparing two durations in nanoseconds, with no per-round view; {@code target <= 0} means none. */
  void add(String measure, long library, long baseline, String baselineName, double target) {
    rows.add(new Row(measure, format(library), format(baseline), baselineName, (double) library / baseline, null, target));
  }

  /** A row comparing two durations in nanoseconds, with a per-round ratio computed by the caller. */
  void add(String measure, long library, long baseline, String baselineName, double medianRoundRatio, double target) {
    rows.add(new Row(measure, format(library), format(baseline), baselineName, (double) library / baseline,
        medianRoundRatio, target));
  }

  /**
   * A row comparing the fastest round's p50 of each series (the cost of the code path when the
   * connection is in the fast scheduling mode, see docs/benchmarks/log.md), with the median of the
   * per-round ratios beside it.
   */
  void add(String measure, Series library, Series baseline, String baselineName, double target) {
    long lib = library.bestP50();
    long base = baseline.bestP50();
    rows.add(new Row(measure, format(lib), format(base), baselineName, (double) lib / base,
        library.ratioTo(baseline), target));
  }

  boolean allTargetsMet() {
    return rows.stream().allMatch(r -> r.target <= 0 || checked(r) <= r.target);
  }

  void print(PrintStream out) {
    out.println("library, baseline: p50 of the fastest round (store p99: all samples); ratio: library / baseline;");
    out.println("per-round: median over rounds of the ratio within each round; targets checked on the "
        + (checkPerRound ? "per-round ratio" : "ratio"));
    out.println();
    String header = String.format(Locale.ROOT, "| %-40s | %10s | %10s | %-28s | %6s | %9s | %7s | %-4s |",
        "measure", "library", "baseline", "baseline is", "ratio", "per-round", "target", "met");
    out.println(header);
    out.println(header.replaceAll("[^|]", "-"));
    for (Row r : rows) {
      // Ratios far below 1 (a speed-up target such as 1/50) get a third decimal.
      out.println(String.format(Locale.ROOT, "| %-40s | %10s | %10s | %-28s | " + (r.ratio < 0.1 ? "%6.3f" : "%6.2f")
          + " | %9s | %7s | %-4s |",
          r.measure, r.library, r.baseline, r.baselineName, r.ratio,
          r.medianRoundRatio == null ? "–"
              : String.format(Locale.ROOT, r.medianRoundRatio < 0.1 ? "%.3f" : "%.2f", r.medianRoundRatio),
          r.target > 0 ? String.format(Locale.ROOT, r.target < 0.1 ? "≤ %.3f" : "≤ %.2f", r.target) : "–",
          r.target > 0 ? (checked(r) <= r.target ? "yes" : "NO") : ""));
    }
  }

  static String format(long nanos) {
    if (nanos >= 10_000_000L) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    if (nanos >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
  }
}
