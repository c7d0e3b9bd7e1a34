package dev.heartbeatstore.libsql.internal.hrana;

import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.libsql.internal.Statement;
import dev.heartbeatstore.spi.Deadline;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One write request in flight at a time per store; single-statement writes that wait meanwhile share the next one.
 *
 * <p>Why one at a time: sqld 0.24.32 queues writers from different streams; when a queued writer's snapshot has
 * gone stale it fails with {@code SQLITE_BUSY_SNAPSHOT} (517) without giving its slot back, and every later writer
 * waits until sqld takes the slot back 5 s later (decision 0003). Writes of one store never queue behind each other
 * on the server, so they never meet that; reads do not pass through here.
 *
 * <p>How: writes wait in arrival order. When the lane is free, the oldest waiting write decides what goes next: a
 * write that must go alone (a batch) goes alone; a single statement goes with the other single statements waiting
 * (up to {@value #MAX_GROUP}), one {@code execute} each, so concurrent callers share round trips. The request is sent
 * from the thread of the member whose deadline is the latest, and the exchange is bounded by that deadline: it
 * never outlives the last of its callers, and no member's call is cut before its own deadline because
 * another member was in a hurry. Each caller waits for its own outcome until its own deadline, never longer. The
 * store has no thread of its own for this: the lane is a lock and a queue, so closing a store leaves nothing to stop.
 */
final class WriteLane {

  /** At most this many single-statement writes go in one request. */
  static final int MAX_GROUP = 64;

  /** The outcome of a write that met SQLITE_BUSY: nothing was applied, it may be sent again. */
  static final Object RETRY = new Object();

  /**
   * The outcome of a write whose grouped request was refused as a whole (HTTP 400) before anything ran: it is
   * sent again in a request of its own, so that only the member the server refuses fails.
   */
  static final Object ALONE = new Object();

  /** Sends one group in one request, on the calling thread, within {@code deadline}. */
  interface Sender {
    /**
     * @return each member's outcome, in order: a {@link Proto.StreamResult}, {@link #RETRY}, {@link #ALONE}
     *         or the {@link HeartbeatStoreException} to throw
     */
    List<Object> send(List<PendingWrite> group, Deadline deadline);
  }

  /** A write waiting for the lane, or sent in a group. Fields below {@code alone} are guarded by the lane's lock. */
  static final class PendingWrite {
    final String operation;
    /** A single statement, which may share a request; null for a batch. */
    final Statement statement;
    /** A batch's prepared request, always sent alone; null for a single statement. */
    final Proto.Request batch;
    final Deadline deadline;
    /** Sent in a request of its own: a batch, or a statement after its group was refused as a whole. */
    boolean alone;
    /** Set with {@link #RETRY}: the SQLITE_BUSY error, should the retries run out. */
    Proto.HranaError busy;

    private Condition wake;
    /** Non-null: this write's thread sends this group (of which it has the latest deadline). */
    private List<PendingWrite> toSend;
    private Object outcome;

    PendingWrite(String operation, Statement statement, Proto.Request batch, Deadline deadline) {
      this.operation = operation;
      this.statement = statement;
      this.batch = batch;
      this.deadline = deadline;
      this.alone = batch != null;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<PendingWrite> waiting = new ArrayDeque<>();
  private boolean busy;
  private final Sender sender;

  WriteLane(Sender sender) {
    this.sender = sender;
  }

  /**
   * Queues {@code mine}, waits for its turn (sending its group when its thread is the one to) and returns its
   * outcome (as {@link Sender#send}). Past its deadline it throws {@link dev.heartbeatstore.StoreTimeoutException},
   * saying whether the write was sent.
   *
   * @throws InterruptedException the thread was interrupted while waiting (never while sending: the sender ends
   *                              its request and reports that as the outcome)
   */
  Object run(PendingWrite mine) throws InterruptedException {
    List<PendingWrite> group;
    lock.lock();
    try {
      if (mine.wake == null) {
        mine.wake = lock.newCondition();
      }
      mine.outcome = null;
      mine.toSend = null;
      boolean behindOthers = busy || !waiting.isEmpty();
      waiting.addLast(mine);
      if (!busy) {
        dispatch();
      }
      while (mine.outcome == null && mine.toSend == null) {
        long left = mine.deadline.remainingNanos();
        if (left <= 0) {
          if (waiting.remove(mine)) {
            throw mine.deadline.timeout(mine.operation, behindOthers
                ? "waiting for the writes before it; it was not sent" : "it was not sent");
          }
          throw mine.deadline.timeout(mine.operation,
              "sent with other writes, no answer in time; it may still have been applied");
        }
        try {
          mine.wake.awaitNanos(left);
        } catch (InterruptedException e) {
          leave(mine);
          throw e;
        }
      }
      if (mine.outcome != null) {
        return mine.outcome;
      }
      group = mine.toSend;
    } finally {
      lock.unlock();
    }
    List<Object> outcomes;
    try {
      outcomes = sender.send(group, mine.deadline); // the latest deadline of the group
    } catch (RuntimeException | Error e) {
      outcomes = new ArrayList<>(group.size());
      for (int i = 0; i < group.size(); i++) {
        outcomes.add(e);
      }
      finish(group, outcomes);
      throw e;
    }
    finish(group, outcomes);
    return mine.outcome;
  }

  /** Gives each member of a sent group its outcome, wakes it, and passes the lane on. */
  private void finish(List<PendingWrite> group, List<Object> outcomes) {
    lock.lock();
    try {
      for (int i = 0; i < group.size(); i++) {
        PendingWrite w = group.get(i);
        w.outcome = outcomes.get(i);
        w.wake.signal();
      }
      busy = false;
      dispatch();
    } finally {
      lock.unlock();
    }
  }

  /** A waiting write's thread was interrupted: it leaves the queue, or hands back the group it was to send. */
  private void leave(PendingWrite mine) {
    if (waiting.remove(mine)) {
      return;
    }
    List<PendingWrite> group = mine.toSend;
    if (group != null) {
      mine.toSend = null;
      for (int i = group.size() - 1; i >= 0; i--) {
        if (group.get(i) != mine) {
          waiting.addFirst(group.get(i));
        }
      }
      busy = false;
      dispatch();
    }
  }

  /**
   * With the lock held and the lane free: takes the next group off the queue and wakes the thread that sends it.
   * The oldest waiting write decides: alone, it goes alone; else the group is the single statements waiting, in
   * arrival order, and its sender the member with the latest deadline. Writes past their deadline are left for
   * their own threads, which say they were not sent.
   */
  private void dispatch() {
    List<PendingWrite> group = new ArrayList<>();
    for (Iterator<PendingWrite> it = waiting.iterator(); it.hasNext() && group.size() < MAX_GROUP; ) {
      PendingWrite w = it.next();
      if (w.deadline.expired()) {
        continue;
      }
      if (group.isEmpty()) {
        it.remove();
        group.add(w);
        if (w.alone) {
          break;
        }
      } else if (!w.alone) {
        it.remove();
        group.add(w);
      }
    }
    if (group.isEmpty()) {
      return;
    }
    PendingWrite sending = group.get(0);
    for (PendingWrite w : group) {
      if (w.deadline.endsAfter(sending.deadline)) {
        sending = w;
      }
    }
    sending.toSend = group;
    busy = true;
    sending.wake.signal();
  }
}
