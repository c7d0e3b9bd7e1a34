package dev.heartbeatstore.migration;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.spi.TableAccess.HeartbeatCursor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Copies heartbeats and monitors from one backend to another: keyset-paged by {@code (timestamp, id)},
 * insert-if-absent batches, resumable from a checkpoint file. Safe to run while hedging mirrors new
 * writes (rows already there are skipped), and safe to kill at any moment and run again: it finishes
 * with no duplicates and no gaps. Run {@link Verifier} afterwards.
 *
 * <p>The checkpoint is bound to the two databases ({@link TableAccess#databaseIdentity()}): resuming
 * against another one throws {@link CheckpointMismatchException}; {@link Builder#restart(boolean)} starts
 * over. A batch that times out or finds a side unavailable is tried again, with backoff, until that side
 * has been unreachable for {@link Builder#giveUpAfter(Duration)}.
 *
 * <pre>{@code
 * Backfill.Result r = Backfill.builder(HeartbeatStoreConfig.fromEnvironment(System.getenv()))
 *     .from("postgres").to("turso").checkpoint(Path.of("backfill.checkpoint"))
 *     .build().run();
 * }</pre>
 */
public final class Backfill {

  /**
   * Progress after each batch. {@code copied} counts the whole backfill (with the runs before a resume),
   * {@code copiedThisRun} only this run's rows, which the rate is computed from.
   *
   * @param table         the table being copied, {@code heartbeats} or {@code heartbeat_monitors}
   * @param copied        rows of this table copied so far, including runs before a resume
   * @param copiedThisRun rows of this table copied by this run
   * @param inserted      rows of this table this run inserted (those the target lacked)
   * @param total         the source table's row count, counted before its copy

   * @param elapsed       time since this run started copying (both tables)
   */
  public record Progress(String table, long copied, long copiedThisRun, long inserted, long total, Duration elapsed) {
    /**
     * This run's copy rate for the table.
     *
     * @return {@code copiedThisRun} per second of {@code elapsed}; 0 when no time has elapsed
     */
    public double rowsPerSecond() {
      double s = elapsed.toNanos() / 1e9;
      return s <= 0 ? 0 : copiedThisRun / s;
    }
  }

  /**
   * What a run did; {@code *Copied} counts rows read and sent in this run, {@code *Inserted} those the
   * target lacked. {@code took} is the whole run, {@code copying} the copy alone (without opening both
   * sides); {@code retries} counts calls tried again after a timeout or an unavailable side.
   *
   * @param heartbeatsCopied   heartbeats read and sent in this run
   * @param heartbeatsInserted heartbeats the target lacked and got
   * @param monitorsCopied     monitors read and sent in this run
   * @param monitorsInserted   monitors the target lacked and got
   * @param resumed            whether the run resumed from a checkpoint
   * @param took               the whole run
   * @param copying            the copy alone, without opening both sides or building indexes
   * @param retries            calls tried again after a timeout or an unavailable side
   * @param bulk               whether the run was in bulk mode (indexes dropped, then built)
   * @param buildingIndexes    the time spent building the indexes a bulk load dropped; zero otherwise
   */
  public record Result(long heartbeatsCopied, long heartbeatsInserted, long monitorsCopied, long monitorsInserted,
                       boolean resumed, Duration took, Duration copying, long retries, boolean bulk,
                       Duration buildingIndexes) {
    /**
     * Rows copied per second of copying (without building indexes; see {@link #overallRowsPerSecond()}).
     *
     * @return heartbeats and monitors copied per second of {@code copying}; 0 when it took no time
     */
    public double rowsPerSecond() {
      double s = copying.toNanos() / 1e9;
      return s <= 0 ? 0 : (heartbeatsCopied + monitorsCopied) / s;
    }

    /**
     * Rows copied per second of copying and building the indexes a bulk load dropped.
     *
     * @return heartbeats and monitors copied per second of {@code copying + buildingIndexes}; 0 when zero
     */
    public double overallRowsPerSecond() {
      double s = copying.plus(buildingIndexes).toNanos() / 1e9;
      return s <= 0 ? 0 : (heartbeatsCopied + monitorsCopied) / s;
    }
  }

  private final HeartbeatStoreConfig config;
  private final String from;
  private final String to;
  private final int batchSize;
  private final Path checkpoint;
  private final boolean restart;
  private final long rowsPerSecond;
  private final Duration giveUpAfter;
  private final boolean bulk;
  private final Consumer<Progress> progress;

  private Backfill(Builder b) {
    this.config = b.config;
    this.from = b.from;
    this.to = b.to;
    this.batchSize = b.batchSize;
    this.checkpoint = b.checkpoint;
    this.restart = b.restart;
    this.rowsPerSecond = b.rowsPerSecond;
    this.giveUpAfter = b.giveUpAfter;
    this.bulk = b.bulk;
    this.progress = b.progress;
  }

  /**
   * A backfill with default options, from the hedging primary to the hedging secondary.
   *
   * @param config the settings of both databases
   * @return the builder
   * @throws NullPointerException if {@code config} is null
   */
  public static Builder builder(HeartbeatStoreConfig config) {
    return new Builder(config);
  }

  /**
   * Runs to the end. The checkpoint is deleted when the copy is complete, so the next run starts over
   * (and skips what is there).
   *
   * @return what the run copied, inserted and retried
   * @throws CheckpointMismatchException when the checkpoint is of other databases or another direction
   * @throws dev.heartbeatstore.StoreUnavailableException when a side stayed unreachable for the give-up time
   */
  public Result run() {
    long started = System.nanoTime();
    Retry retry = new Retry(giveUpAfter);
    Throttle throttle = new Throttle(rowsPerSecond);
    int batch = throttle.batchSize(batchSize);
    long heartbeatsInserted = 0;
    long monitorsInserted = 0;
    long heartbeatsCopied = 0;
    long monitorsCopied = 0;
    boolean resumed;
    boolean bulkMode;
    long copyStarted;
    long copyEnded;
    long indexesEnded;
    try (ReadAhead ahead = new ReadAhead();
        TableAccess source = retry.call(from, "open", () -> Backends.openTableAccess(config, from));
        TableAccess target = retry.call(to, "open", () -> Backends.openTableAccess(config, to));
        // The journal of the live service's writes into the target is kept in the source's database.
        LagGuard guard = LagGuard.open(config, from)) {
      String fromIdentity = retry.call(from, "read its identity", source::databaseIdentity);
      String toIdentity = retry.call(to, "read its identity", target::databaseIdentity);
      if (restart) {
        Checkpoint.delete(checkpoint);
      }
      Checkpoint saved = Checkpoint.load(checkpoint, from, to, fromIdentity, toIdentity);
      resumed = saved != null;
      Checkpoint state = saved != null ? saved : Checkpoint.start(from, to, fromIdentity, toIdentity);
      // Bulk mode once asked for stays on until the indexes are built: by this run, or the next one.
      List<String> pendingIndexes = retry.call(to, "read its pending indexes", target::pendingIndexes);
      bulkMode = target.supportsBulkLoad() && (bulk || state.bulk() || !pendingIndexes.isEmpty());
      if (bulkMode) {
        state = state.inBulkMode();
        state.save(checkpoint);
        retry.call(to, "drop its secondary indexes for the bulk copy", target::beginBulkLoad);
      }
      copyStarted = System.nanoTime();
      if (!state.monitorsDone()) {
        long total = retry.call(from, "count monitors", source::countMonitors);
        UUID cursor = state.monitorCursor();
        while (true) {
          UUID after = cursor;
          List<HeartbeatMonitor> page = retry.call(from, "read monitors after " + after,
              () -> source.monitorsAfter(after, batch));
          if (page.isEmpty()) {
            break;
          }
          throttle.acquire(page.size());
          guard.awaitTurn();
          monitorsInserted += retry.call(to, "insert " + page.size() + " monitors",
              () -> target.insertMonitorsIfAbsent(page));
          monitorsCopied += page.size();
          cursor = page.get(page.size() - 1).id();
          state = state.afterMonitors(cursor, page.size());
          state.save(checkpoint);
          report("heartbeat_monitors", state.monitorsCopied(), monitorsCopied, monitorsInserted, total, copyStarted);
        }
        state = state.monitorsFinished();
        state.save(checkpoint);
      }

      long total = retry.call(from, "count heartbeats", source::countHeartbeats);
      HeartbeatCursor first = state.heartbeatCursor();
      // Read the next page while the target writes this one: the two databases work at the same time.
      guard.awaitTurn();
      int firstSize = guard.batchSize(batch);
      List<Heartbeat> page = retry.call(from, "read heartbeats after " + first,
          () -> source.heartbeatsAfter(first, firstSize));
      while (!page.isEmpty()) {
        HeartbeatCursor next = cursorOf(page.get(page.size() - 1));
        int nextSize = guard.batchSize(batch); // smaller while the live service writes into the target
        CompletableFuture<List<Heartbeat>> reading = ahead.start(
            () -> retry.call(from, "read heartbeats after " + next, () -> source.heartbeatsAfter(next, nextSize)));
        int inserted;
        try {
          throttle.acquire(page.size());
          guard.awaitTurn();
          List<Heartbeat> rows = page;
          long writing = System.nanoTime();
          inserted = retry.call(to, "insert " + rows.size() + " heartbeats", () -> target.insertHeartbeatsIfAbsent(rows));
          guard.rest(System.nanoTime() - writing);
        } catch (RuntimeException e) {
          reading.cancel(true);
          throw e;
        }
        heartbeatsInserted += inserted;
        heartbeatsCopied += page.size();
        state = state.afterHeartbeats(next, page.size());
        state.save(checkpoint);
        report("heartbeats", state.heartbeatsCopied(), heartbeatsCopied, heartbeatsInserted, total, copyStarted);
        page = ReadAhead.join(reading);
      }
      copyEnded = System.nanoTime();
      if (bulkMode) {
        guard.awaitTurn();
        retry.run(to, "build its secondary indexes", target::finishBulkLoad);
      }
      indexesEnded = System.nanoTime();
    }
    Checkpoint.delete(checkpoint);
    return new Result(heartbeatsCopied, heartbeatsInserted, monitorsCopied, monitorsInserted, resumed,
        Duration.ofNanos(System.nanoTime() - started), Duration.ofNanos(copyEnded - copyStarted), retry.retries(),
        bulkMode, Duration.ofNanos(indexesEnded - copyEnded));
  }

  private void report(String table, long copied, long copiedThisRun, long inserted, long total, long started) {
    progress.accept(new Progress(table, copied, copiedThisRun, inserted, total,
        Duration.ofNanos(System.nanoTime() - started)));
  }

  private static HeartbeatCursor cursorOf(Heartbeat h) {
    return new HeartbeatCursor(h.timestamp(), h.id());
  }

  /** Options of a backfill. */
  public static final class Builder {
    private final HeartbeatStoreConfig config;
    private String from;
    private String to;
    private int batchSize = 5000;
    private Path checkpoint;
    private boolean restart;
    private long rowsPerSecond;
    private Duration giveUpAfter = MigrationArguments.DEFAULT_GIVE_UP_AFTER;
    private boolean bulk;
    private Consumer<Progress> progress = p -> {};

    private Builder(HeartbeatStoreConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      this.from = config.hedgingPrimary();
      this.to = config.hedgingSecondary();
    }

    /**
     * The backend to copy from; default the hedging primary.
     *
     * @param backend {@code postgres} or {@code turso} ({@code libsql} accepted), any case
     * @return this builder
     * @throws IllegalArgumentException naming {@code from} for any other value
     */
    public Builder from(String backend) {
      this.from = MigrationArguments.backend("from", backend);
      return this;
    }

    /**
     * The backend to copy to; default the hedging secondary.
     *
     * @param backend {@code postgres} or {@code turso} ({@code libsql} accepted), any case
     * @return this builder
     * @throws IllegalArgumentException naming {@code to} for any other value
     */
    public Builder to(String backend) {
      this.to = MigrationArguments.backend("to", backend);
      return this;
    }

    /**
     * Rows per batch (default 5000).
     *
     * @param batchSize 1..10000
     * @return this builder
     * @throws IllegalArgumentException naming {@code batchSize} when out of range
     */
    public Builder batchSize(int batchSize) {
      this.batchSize = MigrationArguments.batchSize(batchSize);
      return this;
    }

    /**
     * Where to save progress.
     *
     * @param checkpoint the checkpoint file; null: none (a killed run starts over, skipping what is there)
     * @return this builder
     */
    public Builder checkpoint(Path checkpoint) {
      this.checkpoint = checkpoint;
      return this;
    }

    /**
     * Ignore (and replace) any saved checkpoint: copy from the first row again, skipping what is there.
     *
     * @param restart true to start over; false (the default) resumes from the checkpoint
     * @return this builder
     */
    public Builder restart(boolean restart) {
      this.restart = restart;
      return this;
    }

    /**
     * At most this many rows per second on average.
     *
     * @param rowsPerSecond the limit; 0 (the default): as fast as the databases go
     * @return this builder
     * @throws IllegalArgumentException when negative
     */
    public Builder rowsPerSecond(long rowsPerSecond) {
      this.rowsPerSecond = MigrationArguments.rate(rowsPerSecond);
      return this;
    }

    /**
     * How long a side may stay unreachable (every try timing out or refused) before the run fails.
     *
     * @param giveUpAfter 0 or more (default 5 min)
     * @return this builder
     * @throws IllegalArgumentException naming {@code give-up-after} when null or negative
     */
    public Builder giveUpAfter(Duration giveUpAfter) {
      this.giveUpAfter = MigrationArguments.giveUpAfter(giveUpAfter);
      return this;
    }

    /**
     * Bulk mode, for a target that is empty or nearly so: its secondary indexes are dropped before the
     * copy and built after it, which is several times faster than keeping them up to date. Recorded in the
     * checkpoint and in the target database itself: until they are built, {@code heartbeat doctor} says so
     * and the target cannot be opened as a plain store or the hedging primary (it still serves as the
     * hedging secondary); any later backfill into it finishes them. A no-op on a PostgreSQL target.
     *
     * @param bulk true for bulk mode; false (the default) keeps the indexes
     * @return this builder
     */
    public Builder bulk(boolean bulk) {
      this.bulk = bulk;
      return this;
    }

    /**
     * Called on the running thread after each batch.
     *
     * @param progress the listener; default none
     * @return this builder
     * @throws NullPointerException if {@code progress} is null
     */
    public Builder progress(Consumer<Progress> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * The backfill, checked.
     *
     * @return the backfill, ready to {@link Backfill#run()}
     * @throws IllegalArgumentException when {@code from} and {@code to} are the same backend
     */
    public Backfill build() {

      if (from.equals(to)) {
        throw new IllegalArgumentException("from and to must be different backends, both are " + from);
      }
      return new Backfill(this);
    }
  }
}
