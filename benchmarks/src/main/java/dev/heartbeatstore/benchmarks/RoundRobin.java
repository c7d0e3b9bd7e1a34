package dev.heartbeatstore.benchmarks;

/**
 * Runs the sides of one of {@link LibsqlBenchmark}'s comparisons round-robin, {@value #BLOCK} calls of each at a
 * time, so that drift on a shared machine hits them alike.
 */
final class RoundRobin {

  /** The calls each side runs before the next side's turn. */
  static final int BLOCK = 50;

  private RoundRobin() {}

  /** One side of a comparison: runs {@code n} calls, recording each one's duration when {@code into} is given. */
  interface Side {
    void run(int n, Samples into) throws Exception;
  }

  /** A side whose calls are timed here, one by one. */
  interface Call {
    void run() throws Exception;
  }

  static Side timed(Call call) {
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

  record Measured(Side side, Series series) {}

  /**
   * Runs the sides round-robin, {@link #BLOCK} calls of each at a time, after an unrecorded warm-up; each
   * side's samples of this round go into a new round of its series.
   */
  static void interleave(int warmup, int measured, Measured... sides) throws Exception {
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

  /** Durations a side timed itself (the Node client), into {@code into} when it is given. */
  static void record(long[] nanos, Samples into) {
    if (into != null) {
      for (long n : nanos) {
        into.add(n);
      }
    }
  }
}
