package dev.heartbeatstore.libsql.internal.hrana;

import dev.heartbeatstore.libsql.internal.Statement;
import dev.heartbeatstore.libsql.internal.hrana.Proto.StreamResult;
import dev.heartbeatstore.spi.Deadline;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's clock minus ours, in milliseconds, measured once (to a round trip's accuracy) so that a batch's
 * deadline guard compares like with like even when the clocks disagree.
 */
final class ServerClock {

  private static final Logger log = LoggerFactory.getLogger(ServerClock.class);

  /** The server's clock in epoch milliseconds, to estimate its offset from ours. */
  static final String SERVER_CLOCK = "SELECT CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

  private final Transport transport;
  private final String description;
  private volatile Long offset;

  ServerClock(Transport transport, String description) {
    this.transport = transport;
    this.description = description;
  }

  /** The server's time, in epoch milliseconds, when {@code deadline} ends (measuring the offset first, once). */
  long deadlineOnServer(String operation, Deadline deadline) {
    long offset = offsetMillis(operation, deadline);
    return System.currentTimeMillis() + offset + deadline.remaining().toMillis();
  }

  private long offsetMillis(String operation, Deadline deadline) {
    Long known = offset;
    if (known != null) {
      return known;
    }
    long before = System.currentTimeMillis();
    StreamResult r = transport.send(operation, Encode.execute(Statement.of(SERVER_CLOCK), true), false, deadline,
        HranaSession.MAX_RESPONSE_BYTES);
    List<Object[]> rows = r.ok() && r.stmtResult != null ? r.stmtResult.rows() : List.of();
    long after = System.currentTimeMillis();
    long measured = 0;
    if (!rows.isEmpty() && rows.get(0).length == 1 && rows.get(0)[0] instanceof Long) {
      measured = (Long) rows.get(0)[0] - (before + after) / 2;
    }
    if (Math.abs(measured) > 1000) {
      log.debug("{} runs a clock {} ms away from ours", description, measured);
    }
    offset = measured;
    return measured;
  }
}
