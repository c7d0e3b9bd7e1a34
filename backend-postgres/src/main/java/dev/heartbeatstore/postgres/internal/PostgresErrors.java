package dev.heartbeatstore.postgres.internal;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.spi.Secrets;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Translates pgjdbc and HikariCP failures into the contract's exceptions, in one place.
 *
 * <p>By SQLState: {@code 57014} (statement timeout) and {@code 55P03} (lock timeout), a pool that
 * cannot hand out a connection in time, and a socket read timeout → {@link StoreTimeoutException};
 * {@code 23505} → {@link DuplicateRecordException}; {@code 22xxx} (a value PostgreSQL cannot hold, such
 * as a NUL character) → {@link IllegalArgumentException}; everything else, notably {@code 08xxx}
 * (connection), {@code 28xxx} (authentication), {@code 53xxx} (resources) and {@code 57P0x} (shutdown)
 * → {@link StoreUnavailableException}. Messages name the operation, the table and the key, and the
 * password is scrubbed from every text taken from the driver. A {@link HeartbeatStoreException} carries the
 * SQLSTATE as its {@link HeartbeatStoreException#statusCode() status code} when the server sent one.
 */
final class PostgresErrors {

  private final String server;
  private final String password;
  private final Duration timeout;

  PostgresErrors(PostgresUrl url, Duration timeout) {
    this.server = url.server();
    this.password = url.password();
    this.timeout = timeout;
  }

  /**
   * The exception to throw for a failed operation.
   *
   * @param operation e.g. {@code store}
   * @param table     e.g. {@code heartbeats}
   * @param key       what the operation was about, e.g. {@code id=…} or {@code userId=…, owner=…}
   */
  public RuntimeException translate(SQLException e, String operation, String table, String key) {
    RuntimeException translated = translateOnly(e, operation, table, key);
    if (translated instanceof HeartbeatStoreException) {
      ((HeartbeatStoreException) translated).withStatusCode(sqlState(e));
    }
    return translated;
  }

  private RuntimeException translateOnly(SQLException e, String operation, String table, String key) {
    String what = table + "." + operation + " (" + key + ")";
    Ended ended = Ended.in(e);
    switch (classify(e)) {
      case CLOSED:
        return new StoreUnavailableException(what + " was ended: the heartbeat store was closed while it ran", e);
      case TIMEOUT:
        return new StoreTimeoutException(what + " did not finish within " + timeout.toMillis() + " ms on PostgreSQL at "
            + server + ": " + (ended != null && ended != e ? describe(ended) + "; " : "") + describe(e), e);
      case DUPLICATE:
        return new DuplicateRecordException(what + ": a record with this id already exists in " + table
            + duplicateDetail(e), e);
      case INVALID_VALUE:
        return new IllegalArgumentException(what + ": PostgreSQL cannot store a value: " + describe(e), e);
      default:
        return new StoreUnavailableException(what + " failed on PostgreSQL at " + server + ": " + describe(e), e);
    }
  }

  /** The exception to throw when the store cannot start, e.g. while creating the pool or migrating. */
  public HeartbeatStoreException atStart(Throwable e, String step) {
    Kind kind = classifyDriver(e);
    String text = "cannot " + step + " (PostgreSQL at " + server + "): " + describe(e);
    if (kind == Kind.TIMEOUT) {
      return new StoreTimeoutException(text + " (timeout " + timeout.toMillis() + " ms)", e).withStatusCode(sqlState(e));
    }
    return new StoreUnavailableException(text, e).withStatusCode(sqlState(e));
  }

  /** The first SQLSTATE in the cause chain, or null. */
  static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException && ((SQLException) t).getSQLState() != null) {
        return ((SQLException) t).getSQLState();
      }
    }
    return null;
  }

  enum Kind { TIMEOUT, DUPLICATE, INVALID_VALUE, UNAVAILABLE, CLOSED }

  /**
   * What happened. A call that {@link Pool}'s watchdog or the store's close ended carries a {@link Ended}
   * (itself, or suppressed by the try-with-resources block); it decides unless the server's own answer
   * was definite (a duplicate key, a value it cannot hold).
   */
  static Kind classify(Throwable e) {
    Ended ended = e instanceof SQLException ? Ended.in(e) : null;
    Kind kind = ended == e ? null : classifyDriver(e);
    if (ended == null) {
      return kind;
    }
    if (kind == Kind.DUPLICATE || kind == Kind.INVALID_VALUE) {
      return kind;
    }
    return ended.kind() == Ended.Kind.CLOSED ? Kind.CLOSED : Kind.TIMEOUT;
  }

  private static Kind classifyDriver(Throwable e) {
    String state = null;
    boolean poolTimeout = false;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return Kind.TIMEOUT;
      }
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return Kind.UNAVAILABLE;
      }
      if (t instanceof SQLTransientConnectionException) {
        poolTimeout = true; // HikariCP's; it copies the SQLState of its last failure to connect or to validate
      } else if (state == null && t instanceof SQLException) {
        state = ((SQLException) t).getSQLState();
      }
    }
    if (poolTimeout) {
      // HikariCP gave up waiting for a connection at the deadline: a timeout, unless the server refuses
      // connections outright (authentication, no such database, too many connections).
      boolean refused = state != null && (state.startsWith("28") || state.startsWith("3D") || state.startsWith("53"));
      return refused ? Kind.UNAVAILABLE : Kind.TIMEOUT;
    }
    if (state != null) {
      if (state.equals("57014") || state.equals("55P03")) {
        return Kind.TIMEOUT;
      }
      if (state.equals("23505")) {
        return Kind.DUPLICATE;
      }
      if (state.startsWith("08") || state.startsWith("28") || state.startsWith("53") || state.startsWith("57P")) {
        return Kind.UNAVAILABLE;
      }
      if (state.startsWith("22")) {
        return Kind.INVALID_VALUE;
      }
    }
    return Kind.UNAVAILABLE;
  }

  /** The driver's message with its SQLState, the password scrubbed. */
  String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      root = t;
      if (t instanceof SQLException && ((SQLException) t).getSQLState() != null) {
        break;
      }
    }
    sb.append(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
    if (root instanceof SQLException && ((SQLException) root).getSQLState() != null) {
      sb.append(" [SQLState ").append(((SQLException) root).getSQLState()).append(']');
    }
    return Secrets.scrub(sb.toString(), password);
  }

  private String duplicateDetail(SQLException e) {
    if (e instanceof PSQLException) {
      ServerErrorMessage server = ((PSQLException) e).getServerErrorMessage();
      if (server != null && server.getDetail() != null) {
        // e.g. "Key (id)=(…) already exists." — names the offending id of a batch.
        return ": " + Secrets.scrub(server.getDetail(), password);
      }
    }
    return "";
  }
}
