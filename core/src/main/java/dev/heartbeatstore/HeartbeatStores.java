package dev.heartbeatstore;

import dev.heartbeatstore.internal.StoreFactory;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.util.Map;

/** Opens a {@link HeartbeatStore} from the environment or from a {@link HeartbeatStoreConfig}. */
public final class HeartbeatStores {

  private HeartbeatStores() {}

  /**
   * Opens the store the process environment ({@link System#getenv()}) describes.
   *
   * @return the open store; close it when the application stops
   * @throws ConfigurationException naming the bad or missing variable
   * @throws StoreUnavailableException when the database cannot be reached at start
   */
  public static HeartbeatStore fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Opens the store {@code env} describes (contract §3), recording spans and metrics on
   * {@link GlobalOpenTelemetry}.
   *
   * @param env the variables, e.g. {@link System#getenv()}
   * @return the open store; close it when the application stops
   * @throws ConfigurationException naming the bad or missing variable
   * @throws StoreUnavailableException when the database cannot be reached at start
   */
  public static HeartbeatStore fromEnvironment(Map<String, String> env) {
    HeartbeatStoreConfig config = HeartbeatStoreConfig.builderFromEnvironment(env)
        .openTelemetry(GlobalOpenTelemetry.get())
        .build();
    return open(config);
  }

  /**
   * Opens the store {@code config} describes.
   *
   * @param config the settings
   * @return the open store; close it when the application stops
   * @throws IllegalArgumentException when {@code config} is null
   * @throws StoreUnavailableException when the database cannot be reached at start
   */
  public static HeartbeatStore open(HeartbeatStoreConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("config must not be null");
    }
    return StoreFactory.open(config);
  }
}
