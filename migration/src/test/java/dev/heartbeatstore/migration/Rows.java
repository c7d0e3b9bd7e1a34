package dev.heartbeatstore.migration;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.spi.TableAccess;
import java.util.List;
import java.util.UUID;

/** One row by id, read through the scan order of {@link TableAccess} (what any side offers). */
final class Rows {

  private Rows() {}

  /** The monitor with this id, or null. */
  static HeartbeatMonitor monitor(TableAccess access, UUID id) {
    List<HeartbeatMonitor> one = access.monitorsAfter(Side.predecessor(id), 1);
    return one.isEmpty() || !one.get(0).id().equals(id) ? null : one.get(0);
  }

  /** The heartbeat with the id and timestamp of {@code h}, or null. */
  static Heartbeat heartbeat(TableAccess access, Heartbeat h) {
    List<Heartbeat> one = access.heartbeatsAfter(Side.justBefore(h.timestamp(), h.id()), 1);
    return one.isEmpty() || !one.get(0).id().equals(h.id()) ? null : one.get(0);
  }
}
