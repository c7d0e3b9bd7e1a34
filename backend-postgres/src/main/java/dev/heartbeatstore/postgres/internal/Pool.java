package dev.heartbeatstore.postgres.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.heartbeatstore.spi.Deadline;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Pooled connections under one per-operation deadline ({@code HEARTBEAT_DB_TIMEOUT}) that covers the wait for
 * a connection and the statement together, and that no server, however slow or silent, can stretch.
 *
 * <p>Each call's deadline is fixed when it asks for a connection:
 * <ul>
 *   <li><b>The wait.</b> HikariCP is asked for a connection with what is left of the deadline as its timeout
 *       ({@code HikariPool.getConnection(long)}; the data source's own timeout cannot go below 250 ms). A
 *       connection that HikariCP checks before handing it out (idle for more than 500 ms) is checked within
 *       what is left of the deadline too ({@link #validatingWithinDeadline}), not within its 250 ms minimum.</li>
 *   <li><b>The statement.</b> Every connection is set to {@code statement_timeout} = the deadline once, when it
 *       opens (no round trip per call). A statement sent at once, as almost all are, is ended by the server
 *       itself just after the deadline. For the others (their call waited for its connection), a watchdog fires
 *       {@value #CANCEL_AFTER_MILLIS} ms after the deadline and sends a cancel request, from a thread of its own,
 *       so the caller's thread never waits for it; the connection stays in the pool. Should the statement still
 *       run {@value #ABORT_AFTER_MILLIS} ms after the deadline (a server that stopped answering, a cancel that
 *       cannot get through), the watchdog closes the connection's socket: the caller's read fails at once, and
 *       HikariCP replaces the connection.</li>
 * </ul>
 * pgjdbc's own query timeout is not used: it cancels from one timer thread shared by the JVM, and after its
 * cancel the statement waits for the cancel request to finish, which a frozen server makes last the whole
 * {@code cancelSignalTimeout}.
 *
 * <p>A connection whose cancel request is still on its way goes back to the pool only once the request is done,
 * so that a late cancel never hits the next caller's statement. {@link #close()} ends the calls in flight by
 * closing their connections' sockets; each ends with {@link Ended}, which {@link PostgresErrors} turns into the
 * contract's exception.
 *
 * <p>Leases never change a connection's state through HikariCP's proxy ({@code setNetworkTimeout} and the like):
 * HikariCP resets such state when a connection comes back, and after its pool was shut down under a running call
 * that reset threw NullPointerException.
 */
final class Pool {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Pool.class);

  /** After the deadline, how long the server's own {@code statement_timeout} has to end the statement. */
  static final long CANCEL_AFTER_MILLIS = 10;
  /** After the deadline, when a statement that neither the server nor a cancel ended is cut off. */
  static final long ABORT_AFTER_MILLIS = 50;
  static final Duration CANCEL_AFTER = Duration.ofMillis(CANCEL_AFTER_MILLIS);
  static final Duration ABORT_AFTER = Duration.ofMillis(ABORT_AFTER_MILLIS);
  /** Less left than this after the wait, and the statement is not sent: it could not finish. */
  private static final long MIN_LEFT_MILLIS = 5;
  static final Executor DIRECT = Runnable::run;
  /** The deadline of the call that is waiting for a connection on this thread, for {@link #validatingWithinDeadline}. */
  static final ThreadLocal<Deadline> WAITING_UNTIL = new ThreadLocal<>();

  private final HikariDataSource dataSource;
  private final Duration timeout;
  private final long timeoutNanos;
  /** Leases whose connection is not back in the pool yet; the watchdog looks after them. */
  private final Set<Lease> active = ConcurrentHashMap.newKeySet();
  private final Thread watchdog;
  /** When the watchdog wakes next, as it last planned. */
  private volatile long watchdogWakes;
  private final ThreadPoolExecutor cancels;
  private volatile boolean closed;

  Pool(HikariDataSource dataSource, Duration timeout) {
    this.dataSource = dataSource;
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
    String name = dataSource.getPoolName();
    // One cancel request per connection at most; with none free the connection is closed instead.
    this.cancels = new ThreadPoolExecutor(0, Math.max(2, dataSource.getMaximumPoolSize()), 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), daemon(name + "-cancel"));
    this.watchdog = daemon(name + "-deadline").newThread(this::watch);
    watchdog.start();
  }

  /**
   * The watchdog's loop: it sleeps until the earliest moment a lease needs it. A lease taken at once (the common
   * case) falls due one whole timeout later, never before the watchdog wakes (it sleeps at most one timeout):
   * taking it does not wake the watchdog, and a call that ends in time costs the watchdog nothing. Only a lease
   * whose call waited for its connection may fall due sooner; {@link #lease()} wakes the watchdog for it.
   */
  private void watch() {
    while (!closed) {
      long now = System.nanoTime();
      long next = now + timeoutNanos;
      for (Lease lease : active) {
        next = earlier(next, lease.check(now));
      }
      watchdogWakes = next;
      // A lease added during the scan either reads this plan (and wakes the watchdog if it falls due sooner)
      // or is seen here.
      for (Lease lease : active) {
        next = earlier(next, lease.due());
      }
      LockSupport.parkNanos(this, Math.max(0, next - now));
    }
  }

  private static long earlier(long next, long due) {
    return due != Lease.NOTHING_DUE && due - next < 0 ? due : next;
  }

  /**
   * A connection from the pool, watched until its deadline.
   *
   * @throws SQLException HikariCP's {@code SQLTransientConnectionException} when no connection came in time,
   *     {@link SQLTimeoutException} when too little of the deadline is left to send a statement, {@link Ended}
   *     when the store was closed
   */
  Lease lease() throws SQLException {
    return lease(Deadline.after(timeout));
  }

  /** {@link #lease()} within {@code deadline}, the call's. */
  Lease lease(Deadline deadline) throws SQLException {
    if (closed) {
      throw Ended.closed();
    }
    Connection connection;
    WAITING_UNTIL.set(deadline);
    try {
      HikariPool hikari = (HikariPool) dataSource.getHikariPoolMXBean();
      if (hikari == null) {
        throw Ended.closed();
      }
      // HikariCP's own wait is at least 250 ms; its pool takes any timeout.
      connection = hikari.getConnection(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline.remainingNanos())));
    } catch (SQLException e) {
      if (closed) {
        throw (Ended) Ended.closed().initCause(e);
      }
      throw e;
    } finally {
      WAITING_UNTIL.remove();
    }
    long left = deadline.remainingNanos();
    if (left < TimeUnit.MILLISECONDS.toNanos(MIN_LEFT_MILLIS)) {
      quietlyClose(connection);
      throw new SQLTimeoutException("the deadline passed while waiting for a pooled connection", "57014");
    }
    Lease lease = new Lease(this, connection, deadline);
    active.add(lease);
    if (closed) {
      lease.end(Ended.Kind.CLOSED);
    } else if (lease.due() - watchdogWakes < 0) {
      LockSupport.unpark(watchdog); // a call that waited for its connection: due before the watchdog wakes
    }
    return lease;
  }

  /**
   * Ends every call in flight (their connections' sockets are closed, each call throws {@link Ended}) and stops
   * the watchdog; calls after this throw {@link Ended} at once. The pool itself is HikariCP's to close.
   */
  void close() {
    closed = true;
    for (Lease lease : active) {
      lease.end(Ended.Kind.CLOSED);
    }
    LockSupport.unpark(watchdog);
    cancels.shutdownNow();
  }

  /**
   * {@code dataSource} whose connections check themselves, when HikariCP asks them {@link Connection#isValid}
   * while a call waits for one, within what is left of that call's deadline. HikariCP checks a connection that
   * was idle for more than 500 ms before handing it out, with a timeout of at least 250 ms (and pgjdbc's
   * {@code isValid} of at least a second): on a server that stopped answering, that alone would outlast a short
   * deadline.
   */
  static DataSource validatingWithinDeadline(DataSource dataSource) {
    return new ValidatingDataSource(dataSource);
  }

  /**
   * Sends a lease's cancel request from a thread of its own.
   *
   * @throws RejectedExecutionException when no thread is free for it, or the pool is closing
   */
  void sendCancel(Runnable cancel) {
    cancels.execute(cancel);
  }

  /** A lease's connection back to the pool, or evicted first when {@code broken}; the watchdog forgets the lease. */
  void giveBack(Lease lease, Connection connection, boolean broken) {
    active.remove(lease);
    if (broken) {
      try {
        dataSource.evictConnection(connection);
      } catch (RuntimeException e) {
        log.debug("evicting a broken connection failed", e);
      }
    }
    quietlyClose(connection);
  }

  private void quietlyClose(Connection connection) {
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      log.debug("returning a connection to the pool failed", e);
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
