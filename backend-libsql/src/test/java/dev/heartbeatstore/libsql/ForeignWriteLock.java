package dev.heartbeatstore.libsql;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Another process's connection to a database file, holding the file's write lock ({@code BEGIN IMMEDIATE})
 * until closed. SQLite locks per connection, so a second connection in this JVM blocks the store exactly
 * as a second process would.
 */
final class ForeignWriteLock implements AutoCloseable {

  private final Connection connection;

  private ForeignWriteLock(Connection connection) {
    this.connection = connection;
  }

  static ForeignWriteLock hold(Path file) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try {
      c.createStatement().execute("BEGIN IMMEDIATE");
      return new ForeignWriteLock(c);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  /** Releases the lock (the transaction wrote nothing) and closes the connection. */
  @Override
  public void close() throws SQLException {
    try {
      connection.createStatement().execute("ROLLBACK");
    } finally {
      connection.close();
    }
  }
}
