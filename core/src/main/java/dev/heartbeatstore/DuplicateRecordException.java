package dev.heartbeatstore;

/** A record with the same id already exists; nothing was changed. */
public class DuplicateRecordException extends HeartbeatStoreException {

  private static final long serialVersionUID = 1L;

  /**
   * An error with this message.
   *
   * @param message what went wrong, without secrets
   */
  public DuplicateRecordException(String message) {
    super(message);
  }

  /**
   * An error with this message and cause.
   *
   * @param message what went wrong, without secrets
   * @param cause   the underlying failure
   */
  public DuplicateRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
