package dev.heartbeatstore.cli;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.migration.Backfill;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "backfill", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Copy heartbeats and monitors from one backend to the other (default: hedging primary to secondary). "
            + "Insert-if-absent, resumable: killed and run again, it finishes with no duplicates and no gaps.",
        "The checkpoint is bound to the two databases (PostgreSQL: system identifier, database, schema; libSQL: URL "
            + "without token and the database id its schema recorded): resuming against another database exits 2 "
            + "naming both; --restart starts over.",
        "Exit 0: done. 1: a side stayed unreachable for --give-up-after. 2: bad arguments, or a checkpoint of other "
            + "databases."})
final class BackfillCommand extends ConfiguredCommand {

  @Option(names = "--from", paramLabel = "NAME", description = "postgres or turso (default: the hedging primary)")
  String from;

  @Option(names = "--to", paramLabel = "NAME", description = "postgres or turso (default: the hedging secondary)")
  String to;

  @Option(names = "--batch-size", defaultValue = "5000", description = "rows per batch (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--checkpoint", paramLabel = "FILE", defaultValue = "heartbeat-backfill.checkpoint",
      description = "where progress is saved after every batch (default ${DEFAULT-VALUE})")
  Path checkpoint;

  @Option(names = "--restart", description = "ignore the saved checkpoint and copy from the first row again "
      + "(rows already there are skipped)")
  boolean restart;

  @Option(names = "--rate", paramLabel = "ROWS_PER_SECOND", defaultValue = "0",
      description = "copy at most this many rows per second on average, to leave the databases to the live service "
          + "(default: no limit)")
  long rate;

  @Option(names = "--give-up-after", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
      description = "a batch that times out or finds a side unavailable is tried again with capped, jittered backoff; "
          + "exit 1 once a side has been unreachable this long (default ${DEFAULT-VALUE})")
  Duration giveUpAfter;

  @Option(names = "--bulk", description = "for an empty (or nearly empty) libSQL target: drop its secondary indexes, "
      + "copy, then build them (several times faster). Until they are built, doctor says so and the target refuses "
      + "to be a store or the hedging primary; it stays usable as the hedging secondary. A killed run is finished by "
      + "running backfill again. No effect on a PostgreSQL target")
  boolean bulk;

  @Option(names = "--plain", description = "plain progress lines even on a terminal")
  boolean plain;

  @Override
  public Integer call() {
    PrintWriter out = out();
    HeartbeatStoreConfig config = settings().build();
    Backfill.Builder builder = Backfill.builder(config).batchSize(batchSize).checkpoint(checkpoint).restart(restart)
        .rowsPerSecond(rate).giveUpAfter(giveUpAfter).bulk(bulk);
    if (from != null) {
      builder.from(from);
    }
    if (to != null) {
      builder.to(to);
    }
    boolean terminal = System.console() != null && !plain;
    Progress progress = terminal ? new BarProgress() : new LineProgress(out);
    Backfill.Result result;
    try {
      result = builder.progress(progress::update).build().run();
    } finally {
      progress.close();
    }
    out.printf("backfill done%s: %d heartbeats (%d new) and %d monitors (%d new) in %.1f s, copying at %.0f rows/s%s%s%n",
        result.resumed() ? " (resumed from " + checkpoint + ")" : "",
        result.heartbeatsCopied(), result.heartbeatsInserted(), result.monitorsCopied(), result.monitorsInserted(),
        result.took().toNanos() / 1e9, result.rowsPerSecond(),
        result.bulk() ? String.format(java.util.Locale.ROOT, "; bulk mode: secondary indexes built in %.1f s"
            + " (%.0f rows/s overall)", result.buildingIndexes().toNanos() / 1e9, result.overallRowsPerSecond()) : "",
        result.retries() == 0 ? "" : "; " + result.retries() + " calls tried again after a timeout or an unavailable side");
    return HeartbeatCli.OK;
  }

  private interface Progress extends AutoCloseable {
    void update(Backfill.Progress p);

    @Override
    void close();
  }

  /** A live bar (rows, rows/s, ETA) on a terminal. */
  private static final class BarProgress implements Progress {
    private ProgressBar bar;
    private String table;

    @Override
    public void update(Backfill.Progress p) {
      if (bar == null || !p.table().equals(table)) {
        close();
        table = p.table();
        // Started from what earlier runs copied: speed and ETA count this run's rows only.
        bar = new ProgressBarBuilder().setTaskName(p.table()).setInitialMax(Math.max(p.total(), p.copied()))
            .startsFrom(p.copied() - p.copiedThisRun(), Duration.ZERO)
            .setUnit(" rows", 1).showSpeed().setStyle(ProgressBarStyle.ASCII).build();
      }
      bar.maxHint(Math.max(p.total(), p.copied()));
      bar.stepTo(p.copied());
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }

  /** One line every 2 seconds when the output is not a terminal (CI logs, files). */
  private static final class LineProgress implements Progress {
    private static final long EVERY = Duration.ofSeconds(2).toNanos();
    private final PrintWriter out;
    private long lastPrint = System.nanoTime();
    private Backfill.Progress last;

    LineProgress(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void update(Backfill.Progress p) {
      boolean tableChanged = last != null && !last.table().equals(p.table());
      if (tableChanged) {
        print(last);
      }
      last = p;
      if (System.nanoTime() - lastPrint >= EVERY) {
        print(p);
      }
    }

    private void print(Backfill.Progress p) {
      lastPrint = System.nanoTime();
      double rate = p.rowsPerSecond();
      long remaining = Math.max(0, p.total() - p.copied());
      String eta = rate > 0 ? Math.round(remaining / rate) + " s" : "?";
      out.printf("%s: %d/%d rows (%.1f%%), %.0f rows/s, ETA %s%n", p.table(), p.copied(), p.total(),
          p.total() == 0 ? 100.0 : 100.0 * Math.min(p.copied(), p.total()) / p.total(), rate, eta);
    }

    @Override
    public void close() {
      if (last != null) {
        print(last);
      }
    }
  }
}
