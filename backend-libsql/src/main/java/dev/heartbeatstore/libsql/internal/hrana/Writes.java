package dev.heartbeatstore.libsql.internal.hrana;

import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.libsql.internal.Statement;
import dev.heartbeatstore.libsql.internal.hrana.Proto.HranaError;
import dev.heartbeatstore.libsql.internal.hrana.Proto.StreamResult;
import dev.heartbeatstore.libsql.internal.hrana.WriteLane.PendingWrite;
import dev.heartbeatstore.spi.Deadline;
import java.util.ArrayList;
import java.util.List;

/**
 * The write path of a session: each write waits its turn in the {@link WriteLane}, goes alone (a batch) or grouped
 * with the single statements waiting beside it, and is sent again while it certainly was not applied
 * (SQLITE_BUSY, or its group refused as a whole).
 */
final class Writes {

  private final Transport transport;
  private final HranaErrors errors;
  private final CallsInFlight calls;
  private final WriteLane lane = new WriteLane(this::sendGroup);

  Writes(Transport transport, HranaErrors errors, CallsInFlight calls) {
    this.transport = transport;
    this.errors = errors;
    this.calls = calls;
  }

  /** Runs one write through the write lane: waits its turn, retries what certainly was not applied. */
  StreamResult run(PendingWrite mine) {
    int attempt = 0;
    while (true) {
      Object outcome;
      try {
        outcome = lane.run(mine);
      } catch (InterruptedException e) {
        throw calls.interrupted(mine.operation);
      }
      if (outcome instanceof StreamResult) {
        return (StreamResult) outcome;
      }
      if (outcome instanceof RuntimeException) {
        throw (RuntimeException) outcome;
      }
      if (outcome instanceof Error) {
        throw (Error) outcome;
      }
      if (outcome == WriteLane.ALONE) {
        mine.alone = true;
        continue;
      }
      // WriteLane.RETRY: SQLITE_BUSY, nothing was applied
      attempt++;
      long sleep = Transport.backoffNanos(attempt);
      HeartbeatStoreException busy = errors.translate(mine.operation, mine.busy);
      if (mine.deadline.remainingNanos() <= sleep) {
        throw busy;
      }
      calls.sleep(mine.operation, sleep);
    }
  }

  /**
   * Sends one group of the write lane, on the thread of its member with the latest deadline, and returns each
   * member's outcome: a batch alone; single statements as one {@code execute} each in one pipeline (independent
   * autocommit statements: a duplicate or a constraint error fails its own statement only).
   */
  private List<Object> sendGroup(List<PendingWrite> group, Deadline deadline) {
    List<Object> outcomes = new ArrayList<>(group.size());
    if (deadline.expired()) {
      for (PendingWrite w : group) {
        outcomes.add(w.deadline.timeout(w.operation, "waiting for the writes before it; it was not sent"));
      }
      return outcomes;
    }
    PendingWrite first = group.get(0);
    if (first.batch != null) {
      try {
        outcomes.add(transport.send(first.operation, first.batch, true, deadline, HranaSession.MAX_RESPONSE_BYTES));
      } catch (HeartbeatStoreException e) {
        outcomes.add(e);
      }
      return outcomes;
    }
    List<Statement> statements = new ArrayList<>(group.size());
    for (PendingWrite w : group) {
      statements.add(w.statement);
    }
    String operation = group.size() == 1 ? first.operation
        : first.operation + " (sent with " + (group.size() - 1) + " other writes)";
    try {
      List<StreamResult> results = transport.exchange(operation, Encode.executeEach(statements), true, deadline,
          false, HranaSession.MAX_RESPONSE_BYTES);
      for (int i = 0; i < group.size(); i++) {
        StreamResult r = results.get(i);
        HranaError busy = HranaErrors.busyError(r);
        if (busy != null) {
          group.get(i).busy = busy;
          outcomes.add(WriteLane.RETRY);
        } else {
          outcomes.add(r);
        }
      }
    } catch (HeartbeatStoreException e) {
      // A request refused as a whole (HTTP 400: sqld reads the whole body before it runs any of it) may have been
      // refused for one member: each is sent again alone, so that only that one fails.
      boolean refusedAsAWhole = group.size() > 1 && HranaErrors.isRefusal(e);
      for (int i = 0; i < group.size(); i++) {
        outcomes.add(refusedAsAWhole ? WriteLane.ALONE : e);
      }
    }
    return outcomes;
  }
}
