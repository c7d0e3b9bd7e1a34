package dev.heartbeatstore.spi;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.internal.StoreFactory;

/**
 * The supported entry point of the project's own tools into one backend, past the {@link
 * dev.heartbeatstore.HeartbeatStore} API: the migration tools ({@code heartbeat-migration}, the CLI's
 * {@code backfill}, {@code verify}, {@code doctor}, {@code migrate} and {@code journal}), the Spring Boot
 * starter's health indicator and the benchmarks. Backend authors may use it in their tests.
 *
 * <p>Applications open stores with {@link dev.heartbeatstore.HeartbeatStores} and need nothing here.
 * The backend is found the same way {@code HeartbeatStores} finds it ({@link java.util.ServiceLoader}
 * over {@link BackendProvider}); a missing module is a {@link dev.heartbeatstore.ConfigurationException}
 * naming the artifact to add. Each call opens new connections: the caller closes what it gets.
 */
public final class Backends {

  private Backends() {}

  /**
   * Whole-table access to one backend's database ({@code postgres} or {@code turso}; aliases accepted),
   * with the schema applied or checked as opening a store does.
   *
   * @param config      the settings to connect with
   * @param backendName the backend's name or alias
   * @return the table access; the caller closes it
   * @throws dev.heartbeatstore.ConfigurationException when that backend is missing or cannot serve the migration tools
   * @throws dev.heartbeatstore.StoreUnavailableException when the database cannot be reached
   */
  public static TableAccess openTableAccess(HeartbeatStoreConfig config, String backendName) {
    return StoreFactory.openTableAccess(config, backendName);
  }

  /**
   * The hedging journal of one backend's database ({@code postgres} or {@code turso}; aliases accepted),
   * and replay into it.
   *
   * @param config      the settings to connect with
   * @param backendName the backend's name or alias
   * @return the journal access; the caller closes it

   * @throws dev.heartbeatstore.ConfigurationException when that backend is missing or keeps no journal
   * @throws dev.heartbeatstore.StoreUnavailableException when the database cannot be reached
   */
  public static ReplicationAccess openReplicationAccess(HeartbeatStoreConfig config, String backendName) {
    return StoreFactory.openReplicationAccess(config, backendName);
  }
}
