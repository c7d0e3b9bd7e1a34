package dev.heartbeatstore.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.BackendContext;
import dev.heartbeatstore.spi.BackendProvider;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.spi.ReplicationAccess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Finds a backend with {@link ServiceLoader}, opens it and wraps it in validation and telemetry. */
public final class StoreFactory {

  private StoreFactory() {}

  public static HeartbeatStore open(HeartbeatStoreConfig config) {
    return open(config, config.backend());
  }

  /** Whole-table access to one backend ({@code postgres} or {@code turso}), for the migration tools. */
  public static TableAccess openTableAccess(HeartbeatStoreConfig config, String backendName) {
    return find(backendName).openTableAccess(context(config));
  }

  /** The hedging journal of one backend's database, and replay into it, for the migration tools. */
  public static ReplicationAccess openReplicationAccess(HeartbeatStoreConfig config, String backendName) {
    return find(backendName).openReplicationAccess(context(config));
  }

  static HeartbeatStore open(HeartbeatStoreConfig config, String backendName) {
    return open(config, backendName, false);
  }

  private static HeartbeatStore open(HeartbeatStoreConfig config, String backendName, boolean journalWrites) {
    BackendProvider provider = find(backendName);
    // Before open: reads the settings only, and nothing is left open if it fails.
    OperationTelemetry telemetry = OperationTelemetry.create(config.openTelemetry(), config.telemetry(),
        provider.dbSystemName(), provider.telemetryTarget(config));
    HeartbeatStore raw = provider.open(context(config, journalWrites));
    return new CheckedHeartbeatStore(raw, telemetry);
  }

  private static BackendContext context(HeartbeatStoreConfig config) {
    return context(config, false);
  }

  private static BackendContext context(HeartbeatStoreConfig config, boolean journalWrites) {
    return new BackendContext() {
      @Override
      public HeartbeatStoreConfig config() {
        return config;
      }

      @Override
      public boolean journalWrites() {
        return journalWrites;
      }

      @Override
      public HeartbeatStore openBackend(String name, HeartbeatStoreConfig settings) {
        return open(settings, name, false);
      }

      @Override
      public HeartbeatStore openJournaledBackend(String name, HeartbeatStoreConfig settings) {
        return open(settings, name, true);
      }

      @Override
      public ReplicationAccess openReplicationAccess(String name, HeartbeatStoreConfig settings) {
        return find(name).openReplicationAccess(context(settings, false));
      }
    };
  }

  static BackendProvider find(String backendName) {
    for (BackendProvider provider : providers()) {
      if (provider.name().equals(backendName) || provider.aliases().contains(backendName)) {
        return provider;
      }
    }
    throw new ConfigurationException(HeartbeatStoreConfig.BACKEND + "=" + backendName
        + " but that backend is not on the classpath; add the dependency " + BackendCatalog.artifact(backendName));
  }

  /**
   * The providers on the classpath, one per name: those the context class loader sees, then those ours
   * sees (the context loader may not see the backend in some containers).
   */
  static List<BackendProvider> providers() {
    Map<String, BackendProvider> byName = new LinkedHashMap<>();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    for (ClassLoader loader : new ClassLoader[] {context, StoreFactory.class.getClassLoader()}) {
      if (loader == null) {
        continue;
      }
      for (BackendProvider provider : ServiceLoader.load(BackendProvider.class, loader)) {
        byName.putIfAbsent(provider.name(), provider);
      }
    }
    return new ArrayList<>(byName.values());
  }
}
