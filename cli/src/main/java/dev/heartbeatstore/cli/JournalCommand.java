package dev.heartbeatstore.cli;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.hedging.JournalDrain;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.spi.ReplicationAccess.DeadLetter;
import dev.heartbeatstore.spi.ReplicationAccess.Stats;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "journal", mixinStandardHelpOptions = true,
    description = {"Show the hedging journal of each side: entries the other side has not received yet (depth), "
        + "the age of the oldest (lag) and the dead letters (entries the other side refused).",
        "With --drain, apply the pending entries now and exit 0 once every entry pending at the start is applied, "
            + "1 if that did not happen within --timeout (here: the whole drain's time, default 5m). Safe while "
            + "services write: a running service's relay keeps its work, the drain waits for it.",
        "Needs DATABASE_URL and TURSO_DATABASE_URL (both sides of the hedging backend)."})
final class JournalCommand extends ConfiguredCommand {

  private static final int SHOWN_DEAD_LETTERS = 10;

  @Option(names = "--drain", description = "apply the pending entries now (both directions)")
  boolean drain;

  /** With --drain, {@code --timeout} bounds the whole drain (default 5m), not each operation. */
  private static final String DEFAULT_DRAIN_TIMEOUT = "5m";

  @Override
  public Integer call() {
    PrintWriter out = out();
    String drainTimeout = connection.timeout != null ? connection.timeout : DEFAULT_DRAIN_TIMEOUT;
    connection.timeout = null;
    HeartbeatStoreConfig config = settings().backend(HeartbeatStoreConfig.HEDGING).build();
    Duration timeout = HeartbeatStoreConfig.parseDuration("--timeout", drainTimeout);
    String primary = config.hedgingPrimary();
    String secondary = config.hedgingSecondary();
    try (ReplicationAccess primarySide = Backends.openReplicationAccess(config, primary)) {
      ReplicationAccess secondarySide;
      try {
        secondarySide = Backends.openReplicationAccess(config, secondary);
      } catch (HeartbeatStoreException e) {
        // Watching the journal matters most while the secondary is down.
        print(out, ConnectionOptions.describe(config, primary), primarySide, secondary);
        out.printf("%s: NOT reachable (%s); its journal and the drain wait for it%n",
            ConnectionOptions.describe(config, secondary), e.getMessage());
        return drain ? HeartbeatCli.UNAVAILABLE : HeartbeatCli.OK;
      }
      try (secondarySide) {
        boolean drained = true;
        if (drain) {
          long deadline = System.nanoTime() + timeout.toNanos();
          // The primary's journal first; a secondary's own journal exists during a rolling flip.
          drained = JournalDrain.drain(primarySide, secondarySide, timeout)
              && JournalDrain.drain(secondarySide, primarySide,
                  Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        print(out, ConnectionOptions.describe(config, primary), primarySide, secondary);
        print(out, ConnectionOptions.describe(config, secondary), secondarySide, primary);
        if (drain) {
          out.println(drained ? "drained: every entry pending at the start has been applied"
              : "NOT drained within " + drainTimeout + ": entries are still pending (is the other side reachable?)");
          return drained ? HeartbeatCli.OK : HeartbeatCli.UNAVAILABLE;
        }
        return HeartbeatCli.OK;
      }
    }
  }

  private static void print(PrintWriter out, String side, ReplicationAccess journal, String other) {
    Stats s = journal.stats();
    if (s.depth() == 0) {
      out.printf("journal of %s → %s: empty (lag 0 s)", side, other);
    } else {
      out.printf("journal of %s → %s: depth %d, lag %.1f s, oldest entry seq %d", side, other, s.depth(),
          s.lag().toMillis() / 1000.0, s.oldestSeq());
    }
    out.printf(", dead letters %d%n", s.deadLetters());
    if (s.deadLetters() > 0) {
      List<DeadLetter> dead = journal.deadLetters(SHOWN_DEAD_LETTERS);
      for (DeadLetter d : dead) {
        out.printf("  dead letter seq %d: %s %s, refused at %s: %s%n", d.entry().seq(), d.entry().entity().code(),
            d.entry().key(), Instant.ofEpochMilli(d.failedAtMillis()), d.reason());
      }
      if (s.deadLetters() > dead.size()) {
        out.printf("  … and %d more%n", s.deadLetters() - dead.size());
      }
    }
  }
}
