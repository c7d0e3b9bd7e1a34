package dev.heartbeatstore;

/** A stored row cannot be mapped (malformed UUID, unparsable timestamp, unexpected type). Never a silent default. */
public class CorruptRecordException extends HeartbeatStoreException {

  private static final long serialVersionUID = 1L;

  public CorruptRecordException(String message) {
    super(message);
  }

  public CorruptRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
