package dev.heartbeatstore.spi;

/**
 * Which database a backend's operations reach, as the OpenTelemetry attributes {@code db.namespace},
 * {@code server.address} and {@code server.port} name it (contract §5). Every part is optional: null where
 * there is nothing to say (a local file has no server).
 *
 * @param namespace     the database, e.g. {@code app} or {@code app.heartbeats} (database.schema); or null
 * @param serverAddress the host name or IP address of the server, or null for a local database
 * @param serverPort    the server's port, or null
 */
public record TelemetryTarget(String namespace, String serverAddress, Integer serverPort) {

  /** Nothing known: no namespace, no server. */
  public static final TelemetryTarget NONE = new TelemetryTarget(null, null, null);

  /**
   * Checks the port.
   *
   * @param namespace     the database, or null
   * @param serverAddress the server's host name or IP address, or null
   * @param serverPort    the server's port, or null
   * @throws IllegalArgumentException naming {@code serverPort} when it is not from 1 to 65535
   */
  public TelemetryTarget {
    if (serverPort != null && (serverPort < 1 || serverPort > 65535)) {
      throw new IllegalArgumentException("serverPort must be from 1 to 65535, was " + serverPort);
    }
  }
}
