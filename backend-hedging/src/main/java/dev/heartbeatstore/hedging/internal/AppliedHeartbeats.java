package dev.heartbeatstore.hedging.internal;

import dev.heartbeatstore.Heartbeat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Heartbeats this process's fast path (the caller's secondary write, or an async lane) has applied to
 * the secondary: the relay removes their journal entries without replaying them, at once. Only heartbeats: they
 * never change once stored, so "applied once" is final (a later delete has an entry of its own). Bounded:
 * past {@link #CAPACITY} ids nothing more is remembered, and the relay simply replays those entries, which
 * is harmless.
 */
final class AppliedHeartbeats {

  static final int CAPACITY = 50_000;

  private final Set<UUID> ids = ConcurrentHashMap.newKeySet();

  void add(Heartbeat heartbeat) {
    if (ids.size() < CAPACITY) {
      ids.add(heartbeat.id());
    }
  }

  void addAll(Collection<Heartbeat> heartbeats) {
    for (Heartbeat h : heartbeats) {
      add(h);
    }
  }

  /** Whether {@code id} was applied, forgetting it: each journal entry is consumed once. */
  boolean take(UUID id) {
    return ids.remove(id);
  }

  /** Takes up to {@code max} ids out, to have their entries removed. */
  List<UUID> drain(int max) {
    List<UUID> taken = new ArrayList<>(Math.min(max, ids.size()));
    for (Iterator<UUID> it = ids.iterator(); it.hasNext() && taken.size() < max; ) {
      UUID id = it.next();
      it.remove();
      taken.add(id);
    }
    return taken;
  }
}
