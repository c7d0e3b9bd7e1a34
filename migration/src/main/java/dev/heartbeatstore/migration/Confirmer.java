package dev.heartbeatstore.migration;

import dev.heartbeatstore.migration.Kind.Candidate;
import dev.heartbeatstore.migration.Verifier.Confirmation;
import dev.heartbeatstore.migration.Verifier.Differences;
import dev.heartbeatstore.migration.Verifier.Window;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Decides which of the rows a scan found different really differ, {@value Verifier#CONFIRM_BATCH} at a
 * time, and (with repair) repairs them.
 *
 * <p>A candidate is read by id on both sides (secondary, then primary), both journals are read, and
 * the candidate is read again the same way. It is a confirmed difference only when both reads saw the
 * same two versions and they differ, no journal entry for it is pending on either side, and both
 * versions are still settled. Why the reading twice: a single write in flight is first applied on one
 * side and then on the other, its journal entry pending from before the first until after the second.
 * A difference that it causes in the first read and still in the second read spans the journal read
 * between them, so the entry is seen; without the second read, the relay could apply the write and
 * remove its entry between the first read and the journal read, and a write in flight would be
 * reported.
 */
final class Confirmer<T> {

  /** Rows left unrepaired that are named, at most; the rest are counted. */
  static final int MAX_NOTES = 100;

  private final Kind<T> kind;
  private final Side primary;
  private final Side secondary;
  private final Window window;
  private final boolean repair;
  private final int maxDifferences;
  /** Candidates not yet decided, by id (a heartbeat seen at two places in the scan is one candidate). */
  private final Map<UUID, Candidate<T>> held = new LinkedHashMap<>();

  long primaryRows;
  long secondaryRows;
  private long candidates;
  private long agreed;
  private long inJournal;
  private long changed;
  private long unconfirmable;

  private final List<UUID> missing = new ArrayList<>();
  private final List<UUID> extra = new ArrayList<>();
  private final List<UUID> different = new ArrayList<>();
  private final Set<UUID> reported = new HashSet<>();
  private boolean truncated;

  long copied;
  long deleted;
  final List<String> notRepaired = new ArrayList<>();
  long notRepairedCount;

  Confirmer(Kind<T> kind, Side primary, Side secondary, Window window, boolean repair, int maxDifferences) {
    this.kind = kind;
    this.primary = primary;
    this.secondary = secondary;
    this.window = window;
    this.repair = repair;
    this.maxDifferences = maxDifferences;
  }

  /** A row the scan found on one side only ({@code onPrimary} or {@code onSecondary} null), or different on both. */
  void candidate(UUID id, T onPrimary, T onSecondary) {
    Candidate<T> c = held.get(id);
    if (c == null) {
      candidates++;
      c = new Candidate<>(id);
      held.put(id, c);
    }
    if (onPrimary != null) {
      c.seen.add(onPrimary);
    }
    if (onSecondary != null) {
      c.seen.add(onSecondary);
    }
    if (held.size() >= Verifier.CONFIRM_BATCH) {
      flush();
    }
  }

  /** Confirms (and repairs) the candidates held so far. */
  void flush() {
    if (held.isEmpty()) {
      return;
    }
    List<Candidate<T>> batch = new ArrayList<>(held.values());
    held.clear();

    Map<UUID, T> s1 = kind.read(secondary, batch);
    Map<UUID, T> p1 = kind.read(primary, batch);
    Set<String> journalS = secondary.pendingKeys();
    Set<String> journalP = primary.pendingKeys();
    Map<UUID, T> s2 = kind.read(secondary, batch);
    Map<UUID, T> p2 = kind.read(primary, batch);

    List<T> toCopy = new ArrayList<>();
    List<T> toOverwrite = new ArrayList<>();
    Map<UUID, T> extras = new LinkedHashMap<>();
    for (Candidate<T> c : batch) {
      T p = p2.get(c.id);
      T s = s2.get(c.id);
      if (Objects.equals(p, s)) {
        agreed++;
        continue;
      }
      if (!Objects.equals(p, p1.get(c.id)) || !Objects.equals(s, s1.get(c.id))) {
        changed++;
        continue;
      }
      Set<String> keys = kind.journalKeys(c.id, versions(c, p, s));
      if (pendingIn(journalP, keys) || pendingIn(journalS, keys)) {
        inJournal++;
        continue;
      }
      if (journalP == null || journalS == null) {
        unconfirmable++;
        continue;
      }
      if ((p != null && !window.settled(kind.lastChange(p))) || (s != null && !window.settled(kind.lastChange(s)))) {
        changed++;
        continue;
      }
      if (s == null) {
        report(missing, c.id);
        toCopy.add(p);
      } else if (p == null) {
        report(extra, c.id);
        extras.put(c.id, s);
      } else {
        report(different, c.id);
        toOverwrite.add(p);
      }
    }
    if (repair) {
      repair(toCopy, toOverwrite, s2, extras);
    }
  }

  private void repair(List<T> toCopy, List<T> toOverwrite, Map<UUID, T> secondaryRows, Map<UUID, T> extras) {
    kind.copyMissing(secondary, toCopy);
    copied += toCopy.size();
    Map<UUID, String> left = kind.repairDifferent(secondary, toOverwrite, secondaryRows);
    copied += toOverwrite.size() - left.size();
    left.forEach(this::leftAlone);
    deleteExtras(extras);
  }

  /**
   * Deletes a row from the secondary only when, read just now, the primary still lacks it, the
   * secondary still holds the same settled version, and neither journal has an entry pending for it.
   */
  private void deleteExtras(Map<UUID, T> extras) {
    if (extras.isEmpty()) {
      return;
    }
    List<Candidate<T>> batch = new ArrayList<>();
    for (Map.Entry<UUID, T> e : extras.entrySet()) {
      Candidate<T> c = new Candidate<>(e.getKey());
      c.seen.add(e.getValue());
      batch.add(c);
    }
    Set<String> journalS = secondary.pendingKeys();
    Set<String> journalP = primary.pendingKeys();
    Map<UUID, T> onPrimary = kind.read(primary, batch);
    Map<UUID, T> onSecondary = kind.read(secondary, batch);
    List<UUID> ids = new ArrayList<>();
    for (Candidate<T> c : batch) {
      T was = extras.get(c.id);
      T now = onSecondary.get(c.id);
      Set<String> keys = kind.journalKeys(c.id, c.seen);
      if (journalP == null || journalS == null) {
        leftAlone(c.id, "a journal holds more than " + Side.MAX_PENDING + " entries: cannot tell whether a write"
            + " of it is in flight");
      } else if (onPrimary.containsKey(c.id) || !Objects.equals(was, now) || pendingIn(journalP, keys)
          || pendingIn(journalS, keys) || !window.settled(kind.lastChange(now))) {
        leftAlone(c.id, "written again while being repaired: not deleted (the next verify sees where it settled)");
      } else {
        ids.add(c.id);
      }
    }
    kind.delete(secondary, ids);
    deleted += ids.size();
  }

  private void leftAlone(UUID id, String why) {
    notRepairedCount++;
    if (notRepaired.size() < MAX_NOTES) {
      notRepaired.add(kind.name() + " " + id + ": " + why);
    }
  }

  private static <T> List<T> versions(Candidate<T> c, T p, T s) {
    List<T> all = new ArrayList<>(c.seen);
    if (p != null) {
      all.add(p);
    }
    if (s != null) {
      all.add(s);
    }
    return all;
  }

  private static boolean pendingIn(Set<String> journal, Set<String> keys) {
    if (journal == null) {
      return false;
    }
    for (String k : keys) {
      if (journal.contains(k)) {
        return true;
      }
    }
    return false;
  }

  private void report(List<UUID> list, UUID id) {
    if (reported.contains(id)) {
      return; // seen twice by the scan (a heartbeat at another timestamp on each side): one difference
    }
    if (reported.size() >= maxDifferences) {
      truncated = true;
      return;
    }
    reported.add(id);
    list.add(id);
  }

  Differences differences() {
    return new Differences(primaryRows, secondaryRows, List.copyOf(missing), List.copyOf(extra),
        List.copyOf(different), truncated);
  }

  Confirmation confirmation() {
    return new Confirmation(candidates, agreed, inJournal, changed, unconfirmable);
  }
}
