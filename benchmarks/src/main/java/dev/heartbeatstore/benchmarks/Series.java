package dev.heartbeatstore.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One operation measured over several rounds, each round on fresh connections. On this VM a connection's
 * round trip settles in a fast (~25 µs) or a slow (~50–80 µs) mode for its lifetime, whatever runs on it;
 * the fastest round's p50 is the code path's cost in the fast mode, comparable between sides, and the
 * pooled samples give the tail.
 */
final class Series {

  private final List<Samples> rounds = new ArrayList<>();

  Samples newRound(int capacity) {
    Samples samples = new Samples(capacity);
    rounds.add(samples);
    return samples;
  }

  /** The lowest p50 of any round. */
  long bestP50() {
    return rounds.stream().mapToLong(r -> r.percentile(50)).min().orElseThrow();
  }

  /** The median over rounds of each round's p50. */
  long p50() {
    long[] medians = rounds.stream().mapToLong(r -> r.percentile(50)).sorted().toArray();
    return medians[(medians.length - 1) / 2];
  }

  /**
   * The median over rounds of {@code this} round's p50 divided by {@code baseline}'s p50 in the same
   * round: both sides ran interleaved within a round, so each round's ratio is a fair comparison even
   * when the machine's load changes between rounds.
   */
  double ratioTo(Series baseline) {
    if (baseline.rounds.size() != rounds.size()) {
      throw new IllegalStateException("different numbers of rounds");
    }
    double[] ratios = new double[rounds.size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = (double) rounds.get(i).percentile(50) / baseline.rounds.get(i).percentile(50);
    }
    Arrays.sort(ratios);
    return ratios.length % 2 == 1 ? ratios[ratios.length / 2]
        : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
  }

  /** The median over rounds of {@code this} round's {@code p}-th percentile divided by {@code baseline}'s in the same round. */
  double ratioTo(Series baseline, double p) {
    double[] ratios = new double[rounds.size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = (double) rounds.get(i).percentile(p) / baseline.rounds.get(i).percentile(p);
    }
    Arrays.sort(ratios);
    return ratios.length % 2 == 1 ? ratios[ratios.length / 2]
        : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
  }

  /** The median over rounds of {@code this} round's p50 divided by the sum of {@code a}'s and {@code b}'s p50 in that round. */
  double ratioToSum(Series a, Series b) {
    double[] ratios = new double[rounds.size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = (double) rounds.get(i).percentile(50)
          / (a.rounds.get(i).percentile(50) + b.rounds.get(i).percentile(50));
    }
    Arrays.sort(ratios);
    return ratios.length % 2 == 1 ? ratios[ratios.length / 2]
        : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
  }

  /** The {@code p}-th percentile of all samples of all rounds. */
  long pooled(double p) {
    int total = rounds.stream().mapToInt(Samples::count).sum();
    Samples all = new Samples(total);
    for (Samples round : rounds) {
      for (long value : round.values()) {
        all.add(value);
      }
    }
    return all.percentile(p);
  }

  /** Each round's ratio to {@code baseline}, for the log. */
  String roundRatios(Series baseline) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < rounds.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.2f",
          (double) rounds.get(i).percentile(50) / baseline.rounds.get(i).percentile(50)));
    }
    return sb.append(']').toString();
  }

  /** The median over rounds of each round's {@code p}-th percentile: a tail that one bad round cannot move. */
  long roundsMedian(double p) {
    long[] values = rounds.stream().mapToLong(r -> r.percentile(p)).sorted().toArray();
    return values.length % 2 == 1 ? values[values.length / 2]
        : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
  }

  /** Each round's p99, for the log. */
  String roundsP99() {
    return Arrays.toString(rounds.stream().mapToLong(r -> r.percentile(99) / 1000).toArray()) + " µs";
  }

  /** Each round's p50, for the log. */
  String roundsP50() {
    return Arrays.toString(rounds.stream().mapToLong(r -> r.percentile(50) / 1000).toArray()) + " µs";
  }
}
