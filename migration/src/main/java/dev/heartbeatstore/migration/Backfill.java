package dev.heartbeatstore.migration;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.internal.StoreFactory;
import dev.heartbeatstore.spi.MigrationAccess;
import dev.heartbeatstore.spi.MigrationAccess.HeartbeatCursor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Copies heartbeats and monitors from one backend to another: keyset-paged by {@code (timestamp, id)},
 * insert-if-absent batches, resumable from a checkpoint file. Safe to run while hedging mirrors new
 * writes (rows already there are skipped), and safe to kill at any moment and run again: it finishes
 * with no duplicates and no gaps. Run {@link Verifier} afterwards.
 *
 * <pre>{@code
 * Backfill.Result r = Backfill.builder(HeartbeatStoreConfig.fromEnvironment(System.getenv()))
 *     .from("postgres").to("turso").checkpoint(Path.of("backfill.checkpoint"))
 *     .build().run();
 * }</pre>
 */
public final class Backfill {

  /** Progress after each batch. */
  public record Progress(String table, long copied, long inserted, long total, Duration elapsed) {
    public double rowsPerSecond() {
      double s = elapsed.toNanos() / 1e9;
      return s <= 0 ? 0 : copied / s;
    }
  }

  /**
   * What a run did; {@code *Copied} counts rows read and sent, {@code *Inserted} those the target lacked.
   * {@code took} is the whole run, {@code copying} the copy alone (without opening both sides).
   */
  public record Result(long heartbeatsCopied, long heartbeatsInserted, long monitorsCopied, long monitorsInserted,
                       boolean resumed, Duration took, Duration copying) {
    /** Rows copied per second of copying. */
    public double rowsPerSecond() {
      double s = copying.toNanos() / 1e9;
      return s <= 0 ? 0 : (heartbeatsCopied + monitorsCopied) / s;
    }
  }

  private final HeartbeatStoreConfig config;
  private final String from;
  private final String to;
  private final int batchSize;
  private final Path checkpoint;
  private final Consumer<Progress> progress;

  private Backfill(Builder b) {
    this.config = b.config;
    this.from = b.from;
    this.to = b.to;
    this.batchSize = b.batchSize;
    this.checkpoint = b.checkpoint;
    this.progress = b.progress;
  }

  public static Builder builder(HeartbeatStoreConfig config) {
    return new Builder(config);
  }

  /**
   * Runs to the end. The checkpoint is deleted when the copy is complete, so the next run starts over
   * (and skips what is there).
   */
  public Result run() {
    long started = System.nanoTime();
    Checkpoint saved = Checkpoint.load(checkpoint, from, to);
    Checkpoint state = saved != null ? saved : Checkpoint.start(from, to);
    long heartbeatsInserted = 0;
    long monitorsInserted = 0;
    long heartbeatsCopied = 0;
    long monitorsCopied = 0;
    long copyStarted;
    long copyEnded;
    try (MigrationAccess source = StoreFactory.openMigrationAccess(config, from);
        MigrationAccess target = StoreFactory.openMigrationAccess(config, to)) {
      copyStarted = System.nanoTime();
      if (!state.monitorsDone()) {
        long total = source.countMonitors();
        UUID cursor = state.monitorCursor();
        while (true) {
          List<HeartbeatMonitor> page = source.monitorsAfter(cursor, batchSize);
          if (page.isEmpty()) {
            break;
          }
          monitorsInserted += target.insertMonitorsIfAbsent(page);
          monitorsCopied += page.size();
          cursor = page.get(page.size() - 1).id();
          state = state.afterMonitors(cursor, page.size());
          state.save(checkpoint);
          report("heartbeat_monitors", state.monitorsCopied(), monitorsInserted, total, copyStarted);
        }
        state = state.monitorsFinished();
        state.save(checkpoint);
      }

      long total = source.countHeartbeats();
      HeartbeatCursor cursor = state.heartbeatCursor();
      // Read the next page while the target writes this one: the two databases work at the same time.
      List<Heartbeat> page = source.heartbeatsAfter(cursor, batchSize);
      while (!page.isEmpty()) {
        HeartbeatCursor next = cursorOf(page.get(page.size() - 1));
        CompletableFuture<List<Heartbeat>> reading =
            CompletableFuture.supplyAsync(() -> source.heartbeatsAfter(next, batchSize));
        int inserted;
        try {
          inserted = target.insertHeartbeatsIfAbsent(page);
        } catch (RuntimeException e) {
          reading.cancel(true);
          throw e;
        }
        heartbeatsInserted += inserted;
        heartbeatsCopied += page.size();
        state = state.afterHeartbeats(next, page.size());
        state.save(checkpoint);
        report("heartbeats", state.heartbeatsCopied(), heartbeatsInserted, total, copyStarted);
        page = join(reading);
      }
      copyEnded = System.nanoTime();
    }
    if (checkpoint != null) {
      try {
        Files.deleteIfExists(checkpoint);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("the backfill is complete but its checkpoint " + checkpoint
            + " cannot be deleted", e);
      }
    }
    return new Result(heartbeatsCopied, heartbeatsInserted, monitorsCopied, monitorsInserted, saved != null,
        Duration.ofNanos(System.nanoTime() - started), Duration.ofNanos(copyEnded - copyStarted));
  }

  private void report(String table, long copied, long inserted, long total, long started) {
    progress.accept(new Progress(table, copied, inserted, total, Duration.ofNanos(System.nanoTime() - started)));
  }

  private static HeartbeatCursor cursorOf(Heartbeat h) {
    return new HeartbeatCursor(h.timestamp(), h.id());
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Options of a backfill. */
  public static final class Builder {
    private final HeartbeatStoreConfig config;
    private String from;
    private String to;
    private int batchSize = 5000;
    private Path checkpoint;
    private Consumer<Progress> progress = p -> {};

    private Builder(HeartbeatStoreConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      this.from = config.hedgingPrimary();
      this.to = config.hedgingSecondary();
    }

    /** The backend to copy from: {@code postgres} or {@code turso}; default the hedging primary. */
    public Builder from(String backend) {
      this.from = MigrationArguments.backend("from", backend);
      return this;
    }

    /** The backend to copy to; default the hedging secondary. */
    public Builder to(String backend) {
      this.to = MigrationArguments.backend("to", backend);
      return this;
    }

    /** Rows per batch, 1..10000 (default 5000). */
    public Builder batchSize(int batchSize) {
      this.batchSize = MigrationArguments.batchSize(batchSize);
      return this;
    }

    /** Where to save progress; null: no checkpoint (a killed run starts over, skipping what is there). */
    public Builder checkpoint(Path checkpoint) {
      this.checkpoint = checkpoint;
      return this;
    }

    public Builder progress(Consumer<Progress> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    public Backfill build() {
      if (from.equals(to)) {
        throw new IllegalArgumentException("from and to must be different backends, both are " + from);
      }
      return new Backfill(this);
    }
  }
}
