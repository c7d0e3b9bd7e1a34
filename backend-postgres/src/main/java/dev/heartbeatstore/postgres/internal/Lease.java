package dev.heartbeatstore.postgres.internal;

import dev.heartbeatstore.spi.Deadline;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.jdbc.PgConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operation's connection, watched until its deadline: the cancel request and then the closed socket that
 * {@link Pool}'s watchdog sends when the statement runs past it. Closing the lease returns the connection to
 * the pool.
 */
final class Lease implements AutoCloseable {
  /** The pool's log, as when leases were part of it. */
  private static final Logger log = LoggerFactory.getLogger(Pool.class);

  private static final int ACTIVE = 0;
  /** The watchdog's cancel request is on its way; the caller still holds the lease. */
  private static final int CANCELLING = 1;
  /** The caller gave the lease back while the cancel request was on its way: the request's end returns it. */
  private static final int RELEASED_DURING_CANCEL = 2;
  private static final int RETURNED = 3;
  /** What {@link #check} returns when nothing more is the watchdog's to do. */
  static final long NOTHING_DUE = Long.MIN_VALUE;

  private final Pool pool;
  private final Connection connection;
  private final Deadline deadline;
  private final AtomicInteger state = new AtomicInteger(ACTIVE);
  /** Why the call was ended from outside, or null. */
  private volatile Ended.Kind ended;
  private volatile boolean cancelDone;
  private volatile boolean cancelFailed;
  private volatile boolean aborted;

  Lease(Pool pool, Connection connection, Deadline deadline) {
    this.pool = pool;
    this.connection = connection;
    this.deadline = deadline;
  }

  /** {@code connection.prepareStatement(sql)}; the deadline is the watchdog's to keep. */
  PreparedStatement prepare(String sql) throws SQLException {
    return connection.prepareStatement(sql);
  }

  /**
   * Returns the connection to the pool (or, once a pending cancel request is done, has it returned).
   *
   * @throws Ended when the watchdog or {@link Pool#close()} ended the call: in a try-with-resources block it is
   *     added to the statement's own exception as suppressed, or thrown when the statement had got through
   */
  @Override
  public void close() throws Ended {
    if (aborted) {
      // The socket is closed: a cancel request still on its way can hit nobody. Back now, to be replaced.
      if (state.getAndSet(RETURNED) != RETURNED) {
        giveBack(true);
      }
    } else if (state.compareAndSet(ACTIVE, RETURNED)) {
      giveBack(false);
    } else if (state.compareAndSet(CANCELLING, RELEASED_DURING_CANCEL)
        && cancelDone && state.compareAndSet(RELEASED_DURING_CANCEL, RETURNED)) {
      giveBack(cancelFailed);
    } // else the cancel request, when it is done, gives the connection back
    Ended.Kind why = ended;
    if (why != null) {
      throw why == Ended.Kind.CLOSED ? Ended.closed() : Ended.deadline(deadline.budget().toMillis());
    }
  }

  /** When the watchdog must next look at this lease, without doing anything; {@link #NOTHING_DUE} if never. */
  long due() {
    if (aborted) {
      return NOTHING_DUE;
    }
    switch (state.get()) {
      case ACTIVE:
        return deadline.endNanosPlus(Pool.CANCEL_AFTER);
      case CANCELLING:
      case RELEASED_DURING_CANCEL:
        return deadline.endNanosPlus(Pool.ABORT_AFTER);
      default:
        return NOTHING_DUE;
    }
  }

  /**
   * The watchdog's look at this lease at {@code now}: {@value Pool#CANCEL_AFTER_MILLIS} ms after the deadline a
   * cancel request, {@value Pool#ABORT_AFTER_MILLIS} ms after it the socket closed. Returns when to look again.
   */
  long check(long now) {
    long cancelAt = deadline.endNanosPlus(Pool.CANCEL_AFTER);
    long abortAt = deadline.endNanosPlus(Pool.ABORT_AFTER);
    if (aborted) {
      return NOTHING_DUE;
    }
    switch (state.get()) {
      case ACTIVE:
        if (now - cancelAt < 0) {
          return cancelAt;
        }
        if (state.compareAndSet(ACTIVE, CANCELLING)) {
          ended = Ended.Kind.DEADLINE;
          try {
            pool.sendCancel(this::cancel);
          } catch (RejectedExecutionException e) {
            abort(); // no thread free to send it, or closing
            return NOTHING_DUE;
          }
        }
        return abortAt;
      case CANCELLING:
        if (now - abortAt < 0) {
          return abortAt;
        }
        abort(); // the statement outlived its cancel: a server that stopped answering
        return NOTHING_DUE;
      case RELEASED_DURING_CANCEL:
        if (now - abortAt < 0) {
          return abortAt;
        }
        if (state.compareAndSet(RELEASED_DURING_CANCEL, RETURNED)) {
          // The caller is gone, the cancel request hangs: free the pool's slot rather than wait for it.
          abort();
          giveBack(true);
        }
        return NOTHING_DUE;
      default:
        return NOTHING_DUE;
    }
  }

  private void cancel() {
    try {
      connection.unwrap(PgConnection.class).cancelQuery();
    } catch (SQLException | RuntimeException e) {
      cancelFailed = true;
      log.debug("cancelling a statement past its deadline failed; its connection will be closed", e);
    } finally {
      cancelDone = true;
      if (state.compareAndSet(RELEASED_DURING_CANCEL, RETURNED)) {
        giveBack(cancelFailed || aborted);
      }
    }
  }

  /** Ends the call from outside: closes the socket, so that whatever the caller's thread waits for fails now. */
  void end(Ended.Kind why) {
    ended = why;
    abort();
  }

  private void abort() {
    aborted = true;
    try {
      connection.unwrap(PgConnection.class).abort(Pool.DIRECT);
    } catch (SQLException | RuntimeException e) {
      log.debug("closing a connection's socket failed", e);
    }
  }

  private void giveBack(boolean broken) {
    pool.giveBack(this, connection, broken);
  }
}
