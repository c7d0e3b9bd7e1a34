package dev.heartbeatstore;

/** The operation did not finish within its deadline ({@code HEARTBEAT_DB_TIMEOUT}). */
public class StoreTimeoutException extends HeartbeatStoreException {

  private static final long serialVersionUID = 1L;

  /**
   * An error with this message.
   *
   * @param message what went wrong, without secrets
   */
  public StoreTimeoutException(String message) {
    super(message);
  }

  /**
   * An error with this message and cause.
   *
   * @param message what went wrong, without secrets
   * @param cause   the underlying failure
   */
  public StoreTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
