package dev.heartbeatstore;

/** Base of every error heartbeat-store throws. Unchecked; messages never contain a password or token. */
public class HeartbeatStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public HeartbeatStoreException(String message) {
    super(message);
  }

  public HeartbeatStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
