package dev.heartbeatstore.postgres.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.jdbc.PgStatement;

/**
 * Pooled connections under one per-operation deadline ({@code HEARTBEAT_DB_TIMEOUT}) that covers the wait
 * for a connection and the statement together.
 *
 * <p>Every connection starts with {@code statement_timeout} = the whole deadline (a start-up option, no
 * round trip per call), which is right when the pool hands a connection out at once, as it almost always
 * does. When the caller had to wait for one (the pool was exhausted), its statement gets only what is left
 * of the deadline, as pgjdbc's query timeout (a cancel request when it expires, SQLState 57014, so no round
 * trip either); with nothing left it is not sent at all. Without this, a call could take the pool wait plus
 * a whole statement timeout: twice its deadline.
 *
 * <p>A server that stops answering altogether (frozen, or cut off by the network) answers neither the
 * statement timeout nor a cancel. For that, each lease sets the connection's network timeout (the socket's
 * read timeout, in milliseconds) to what is left of the deadline plus {@link #NETWORK_GRACE_MILLIS}, time for
 * the server's own timeout error to arrive; HikariCP puts the connection's own value back when it returns to
 * the pool. Before, only the data source's socket timeout (whole seconds, the deadline rounded up plus two)
 * bounded such a call: 3 s for a deadline of 750 ms.
 */
final class Pool {

  /** A wait shorter than this keeps the connection's own statement timeout (the deadline plus at most this). */
  private static final long WAIT_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  /** Less left than this, and the statement is not sent: it could not finish, and a cancel could outrun it. */
  private static final long MIN_LEFT_MILLIS = 5;
  /** How long past the deadline a silent server is waited for before the connection is given up. */
  static final int NETWORK_GRACE_MILLIS = 500;
  private static final java.util.concurrent.Executor DIRECT = Runnable::run;

  private final DataSource dataSource;
  private final long timeoutNanos;

  Pool(DataSource dataSource, Duration timeout) {
    this.dataSource = dataSource;
    this.timeoutNanos = timeout.toNanos();
  }

  /** A connection from the pool, with what is left of the deadline for its statements. */
  Lease lease() throws SQLException {
    long start = System.nanoTime();
    Connection connection = dataSource.getConnection();
    long waited = System.nanoTime() - start;
    long left = Math.max(0, timeoutNanos - waited);
    try {
      long networkMillis = TimeUnit.NANOSECONDS.toMillis(left) + NETWORK_GRACE_MILLIS;
      connection.setNetworkTimeout(DIRECT, (int) Math.min(Integer.MAX_VALUE, networkMillis));
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    return new Lease(connection, waited < WAIT_SLACK_NANOS ? -1 : left);
  }

  /** One operation's connection; closing it returns it to the pool. */
  static final class Lease implements AutoCloseable {
    private final Connection connection;
    /** What is left of the deadline after the wait, or -1: no wait worth counting. */
    private final long leftNanos;

    private Lease(Connection connection, long leftNanos) {
      this.connection = connection;
      this.leftNanos = leftNanos;
    }

    /** {@code connection.prepareStatement(sql)}, bounded by what is left of the deadline. */
    PreparedStatement prepare(String sql) throws SQLException {
      long leftMillis = leftNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(leftNanos);
      if (leftMillis >= 0 && leftMillis < MIN_LEFT_MILLIS) {
        throw new SQLTimeoutException("the deadline passed while waiting for a pooled connection", "57014");
      }
      PreparedStatement ps = connection.prepareStatement(sql);
      if (leftMillis >= 0) {
        try {
          ps.unwrap(PgStatement.class).setQueryTimeoutMs(leftMillis);
        } catch (SQLException | RuntimeException e) {
          ps.close();
          throw e;
        }
      }
      return ps;
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }
}
