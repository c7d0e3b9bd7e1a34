package dev.heartbeatstore.libsql.internal.hrana;

import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreUnavailableException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls in progress on a session, so that closing it can end them: their threads are interrupted while they
 * wait or send, and each call clears that interrupt as it leaves.
 */
final class CallsInFlight {

  /** A call in progress: {@link #closeAll()} interrupts its thread, and the call clears that interrupt as it leaves. */
  static final class Call {
    private final Thread thread = Thread.currentThread();
    private boolean left;
    private boolean interruptedByClose;

    private synchronized void end() {
      if (!left) {
        interruptedByClose = true;
        thread.interrupt();
      }
    }

    private synchronized void leave() {
      left = true;
      if (interruptedByClose) {
        Thread.interrupted(); // ours, not the application's: it must not outlive the call
      }
    }
  }

  private final Set<Call> calls = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Starts a call; after {@link #closeAll()}, throws {@link IllegalStateException}. */
  Call enter(String operation) {
    if (closed) {
      throw new IllegalStateException(operation + ": the heartbeat store is closed");
    }
    Call call = new Call();
    calls.add(call);
    if (closed) { // closeAll() ran meanwhile and may not have seen this call
      leave(call);
      throw new IllegalStateException(operation + ": the heartbeat store is closed");
    }
    return call;
  }

  void leave(Call call) {
    calls.remove(call);
    call.leave();
  }

  /** Ends every call in progress and refuses later ones. */
  void closeAll() {
    closed = true;
    for (Call call : calls) {
      call.end();
    }
  }

  /** What an interrupted wait or exchange throws: the store was closed, or the application interrupted its thread. */
  HeartbeatStoreException interrupted(String operation) {
    if (closed) {
      return new StoreUnavailableException(operation + " was ended: the heartbeat store was closed while it was in flight"
          + " (a write may or may not have been applied)");
    }
    Thread.currentThread().interrupt();
    return new StoreUnavailableException(operation + " was interrupted");
  }

  /** Sleeps {@code nanos}, or throws {@link #interrupted} when interrupted. */
  void sleep(String operation, long nanos) {
    try {
      java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      throw interrupted(operation);
    }
  }
}
