package dev.heartbeatstore.cli;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.migration.Verifier;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Compare both sides row by row while the service keeps writing (the primary is the source of truth).",
        "Only settled rows are compared: monitors not updated, and heartbeats not timestamped, within the last "
            + "--settle. A row the scan finds different is read again by id on both sides before it is reported; "
            + "a row with a journal entry pending on either side is a write in flight, not a difference.",
        "Exit 0: every settled row agrees. 3: confirmed differences, or candidates that could not be confirmed "
            + "(a journal holds more than 100000 pending entries). 1: a side stayed unreachable for "
            + "--give-up-after. 2: bad arguments."})
final class VerifyCommand extends ConfiguredCommand {

  private static final int SHOWN = 10;

  @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "1m", converter = DurationConverter.class,
      description = "compare only rows whose last change is older than this (default ${DEFAULT-VALUE}); "
          + "0 compares everything")
  Duration settle;

  @Option(names = "--since", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "compare only heartbeats with a timestamp, and monitors updated, within this last stretch "
          + "of time, e.g. 2h (default: all)")
  Duration since;

  @Option(names = "--repair", description = "make the secondary agree with the primary on each confirmed difference, "
      + "without destroying data: copies rows insert-if-absent (monitors: the newer updatedAt wins); deletes a row "
      + "from the secondary only when a fresh read shows the primary still lacks it, it is settled and no journal "
      + "entry is pending for it on either side. Then verifies again; the exit code is that verify's")
  boolean repair;

  @Option(names = "--batch-size", defaultValue = "5000", description = "rows per page (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--give-up-after", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
      description = "a page that times out or finds a side unavailable is tried again with backoff; exit 1 once "
          + "a side has been unreachable this long (default ${DEFAULT-VALUE})")
  Duration giveUpAfter;

  @Override
  public Integer call() {
    PrintWriter out = out();
    HeartbeatStoreConfig config = settings().build();
    Verifier.Report report = verifier(config, repair).run();
    print(out, report);
    if (repair && !report.identical()) {
      Verifier.Report after = verifier(config, false).run();
      out.println("after repair:");
      print(out, after);
      return after.identical() ? HeartbeatCli.OK : HeartbeatCli.DIFFERENT;
    }
    return report.identical() ? HeartbeatCli.OK : HeartbeatCli.DIFFERENT;
  }

  private Verifier verifier(HeartbeatStoreConfig config, boolean repairing) {
    return Verifier.builder(config).batchSize(batchSize).settle(settle).since(since).giveUpAfter(giveUpAfter)
        .repair(repairing).build();
  }

  static void print(PrintWriter out, Verifier.Report r) {
    out.printf("verify %s (primary) against %s (secondary), %.1f s%n", r.primary(), r.secondary(),
        r.took().toNanos() / 1e9);
    out.printf("  rows compared: last changed at or before %s%s%n", r.settledBefore(),
        r.since() == null ? "" : " and at or after " + r.since());
    line(out, "heartbeats", r.heartbeats());
    line(out, "monitors", r.monitors());
    candidates(out, "heartbeats", r.heartbeatCandidates());
    candidates(out, "monitors", r.monitorCandidates());
    out.printf("  per user and owner: %d compared, %d differ in the scan%n", r.groupsCompared(),
        r.differingGroups().size());
    if (!r.identical()) {
      r.differingGroups().stream().limit(SHOWN).forEach(g -> out.printf("    userId=%s owner=%s: %d vs %d heartbeats%s%n",
          g.userId(), g.owner(), g.primaryCount(), g.secondaryCount(),
          g.primaryCount() == g.secondaryCount() ? " (contents differ)" : ""));
    }
    ids(out, "heartbeat", "missing on the secondary", r.heartbeats().missing());
    ids(out, "heartbeat", "different", r.heartbeats().different());
    ids(out, "heartbeat", "only on the secondary", r.heartbeats().extra());
    ids(out, "monitor", "missing on the secondary", r.monitors().missing());
    ids(out, "monitor", "different", r.monitors().different());
    ids(out, "monitor", "only on the secondary", r.monitors().extra());
    if (r.retries() > 0) {
      out.printf("  %d calls tried again after a timeout or an unavailable side%n", r.retries());
    }
    for (String note : r.notes()) {
      out.println("  note: " + note);
    }
    if (r.repaired()) {
      Verifier.Repairs p = r.repairs();
      out.printf("  repaired: %d heartbeats and %d monitors copied, %d heartbeats and %d monitors deleted on the "
          + "secondary; %d left alone%n", p.heartbeatsCopied(), p.monitorsCopied(), p.heartbeatsDeleted(),
          p.monitorsDeleted(), p.notRepairedCount());
      p.notRepaired().stream().limit(SHOWN).forEach(n -> out.println("    left alone: " + n));
    }
    long unconfirmable = r.heartbeatCandidates().unconfirmable() + r.monitorCandidates().unconfirmable();
    if (unconfirmable > 0) {
      out.printf("  %d candidates could not be confirmed: a journal holds more than 100000 pending entries, so "
          + "whether a write of them is in flight is unknown; drain it (heartbeat journal --drain) and verify again%n",
          unconfirmable);
    }
    boolean differences = !r.heartbeats().identical() || !r.monitors().identical();
    out.println(r.identical() ? "IDENTICAL" : differences ? "DIFFERENT" : "NOT SETTLED");
  }

  private static void line(PrintWriter out, String what, Verifier.Differences d) {
    out.printf("  %-10s primary %d, secondary %d; missing %d, different %d, only on secondary %d%s%n", what + ":",
        d.primaryRows(), d.secondaryRows(), d.missing().size(), d.different().size(), d.extra().size(),
        d.truncated() ? " (more than shown: run a backfill first)" : "");
  }

  private static void candidates(PrintWriter out, String what, Verifier.Confirmation c) {
    if (c.candidates() == 0) {
      return;
    }
    out.printf("  %s the scan found different: %d; equal when read again %d, pending in a journal %d, "
        + "changed meanwhile %d, undecided %d%n", what, c.candidates(), c.agreedOnReread(), c.pendingInJournal(),
        c.changedMeanwhile(), c.unconfirmable());
  }

  private static void ids(PrintWriter out, String kind, String how, List<UUID> ids) {
    ids.stream().limit(SHOWN).forEach(id -> out.printf("    %s %s %s%n", kind, id, how));
    if (ids.size() > SHOWN) {
      out.printf("    … and %d more%n", ids.size() - SHOWN);
    }
  }
}
