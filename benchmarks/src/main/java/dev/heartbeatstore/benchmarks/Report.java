package dev.heartbeatstore.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table the harness prints: what was measured, both sides, their ratio and the target. */
final class Report {

  private record Row(String measure, String library, String baseline, String baselineName, double ratio, double target) {}

  private final List<Row> rows = new ArrayList<>();

  /** A row comparing two durations in nanoseconds; {@code target <= 0} means none. */
  void add(String measure, long library, long baseline, String baselineName, double target) {
    add(measure, library, baseline, baselineName, (double) library / baseline, target);
  }

  /** A row whose ratio was computed elsewhere (e.g. per round, see {@link Series#ratioTo}). */
  void add(String measure, long library, long baseline, String baselineName, double ratio, double target) {
    rows.add(new Row(measure, format(library), format(baseline), baselineName, ratio, target));
  }

  /** Median p50s of two series, and the median of their per-round ratios. */
  void add(String measure, Series library, Series baseline, String baselineName, double target) {
    add(measure, library.p50(), baseline.p50(), baselineName, library.ratioTo(baseline), target);
  }

  boolean allTargetsMet() {
    return rows.stream().allMatch(r -> r.target <= 0 || r.ratio <= r.target);
  }

  void print(PrintStream out) {
    out.println("library, baseline: median over rounds of each round's value; ratio: median of the per-round ratios");
    out.println();
    String header = String.format(Locale.ROOT, "| %-44s | %10s | %10s | %-28s | %6s | %7s | %-4s |",
        "measure", "library", "baseline", "baseline is", "ratio", "target", "met");
    out.println(header);
    out.println(header.replaceAll("[^|]", "-"));
    for (Row r : rows) {
      out.println(String.format(Locale.ROOT, "| %-44s | %10s | %10s | %-28s | %6.2f | %7s | %-4s |",
          r.measure, r.library, r.baseline, r.baselineName, r.ratio,
          r.target > 0 ? String.format(Locale.ROOT, "≤ %.2f", r.target) : "–",
          r.target > 0 ? (r.ratio <= r.target ? "yes" : "NO") : ""));
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
