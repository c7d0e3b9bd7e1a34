package dev.heartbeatstore;

/** A record with the same id already exists; nothing was changed. */
public class DuplicateRecordException extends HeartbeatStoreException {

  private static final long serialVersionUID = 1L;

  public DuplicateRecordException(String message) {
    super(message);
  }

  public DuplicateRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
