package dev.heartbeatstore.benchmarks;

import java.util.Arrays;

/** Durations of one operation, in nanoseconds; percentiles from the sorted array (nearest rank). */
final class Samples {

  private final long[] nanos;
  private int count;
  private boolean sorted;

  Samples(int capacity) {
    this.nanos = new long[capacity];
  }

  void add(long durationNanos) {
    nanos[count++] = durationNanos;
    sorted = false;
  }

  long[] values() {
    return Arrays.copyOf(nanos, count);
  }

  int count() {
    return count;
  }

  /** The {@code p}-th percentile ({@code 0 < p <= 100}) by nearest rank. */
  long percentile(double p) {
    if (count == 0) {
      throw new IllegalStateException("no samples");
    }
    if (!sorted) {
      Arrays.sort(nanos, 0, count);
      sorted = true;
    }
    int rank = (int) Math.ceil(p / 100.0 * count);
    return nanos[Math.max(0, Math.min(count, rank) - 1)];
  }
}
