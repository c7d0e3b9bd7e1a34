package dev.heartbeatstore;

/** The database cannot be reached, refused authentication, or answered with a server error. Retryable. */
public class StoreUnavailableException extends HeartbeatStoreException {

  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message) {
    super(message);
  }

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
