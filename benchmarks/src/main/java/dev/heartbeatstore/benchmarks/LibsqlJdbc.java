package dev.heartbeatstore.benchmarks;

import dev.heartbeatstore.Heartbeat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/** The heartbeat rows as {@link LibsqlBenchmark}'s JDBC sides write and read them (libsql-jdbc, sqlite-jdbc). */
final class LibsqlJdbc {

  private LibsqlJdbc() {}

  /**
   * libsql-jdbc 1.0.6: {@code executeUpdate()} throws and transactions are not supported, so each row is
   * its own {@code execute()}, one HTTP request (docs/decisions/0001). Statements are prepared per call:
   * a reused {@code PreparedStatement} returns no rows from its second {@code executeQuery} on (measured
   * here), and preparing is client-side only in this driver (no round trip).
   */
  static void jdbcStore(Connection jdbc, Heartbeat h) throws SQLException {
    try (PreparedStatement ps = jdbc.prepareStatement(RawHrana.INSERT)) {
      bind(ps, h);
      ps.execute();
    }
  }

  /** {@code getBoolean} reads a stored 1 as false in 1.0.6: the 0/1 is read as a number. */
  static Heartbeat jdbcLast(Connection jdbc, String user, String owner) throws SQLException {
    try (PreparedStatement ps = jdbc.prepareStatement(RawHrana.LAST)) {
      ps.setString(1, user);
      ps.setString(2, owner);
      return mapJdbc(ps);
    }
  }

  private static Heartbeat mapJdbc(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("no row");
      }
      long micros = rs.getLong(6);
      return new Heartbeat(UUID.fromString(rs.getString(1)), rs.getString(2), rs.getString(3), rs.getLong(4) == 1,
          rs.getString(5), Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
              Math.floorMod(micros, 1_000_000L) * 1_000L));
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  static void bind(PreparedStatement ps, Heartbeat h) throws SQLException {
    ps.setString(1, h.id().toString());
    ps.setString(2, h.owner());
    ps.setString(3, h.version());
    ps.setLong(4, h.charging() ? 1 : 0);
    ps.setString(5, h.userId());
    ps.setLong(6, micros(h.timestamp()));
  }
}
