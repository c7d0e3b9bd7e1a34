package dev.heartbeatstore.migration;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.internal.StoreFactory;
import dev.heartbeatstore.spi.MigrationAccess;
import dev.heartbeatstore.spi.MigrationAccess.HeartbeatCursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Compares two backends row by row: both are scanned in the same global order and merged, so every
 * missing, extra or different row is found in one pass, with per-(user, owner) counts and content
 * hashes on the way. With {@link Builder#repair(boolean)} it then makes the secondary equal to the
 * primary: copies what is missing or different, deletes what the primary does not have.
 */
public final class Verifier {

  /**
   * What differs for one kind of row. The id lists hold at most the builder's {@code maxDifferences};
   * {@code truncated} says when there were more (then run a backfill first).
   */
  public record Differences(long primaryRows, long secondaryRows, List<UUID> missing, List<UUID> extra,
                            List<UUID> different, boolean truncated) {
    public boolean identical() {
      return !truncated && missing.isEmpty() && extra.isEmpty() && different.isEmpty();
    }
  }

  /** Per (user, owner): how many heartbeats each side has, and whether their contents hash the same. */
  public record GroupDifference(String userId, String owner, long primaryCount, long secondaryCount,
                                long primaryHash, long secondaryHash) {}

  /** The outcome: identical only when both kinds of rows are. */
  public record Report(String primary, String secondary, Differences heartbeats, Differences monitors,
                       long groupsCompared, List<GroupDifference> differingGroups, boolean repaired, Duration took) {
    public boolean identical() {
      return heartbeats.identical() && monitors.identical();
    }
  }

  private final HeartbeatStoreConfig config;
  private final String primary;
  private final String secondary;
  private final int batchSize;
  private final boolean repair;
  private final int maxDifferences;

  private Verifier(Builder b) {
    this.maxDifferences = b.maxDifferences;
    this.config = b.config;
    this.primary = b.primary;
    this.secondary = b.secondary;
    this.batchSize = b.batchSize;
    this.repair = b.repair;
  }

  public static Builder builder(HeartbeatStoreConfig config) {
    return new Builder(config);
  }

  /** Compares (and with repair, repairs); the report describes what was found before any repair. */
  public Report run() {
    long started = System.nanoTime();
    try (MigrationAccess p = StoreFactory.openMigrationAccess(config, primary);
        MigrationAccess s = StoreFactory.openMigrationAccess(config, secondary)) {
      Map<List<String>, long[]> groups = new HashMap<>();
      Comparison<Heartbeat> hb = this.<Heartbeat, HeartbeatCursor>compare(
          cursor -> p.heartbeatsAfter(cursor, batchSize),
          cursor -> s.heartbeatsAfter(cursor, batchSize),
          h -> new HeartbeatCursor(h.timestamp(), h.id()),
          HEARTBEAT_ORDER, Heartbeat::id,
          (h, side) -> {
            long[] g = groups.computeIfAbsent(List.of(h.userId(), h.owner()), k -> new long[4]);
            g[side] += 1;
            g[side + 2] += h.hashCode();
            return null;
          });
      Comparison<HeartbeatMonitor> mon = this.<HeartbeatMonitor, UUID>compare(
          cursor -> p.monitorsAfter(cursor, batchSize),
          cursor -> s.monitorsAfter(cursor, batchSize),
          HeartbeatMonitor::id, MONITOR_ORDER, HeartbeatMonitor::id, (m, side) -> null);

      List<GroupDifference> differingGroups = new ArrayList<>();
      for (Map.Entry<List<String>, long[]> e : groups.entrySet()) {
        long[] g = e.getValue();
        if (g[0] != g[1] || g[2] != g[3]) {
          differingGroups.add(new GroupDifference(e.getKey().get(0), e.getKey().get(1), g[0], g[1], g[2], g[3]));
        }
      }
      differingGroups.sort(Comparator.comparing(GroupDifference::userId).thenComparing(GroupDifference::owner));

      if (repair) {
        if (hb.truncated || mon.truncated) {
          throw new IllegalStateException("more than " + maxDifferences + " rows differ between " + primary + " and "
              + secondary + ": run a backfill first, then verify --repair");
        }
        for (List<Heartbeat> chunk : chunks(new ArrayList<>(hb.toCopy.values()))) {
          s.upsertHeartbeats(chunk);
        }
        for (List<HeartbeatMonitor> chunk : chunks(new ArrayList<>(mon.toCopy.values()))) {
          s.upsertMonitors(chunk);
        }
        for (List<UUID> chunk : chunks(hb.extraOnly())) {
          s.deleteHeartbeats(chunk);
        }
        for (List<UUID> chunk : chunks(mon.extraOnly())) {
          s.deleteMonitors(chunk);
        }
      }
      return new Report(primary, secondary, hb.differences(), mon.differences(), groups.size(), differingGroups,
          repair, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private static final Comparator<Heartbeat> HEARTBEAT_ORDER = Comparator
      .comparing(Heartbeat::timestamp)
      .thenComparing(h -> h.id().toString());
  private static final Comparator<HeartbeatMonitor> MONITOR_ORDER = Comparator.comparing(m -> m.id().toString());

  /** The result of merging two sorted scans of one kind of row. */
  private static final class Comparison<T> {
    long primaryRows;
    long secondaryRows;
    boolean truncated;
    private final int max;
    private int collected;
    /** Rows of the primary the secondary lacks or has differently, by id, in scan order. */
    final Map<UUID, T> toCopy = new LinkedHashMap<>();
    final List<UUID> missing = new ArrayList<>();
    final List<UUID> extra = new ArrayList<>();
    final List<UUID> different = new ArrayList<>();

    Comparison(int max) {
      this.max = max;
    }

    /** False once {@code max} differences are held: then only counting goes on. */
    boolean room() {
      if (collected++ < max) {
        return true;
      }
      truncated = true;
      return false;
    }

    /** A changed row can sit at another place in the order (its timestamp changed): missing + extra = different. */
    Differences differences() {
      List<UUID> missingOnly = new ArrayList<>();
      List<UUID> diff = new ArrayList<>(different);
      java.util.Set<UUID> extras = new java.util.HashSet<>(extra);
      for (UUID id : missing) {
        if (extras.contains(id)) {
          diff.add(id);
        } else {
          missingOnly.add(id);
        }
      }
      return new Differences(primaryRows, secondaryRows, missingOnly, extraOnly(), diff, truncated);
    }

    List<UUID> extraOnly() {
      List<UUID> out = new ArrayList<>();
      for (UUID id : extra) {
        if (!toCopy.containsKey(id)) {
          out.add(id);
        }
      }
      return out;
    }
  }

  private <T, C> Comparison<T> compare(Function<C, List<T>> primaryPage, Function<C, List<T>> secondaryPage,
                                       Function<T, C> cursorOf, Comparator<T> order, Function<T, UUID> idOf,
                                       BiFunction<T, Integer, Void> visit) {
    Comparison<T> c = new Comparison<>(maxDifferences);
    Scan<T, C> ps = new Scan<>(primaryPage, cursorOf);
    Scan<T, C> ss = new Scan<>(secondaryPage, cursorOf);
    T a = ps.next();
    T b = ss.next();
    while (a != null || b != null) {
      int cmp = a == null ? 1 : b == null ? -1 : order.compare(a, b);
      if (cmp == 0 && !idOf.apply(a).equals(idOf.apply(b))) {
        cmp = idOf.apply(a).toString().compareTo(idOf.apply(b).toString());
      }
      if (cmp < 0) {
        if (c.room()) {
          c.missing.add(idOf.apply(a));
          c.toCopy.put(idOf.apply(a), a);
        }
        visit.apply(a, 0);
        c.primaryRows++;
        a = ps.next();
      } else if (cmp > 0) {
        if (c.room()) {
          c.extra.add(idOf.apply(b));
        }
        visit.apply(b, 1);
        c.secondaryRows++;
        b = ss.next();
      } else {
        if (!a.equals(b) && c.room()) {
          c.different.add(idOf.apply(a));
          c.toCopy.put(idOf.apply(a), a);
        }
        visit.apply(a, 0);
        visit.apply(b, 1);
        c.primaryRows++;
        c.secondaryRows++;
        a = ps.next();
        b = ss.next();
      }
    }
    return c;
  }

  /** A keyset-paged scan read one row at a time. */
  private static final class Scan<T, C> {
    private final Function<C, List<T>> page;
    private final Function<T, C> cursorOf;
    private List<T> rows = List.of();
    private int index;
    private C cursor;
    private boolean done;

    Scan(Function<C, List<T>> page, Function<T, C> cursorOf) {
      this.page = page;
      this.cursorOf = cursorOf;
    }

    T next() {
      if (index == rows.size()) {
        if (done) {
          return null;
        }
        rows = page.apply(cursor);
        index = 0;
        if (rows.isEmpty()) {
          done = true;
          return null;
        }
        cursor = cursorOf.apply(rows.get(rows.size() - 1));
      }
      return rows.get(index++);
    }
  }

  private <T> List<List<T>> chunks(List<T> all) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += batchSize) {
      out.add(all.subList(i, Math.min(all.size(), i + batchSize)));
    }
    return out;
  }

  /** Options of a verification. */
  public static final class Builder {
    private final HeartbeatStoreConfig config;
    private String primary;
    private String secondary;
    private int batchSize = 5000;
    private boolean repair;
    private int maxDifferences = 100_000;

    private Builder(HeartbeatStoreConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      this.primary = config.hedgingPrimary();
      this.secondary = config.hedgingSecondary();
    }

    /** The source of truth: {@code postgres} or {@code turso}; default the hedging primary. */
    public Builder primary(String backend) {
      this.primary = MigrationArguments.backend("primary", backend);
      return this;
    }

    public Builder secondary(String backend) {
      this.secondary = MigrationArguments.backend("secondary", backend);
      return this;
    }

    public Builder batchSize(int batchSize) {
      this.batchSize = MigrationArguments.batchSize(batchSize);
      return this;
    }

    /** After comparing, make the secondary equal to the primary. */
    public Builder repair(boolean repair) {
      this.repair = repair;
      return this;
    }

    /** How many differing rows to hold (and repair) at most (default 100,000). */
    public Builder maxDifferences(int maxDifferences) {
      if (maxDifferences < 1) {
        throw new IllegalArgumentException("maxDifferences must be at least 1, was " + maxDifferences);
      }
      this.maxDifferences = maxDifferences;
      return this;
    }

    public Verifier build() {
      if (primary.equals(secondary)) {
        throw new IllegalArgumentException("primary and secondary must be different backends, both are " + primary);
      }
      return new Verifier(this);
    }
  }
}
