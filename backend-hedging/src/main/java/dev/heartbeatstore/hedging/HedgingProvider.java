package dev.heartbeatstore.hedging;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.hedging.internal.HedgingStore;
import dev.heartbeatstore.spi.BackendContext;
import dev.heartbeatstore.spi.BackendProvider;
import java.util.List;

/**
 * {@code HEARTBEAT_DB_BACKEND=hedging}: a fail-open dual-writer. The primary
 * ({@code HEARTBEAT_HEDGING_PRIMARY}) is the source of truth; every write it accepts is repeated on
 * the secondary, whose failures are logged and counted but never thrown. Both sides are opened
 * through the SPI, so this module names no concrete backend.
 */
public final class HedgingProvider implements BackendProvider {

  /** The provider {@link java.util.ServiceLoader} instantiates; opens nothing until asked to. */
  public HedgingProvider() {}


  @Override
  public String name() {
    return HeartbeatStoreConfig.HEDGING;
  }

  /**
   * None: the primary and secondary stores record their own operation metrics.
   *
   * @return null
   */

  @Override
  public String dbSystemName() {
    return null;
  }

  @Override
  public HeartbeatStore open(BackendContext context) {
    return HedgingStore.open(context);
  }

  @Override
  public List<String> requiredSettings() {
    return List.of(HeartbeatStoreConfig.DATABASE_URL, HeartbeatStoreConfig.TURSO_DATABASE_URL);
  }

  @Override
  public String artifact() {
    return "dev.heartbeatstore:heartbeat-backend-hedging";
  }
}
