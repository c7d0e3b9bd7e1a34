package dev.heartbeatstore.postgres;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A host service's data source for the test's schema, as its own Flyway would use it. */
final class SchemaDataSource implements DataSource {

  private final IsolatedSchema schema;

  SchemaDataSource(IsolatedSchema schema) {
    this.schema = schema;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return schema.connect();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return schema.connect();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
