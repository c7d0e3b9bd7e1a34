package dev.heartbeatstore.postgres.internal;

import dev.heartbeatstore.spi.Deadline;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source whose connections check themselves within the deadline of the call waiting for them:
 * see {@link Pool#validatingWithinDeadline}.
 */
final class ValidatingDataSource implements DataSource {
  private final DataSource target;

  ValidatingDataSource(DataSource target) {
    this.target = target;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return validatingWithinDeadline(target.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return validatingWithinDeadline(target.getConnection(username, password));
  }

  private static Connection validatingWithinDeadline(Connection connection) {
    return (Connection) Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          Deadline waitingUntil = Pool.WAITING_UNTIL.get();
          if (waitingUntil != null && method.getName().equals("isValid")) {
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(waitingUntil.remainingNanos());
            // pgjdbc's isValid keeps a network timeout shorter than its own; HikariCP puts its own back after.
            connection.setNetworkTimeout(Pool.DIRECT, (int) Math.max(1, Math.min(Integer.MAX_VALUE, leftMillis)));
          }
          try {
            return method.invoke(connection, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || target.isWrapperFor(iface);
  }
}
