package dev.heartbeatstore.migration;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.migration.Verifier.Progress;
import dev.heartbeatstore.migration.Verifier.Window;
import dev.heartbeatstore.spi.TableAccess.HeartbeatCursor;
import java.util.Comparator;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The verifier's scans: both sides read in the same global order, {@code batchSize} rows a page, and merged; every
 * settled row in scope that differs (or is on one side only) goes to the {@link Confirmer} as a candidate.
 */
final class Merge {

  private static final Comparator<Heartbeat> HEARTBEAT_ORDER = Comparator
      .comparing(Heartbeat::timestamp)
      .thenComparing(h -> h.id().toString());
  private static final Comparator<HeartbeatMonitor> MONITOR_ORDER = Comparator.comparing(m -> m.id().toString());

  private final int batchSize;
  private final Consumer<Progress> progress;

  Merge(int batchSize, Consumer<Progress> progress) {
    this.batchSize = batchSize;
    this.progress = progress;
  }

  /**
   * Heartbeats in {@code (timestamp, id)} order from the window's start, stopping at the settle cut-off:
   * every row read is settled and in scope.
   */
  void heartbeats(Side p, Side s, Window window, Confirmer<Heartbeat> confirmer, Groups groups) {
    HeartbeatCursor start = window.from() == null ? null : Side.justBefore(window.from(), new UUID(0, 0));
    Scan<Heartbeat, HeartbeatCursor> ps = new Scan<>(start, c -> p.tables.heartbeatsAfter(c, batchSize), p,
        h -> new HeartbeatCursor(h.timestamp(), h.id()), h -> window.settled(h.timestamp()));
    Scan<Heartbeat, HeartbeatCursor> ss = new Scan<>(start, c -> s.tables.heartbeatsAfter(c, batchSize), s,
        h -> new HeartbeatCursor(h.timestamp(), h.id()), h -> window.settled(h.timestamp()));
    reportPages("heartbeats", ps, ss);
    Heartbeat a = ps.next();
    Heartbeat b = ss.next();
    while (a != null || b != null) {
      int cmp = a == null ? 1 : b == null ? -1 : HEARTBEAT_ORDER.compare(a, b);
      if (cmp < 0) {
        groups.add(a, 0);
        confirmer.primaryRows++;
        confirmer.candidate(a.id(), a, null);
        a = ps.next();
      } else if (cmp > 0) {
        groups.add(b, 1);
        confirmer.secondaryRows++;
        confirmer.candidate(b.id(), null, b);
        b = ss.next();
      } else {
        groups.add(a, 0);
        groups.add(b, 1);
        confirmer.primaryRows++;
        confirmer.secondaryRows++;
        if (!a.equals(b)) {
          confirmer.candidate(a.id(), a, b);
        }
        a = ps.next();
        b = ss.next();
      }
    }
  }

  /** Monitors in id order; a monitor changed after the cut-off (on either side) is not compared. */
  void monitors(Side p, Side s, Window window, Confirmer<HeartbeatMonitor> confirmer) {
    Scan<HeartbeatMonitor, UUID> ps = new Scan<>(null, c -> p.tables.monitorsAfter(c, batchSize), p,
        HeartbeatMonitor::id, m -> true);
    Scan<HeartbeatMonitor, UUID> ss = new Scan<>(null, c -> s.tables.monitorsAfter(c, batchSize), s,
        HeartbeatMonitor::id, m -> true);
    reportPages("heartbeat_monitors", ps, ss);
    HeartbeatMonitor a = ps.next();
    HeartbeatMonitor b = ss.next();
    while (a != null || b != null) {
      int cmp = a == null ? 1 : b == null ? -1 : MONITOR_ORDER.compare(a, b);
      HeartbeatMonitor onP = cmp <= 0 ? a : null;
      HeartbeatMonitor onS = cmp >= 0 ? b : null;
      boolean settled = (onP == null || window.settled(onP.updatedAt()))
          && (onS == null || window.settled(onS.updatedAt()));
      boolean inScope = (onP != null && window.inScope(onP.updatedAt()))
          || (onS != null && window.inScope(onS.updatedAt()));
      if (settled && inScope) {
        if (onP != null) {
          confirmer.primaryRows++;
        }
        if (onS != null) {
          confirmer.secondaryRows++;
        }
        if (!Objects.equals(onP, onS)) {
          confirmer.candidate(onP != null ? onP.id() : onS.id(), onP, onS);
        }
      }
      if (onP != null) {
        a = ps.next();
      }
      if (onS != null) {
        b = ss.next();
      }
    }
  }

  private void reportPages(String table, Scan<?, ?> primaryScan, Scan<?, ?> secondaryScan) {
    Runnable report = () -> progress.accept(new Progress(table, primaryScan.read, secondaryScan.read));
    primaryScan.afterPage = report;
    secondaryScan.afterPage = report;
  }
}
