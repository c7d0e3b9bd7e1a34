package dev.heartbeatstore;

/**
 * Base of every error heartbeat-store throws. Unchecked; messages never contain a password or token.
 *
 * <p>When the database answered with an error code, {@link #statusCode()} holds it (PostgreSQL's SQLSTATE
 * such as {@code 23505}, libSQL's result code such as {@code SQLITE_CONSTRAINT_PRIMARYKEY}); the library
 * records it as {@code db.response.status_code} and {@code error.type} (contract §5), taking the first one
 * in the cause chain.
 */
public class HeartbeatStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The database's error code, or null. */
  private String statusCode;

  /**
   * An error with this message.
   *
   * @param message what went wrong, without secrets
   */
  public HeartbeatStoreException(String message) {
    super(message);
  }

  /**
   * An error with this message and cause.
   *
   * @param message what went wrong, without secrets
   * @param cause   the driver's or transport's exception
   */
  public HeartbeatStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The database's error code for this failure, or null when there is none (a timeout the library enforced,
   * a server that could not be reached).
   *
   * @return e.g. {@code 23505} (PostgreSQL SQLSTATE) or {@code SQLITE_BUSY} (libSQL result code), or null
   */
  public String statusCode() {
    return statusCode;
  }

  /**
   * Sets the database's error code, once; for backends, when they translate a driver's error.
   *
   * @param code the SQLSTATE or libSQL result code; null or blank leaves it unset
   * @return this exception
   * @throws IllegalStateException when a status code was already set
   */
  public HeartbeatStoreException withStatusCode(String code) {
    if (statusCode != null) {
      throw new IllegalStateException("the status code of this exception is already set");
    }
    if (code != null && !code.isBlank()) {
      statusCode = code;
    }
    return this;
  }
}
