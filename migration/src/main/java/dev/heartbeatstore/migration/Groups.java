package dev.heartbeatstore.migration;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.migration.Verifier.GroupDifference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Per (user, owner) counts and content hashes of the heartbeats each side's scan read. */
final class Groups {
  private final Map<List<String>, long[]> groups = new HashMap<>();

  void add(Heartbeat h, int side) {
    long[] g = groups.computeIfAbsent(List.of(h.userId(), h.owner()), k -> new long[4]);
    g[side] += 1;
    g[side + 2] += h.hashCode();
  }

  long size() {
    return groups.size();
  }

  List<GroupDifference> differing() {
    List<GroupDifference> out = new ArrayList<>();
    for (Map.Entry<List<String>, long[]> e : groups.entrySet()) {
      long[] g = e.getValue();
      if (g[0] != g[1] || g[2] != g[3]) {
        out.add(new GroupDifference(e.getKey().get(0), e.getKey().get(1), g[0], g[1], g[2], g[3]));
      }
    }
    out.sort(Comparator.comparing(GroupDifference::userId).thenComparing(GroupDifference::owner));
    return out;
  }
}
