package dev.heartbeatstore;

/** The database cannot be reached, refused authentication, or answered with a server error. Retryable. */
public class StoreUnavailableException extends HeartbeatStoreException {

  private static final long serialVersionUID = 1L;

  /**
   * An error with this message.
   *
   * @param message what went wrong, without secrets
   */
  public StoreUnavailableException(String message) {
    super(message);
  }

  /**
   * An error with this message and cause.
   *
   * @param message what went wrong, without secrets
   * @param cause   the underlying failure
   */
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
