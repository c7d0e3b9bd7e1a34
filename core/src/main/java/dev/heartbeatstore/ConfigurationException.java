package dev.heartbeatstore;

/** A setting is missing or bad; the message names the variable and what is accepted. */
public class ConfigurationException extends HeartbeatStoreException {

  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
