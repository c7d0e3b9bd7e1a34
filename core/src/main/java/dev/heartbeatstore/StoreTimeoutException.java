package dev.heartbeatstore;

/** The operation did not finish within its deadline ({@code HEARTBEAT_DB_TIMEOUT}). */
public class StoreTimeoutException extends HeartbeatStoreException {

  private static final long serialVersionUID = 1L;

  public StoreTimeoutException(String message) {
    super(message);
  }

  public StoreTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
