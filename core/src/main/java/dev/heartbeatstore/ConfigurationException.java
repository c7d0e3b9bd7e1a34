package dev.heartbeatstore;

/** A setting is missing or bad; the message names the variable and what is accepted. */
public class ConfigurationException extends HeartbeatStoreException {

  private static final long serialVersionUID = 1L;

  /**
   * An error with this message.
   *
   * @param message what went wrong, without secrets
   */
  public ConfigurationException(String message) {
    super(message);
  }

  /**
   * An error with this message and cause.
   *
   * @param message what went wrong, without secrets
   * @param cause   the underlying failure
   */
  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
