package dev.heartbeatstore.migration;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Compares two backends while the service keeps writing to them. Both are scanned in the same global
 * order and merged; only <b>settled</b> rows are compared: those whose last change is older than the
 * settle window (monitors by {@code updatedAt}, heartbeats — immutable — by {@code timestamp}). A row
 * the scan finds different is only a <b>candidate</b>: it is read again by id on both sides, twice,
 * with both sides' hedging journals read in between, and is reported only when it differs the same way
 * both times, no journal entry for it is pending on either side, and it is still settled. A write in
 * flight (hedging's async queue, the journal's relay) is therefore never reported.
 *
 * <p>With {@link Builder#repair(boolean)} it then makes the secondary agree with the primary, for the
 * confirmed differences only, without ever destroying data: rows are copied insert-if-absent, monitors
 * last-writer-wins on {@code updatedAt}; a row is deleted from the secondary only when a fresh read shows
 * the primary still lacks it, it is settled, and no journal entry is pending for it on either side.
 *
 * <p>Memory stays bounded whatever the table sizes: pages of {@code batchSize} rows per side,
 * candidates confirmed {@value #CONFIRM_BATCH} at a time, at most {@code maxDifferences} ids kept for
 * the report, and at most {@value Side#MAX_PENDING} journal entries per side.
 */
public final class Verifier {

  /** Candidates read again and decided together. */
  static final int CONFIRM_BATCH = 1000;

  /**
   * The confirmed differences of one kind of row. {@code primaryRows}/{@code secondaryRows} count the
   * settled rows in scope that each side's scan read. The id lists hold at most the builder's
   * {@code maxDifferences}; {@code truncated} says when there were more.
   *
   * @param primaryRows   settled rows in scope the primary's scan read
   * @param secondaryRows settled rows in scope the secondary's scan read
   * @param missing       ids on the primary and not on the secondary (confirmed)
   * @param extra         ids on the secondary and not on the primary (confirmed)
   * @param different     ids on both sides with different contents (confirmed)
   * @param truncated     true when there were more differing ids than the lists hold
   */
  public record Differences(long primaryRows, long secondaryRows, List<UUID> missing, List<UUID> extra,
                            List<UUID> different, boolean truncated) {
    /**
     * No confirmed difference of this kind of row.
     *
     * @return true when the three lists are empty and nothing was cut off
     */
    public boolean identical() {
      return !truncated && missing.isEmpty() && extra.isEmpty() && different.isEmpty();
    }
  }

  /**
   * What became of the rows the scan found different ({@code candidates}): equal when read again,
   * pending in a journal (a write in flight), changed while being confirmed or since the settle cut-off,
   * or impossible to confirm because a journal held more than {@value Side#MAX_PENDING} entries. The
   * rest are the confirmed differences.
   *
   * @param candidates       rows the scan found different
   * @param agreedOnReread   of those, equal on both sides when read again
   * @param pendingInJournal of those, with a journal entry pending (a write in flight)
   * @param changedMeanwhile of those, changed while being confirmed or after the settle cut-off
   * @param unconfirmable    of those, not decidable because a journal held too many entries to read
   */
  public record Confirmation(long candidates, long agreedOnReread, long pendingInJournal, long changedMeanwhile,
                             long unconfirmable) {
    static final Confirmation NONE = new Confirmation(0, 0, 0, 0, 0);
  }

  /**
   * Rows each side's scan has read so far of one table, after each page.
   *
   * @param table         {@code heartbeats} or {@code heartbeat_monitors}
   * @param primaryRows   rows the primary's scan has read
   * @param secondaryRows rows the secondary's scan has read
   */
  public record Progress(String table, long primaryRows, long secondaryRows) {}

  /**
   * Per (user, owner): how many settled heartbeats each side's scan read, and whether their contents hash the same.
   *
   * @param userId         the user
   * @param owner          the phone
   * @param primaryCount   heartbeats of that pair the primary's scan read
   * @param secondaryCount heartbeats of that pair the secondary's scan read
   * @param primaryHash    a hash of those heartbeats' contents on the primary
   * @param secondaryHash  the same hash on the secondary
   */
  public record GroupDifference(String userId, String owner, long primaryCount, long secondaryCount,
                                long primaryHash, long secondaryHash) {}

  /**
   * What a repair did, and the confirmed differences it left alone, each with the reason.
   *
   * @param heartbeatsCopied  heartbeats copied primary → secondary
   * @param heartbeatsDeleted heartbeats deleted from the secondary (the primary settledly lacks them)
   * @param monitorsCopied    monitors copied primary → secondary
   * @param monitorsDeleted   monitors deleted from the secondary
   * @param notRepaired       confirmed differences left alone, each with its reason (at most a few are kept)
   * @param notRepairedCount  how many confirmed differences were left alone in all
   */
  public record Repairs(long heartbeatsCopied, long heartbeatsDeleted, long monitorsCopied, long monitorsDeleted,
                        List<String> notRepaired, long notRepairedCount) {
    static final Repairs NONE = new Repairs(0, 0, 0, 0, List.of(), 0);
  }

  /**
   * The outcome: identical when no confirmed difference remains to report and every candidate could be
   * decided. {@code settledBefore}: rows changed after it were not compared; {@code since}: rows changed
   * before it were not compared (null: no lower bound). {@code notes} say what the run could not use
   * (e.g. a side without a journal); {@code retries} counts calls tried again after a timeout or an
   * unavailable side.
   *
   * @param primary             the side taken as the source of truth
   * @param secondary           the side compared with it (and repaired)
   * @param settledBefore       rows changed after this instant were not compared
   * @param since               rows changed before this instant were not compared; null: no lower bound
   * @param heartbeats          the confirmed differences among heartbeats
   * @param monitors            the confirmed differences among monitors
   * @param heartbeatCandidates what became of the heartbeats the scan found different
   * @param monitorCandidates   what became of the monitors the scan found different
   * @param groupsCompared      (user, owner) pairs whose heartbeats were compared by count and hash
   * @param differingGroups     the pairs whose count or hash differed
   * @param repaired            whether this run repaired
   * @param repairs             what the repair did; {@code Repairs.NONE} without repair
   * @param notes               what the run could not use, in words
   * @param retries             calls tried again after a timeout or an unavailable side
   * @param took                how long the run took
   */
  public record Report(String primary, String secondary, Instant settledBefore, Instant since,
                       Differences heartbeats, Differences monitors,
                       Confirmation heartbeatCandidates, Confirmation monitorCandidates,
                       long groupsCompared, List<GroupDifference> differingGroups,
                       boolean repaired, Repairs repairs, List<String> notes, long retries, Duration took) {
    /**
     * Both kinds of row agree and every candidate could be decided.
     *
     * @return true when no confirmed difference remains to report
     */
    public boolean identical() {
      return heartbeats.identical() && monitors.identical()
          && heartbeatCandidates.unconfirmable() == 0 && monitorCandidates.unconfirmable() == 0;
    }
  }

  private final HeartbeatStoreConfig config;
  private final String primary;
  private final String secondary;
  private final int batchSize;
  private final boolean repair;
  private final int maxDifferences;
  private final Duration settle;
  private final Duration since;
  private final Duration giveUpAfter;
  private final Consumer<Progress> progress;

  private Verifier(Builder b) {
    this.config = b.config;
    this.primary = b.primary;
    this.secondary = b.secondary;
    this.batchSize = b.batchSize;
    this.repair = b.repair;
    this.maxDifferences = b.maxDifferences;
    this.settle = b.settle;
    this.since = b.since;
    this.giveUpAfter = b.giveUpAfter;
    this.progress = b.progress;
  }

  /**
   * A verifier of the two sides {@code config} reaches ({@code DATABASE_URL}, {@code TURSO_DATABASE_URL}), the hedging
   * primary as the source of truth unless {@link Builder#primary} says otherwise.
   *
   * @param config the settings of both sides
   * @return a builder with the defaults: settle 1 minute, batches of 5,000, no repair
   */
  public static Builder builder(HeartbeatStoreConfig config) {
    return new Builder(config);
  }

  /**
   * Compares (and with repair, repairs the confirmed differences as they are found); the differences
   * in the report are those found, before their repair.
   *
   * @return the report
   * @throws dev.heartbeatstore.HeartbeatStoreException when a side stays unreachable longer than give-up-after
   */
  public Report run() {
    long started = System.nanoTime();
    Instant now = config.clock().instant().truncatedTo(ChronoUnit.MICROS);
    Instant settledBefore = now.minus(settle);
    Instant from = since == null ? null : now.minus(since);
    Retry retry = new Retry(giveUpAfter);
    try (Side p = Side.open(config, primary, retry); Side s = Side.open(config, secondary, retry)) {
      if (repair) {
        // Repairs write into the secondary, beside the live service's writes: they wait while its journal lags.
        s.guardWrites(LagGuard.open(config, primary));
      }
      List<String> notes = new ArrayList<>();
      for (Side side : List.of(p, s)) {
        if (side.journalProblem() != null) {
          notes.add(side.name + " has no journal to consult (" + side.journalProblem()
              + "): writes in flight to or from it are told apart by reading again only");
        }
      }
      Window window = new Window(settledBefore, from);
      Groups groups = new Groups();
      Confirmer<Heartbeat> hb = new Confirmer<>(HEARTBEATS, p, s, window, repair, maxDifferences);
      Merge merge = new Merge(batchSize, progress);
      merge.heartbeats(p, s, window, hb, groups);
      hb.flush();
      Confirmer<HeartbeatMonitor> mon = new Confirmer<>(MONITORS, p, s, window, repair, maxDifferences);
      merge.monitors(p, s, window, mon);
      mon.flush();

      List<String> notRepaired = new ArrayList<>(hb.notRepaired);
      notRepaired.addAll(mon.notRepaired);
      Repairs repairs = new Repairs(hb.copied, hb.deleted, mon.copied, mon.deleted,
          List.copyOf(notRepaired.subList(0, Math.min(Confirmer.MAX_NOTES, notRepaired.size()))),
          hb.notRepairedCount + mon.notRepairedCount);
      return new Report(primary, secondary, settledBefore, from, hb.differences(), mon.differences(),
          hb.confirmation(), mon.confirmation(), groups.size(), groups.differing(), repair, repairs,
          List.copyOf(notes), retry.retries(), Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** Which rows are compared: settled (last change at or before {@code settledBefore}) and, with --since, changed at or after {@code from}. */
  record Window(Instant settledBefore, Instant from) {
    boolean settled(Instant lastChange) {
      return !lastChange.isAfter(settledBefore);
    }

    boolean inScope(Instant lastChange) {
      return from == null || !lastChange.isBefore(from);
    }
  }

  // ------------------------------------------------------------------ the two kinds of rows

  private static final Kind<Heartbeat> HEARTBEATS = new Kind.Heartbeats();
  private static final Kind<HeartbeatMonitor> MONITORS = new Kind.Monitors();

  /** Options of a verification. */
  /** Settings of one verify run; every setter checks its value before any I/O. */
  public static final class Builder {
    private final HeartbeatStoreConfig config;
    private String primary;
    private String secondary;
    private int batchSize = 5000;
    private boolean repair;
    private int maxDifferences = 100_000;
    private Duration settle = MigrationArguments.DEFAULT_SETTLE;
    private Duration since;
    private Duration giveUpAfter = MigrationArguments.DEFAULT_GIVE_UP_AFTER;
    private Consumer<Progress> progress = p -> {};

    private Builder(HeartbeatStoreConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      this.primary = config.hedgingPrimary();
      this.secondary = config.hedgingSecondary();
    }

    /**
     * Called after each page either side's scan reads.
     *
     * @param progress the callback
     * @return this builder
     */
    public Builder progress(Consumer<Progress> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * The source of truth.
     *
     * @param backend {@code postgres} or {@code turso}; default the hedging primary
     * @return this builder
     */
    public Builder primary(String backend) {
      this.primary = MigrationArguments.backend("primary", backend);
      return this;
    }

    /**
     * The side compared with the primary (and repaired).
     *
     * @param backend {@code postgres} or {@code turso}; default the hedging secondary
     * @return this builder
     */
    public Builder secondary(String backend) {
      this.secondary = MigrationArguments.backend("secondary", backend);
      return this;
    }

    /**
     * Rows per page of each side's scan.
     *
     * @param batchSize at least 1; default 5,000
     * @return this builder
     */
    public Builder batchSize(int batchSize) {
      this.batchSize = MigrationArguments.batchSize(batchSize);
      return this;
    }

    /**
     * Make the secondary agree with the primary on every confirmed difference, never destroying data.
     *
     * @param repair true to repair; default false
     * @return this builder
     */
    public Builder repair(boolean repair) {
      this.repair = repair;
      return this;
    }

    /**
     * How many differing ids to keep per kind of row for the report.
     *
     * @param maxDifferences at least 1; default 100,000
     * @return this builder
     */
    public Builder maxDifferences(int maxDifferences) {
      if (maxDifferences < 1) {
        throw new IllegalArgumentException("maxDifferences must be at least 1, was " + maxDifferences);
      }
      this.maxDifferences = maxDifferences;
      return this;
    }

    /**
     * Rows whose last change is more recent than this are not compared.
     *
     * @param settle default 1 minute; 0: all rows
     * @return this builder
     */
    public Builder settle(Duration settle) {
      this.settle = MigrationArguments.window("settle", settle);
      return this;
    }

    /**
     * Only heartbeats with a timestamp, and monitors updated, in this last stretch of time.
     *
     * @param since the stretch; null: all rows
     * @return this builder
     */
    public Builder since(Duration since) {
      this.since = since == null ? null : MigrationArguments.window("since", since);
      return this;
    }

    /**
     * How long a side may stay unreachable before the run fails.
     *
     * @param giveUpAfter default 5 minutes
     * @return this builder
     */
    public Builder giveUpAfter(Duration giveUpAfter) {
      this.giveUpAfter = MigrationArguments.giveUpAfter(giveUpAfter);
      return this;
    }

    /**
     * The verifier.
     *
     * @return a verifier with these settings
     * @throws IllegalArgumentException when primary and secondary are the same backend
     */
    public Verifier build() {
      if (primary.equals(secondary)) {
        throw new IllegalArgumentException("primary and secondary must be different backends, both are " + primary);
      }
      return new Verifier(this);
    }
  }
}
