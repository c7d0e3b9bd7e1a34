package dev.heartbeatstore.cli;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.migration.Verifier;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Compare both sides row by row (per user and owner: counts and a content hash; then the differing rows). "
        + "Exit 0 only when identical, 3 when they differ.")
final class VerifyCommand extends ConfiguredCommand {

  private static final int SHOWN = 10;

  @Option(names = "--repair", description = "copy what is missing or different from the primary to the secondary, "
      + "delete what the primary does not have, then verify again")
  boolean repair;

  @Option(names = "--batch-size", defaultValue = "5000", description = "rows per page (default ${DEFAULT-VALUE})")
  int batchSize;

  @Override
  public Integer call() {
    PrintWriter out = out();
    HeartbeatStoreConfig config = settings().build();
    Verifier.Report report = Verifier.builder(config).batchSize(batchSize).repair(repair).build().run();
    print(out, report);
    if (repair && !report.identical()) {
      Verifier.Report after = Verifier.builder(config).batchSize(batchSize).build().run();
      out.println("after repair:");
      print(out, after);
      return after.identical() ? HeartbeatCli.OK : HeartbeatCli.DIFFERENT;
    }
    return report.identical() ? HeartbeatCli.OK : HeartbeatCli.DIFFERENT;
  }

  static void print(PrintWriter out, Verifier.Report r) {
    out.printf("verify %s (primary) against %s (secondary), %.1f s%n", r.primary(), r.secondary(),
        r.took().toNanos() / 1e9);
    line(out, "heartbeats", r.heartbeats());
    line(out, "monitors", r.monitors());
    out.printf("  per user and owner: %d compared, %d differ%n", r.groupsCompared(), r.differingGroups().size());
    r.differingGroups().stream().limit(SHOWN).forEach(g -> out.printf("    userId=%s owner=%s: %d vs %d heartbeats%s%n",
        g.userId(), g.owner(), g.primaryCount(), g.secondaryCount(),
        g.primaryCount() == g.secondaryCount() ? " (contents differ)" : ""));
    ids(out, "heartbeat", "missing on the secondary", r.heartbeats().missing());
    ids(out, "heartbeat", "different", r.heartbeats().different());
    ids(out, "heartbeat", "only on the secondary", r.heartbeats().extra());
    ids(out, "monitor", "missing on the secondary", r.monitors().missing());
    ids(out, "monitor", "different", r.monitors().different());
    ids(out, "monitor", "only on the secondary", r.monitors().extra());
    if (r.repaired() && !r.identical()) {
      out.println("  repaired: the secondary was made equal to the primary");
    }
    out.println(r.identical() ? "IDENTICAL" : "DIFFERENT");
  }

  private static void line(PrintWriter out, String what, Verifier.Differences d) {
    out.printf("  %-10s primary %d, secondary %d; missing %d, different %d, only on secondary %d%s%n", what + ":",
        d.primaryRows(), d.secondaryRows(), d.missing().size(), d.different().size(), d.extra().size(),
        d.truncated() ? " (more than shown: run a backfill first)" : "");
  }

  private static void ids(PrintWriter out, String kind, String how, List<UUID> ids) {
    ids.stream().limit(SHOWN).forEach(id -> out.printf("    %s %s %s%n", kind, id, how));
    if (ids.size() > SHOWN) {
      out.printf("    … and %d more%n", ids.size() - SHOWN);
    }
  }
}
