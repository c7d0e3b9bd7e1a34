package dev.heartbeatstore;

/** A stored row cannot be mapped (malformed UUID, unparsable timestamp, unexpected type). Never a silent default. */
public class CorruptRecordException extends HeartbeatStoreException {

  private static final long serialVersionUID = 1L;

  /**
   * An error with this message.
   *
   * @param message what went wrong, without secrets
   */
  public CorruptRecordException(String message) {
    super(message);
  }

  /**
   * An error with this message and cause.
   *
   * @param message what went wrong, without secrets
   * @param cause   the underlying failure
   */
  public CorruptRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
