package dev.heartbeatstore.postgres;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.postgres.internal.PostgresHeartbeatStore;
import dev.heartbeatstore.postgres.internal.PostgresTableAccess;
import dev.heartbeatstore.postgres.internal.PostgresReplicationAccess;
import dev.heartbeatstore.postgres.internal.PostgresUrl;
import dev.heartbeatstore.spi.BackendContext;
import dev.heartbeatstore.spi.BackendProvider;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.spi.TelemetryTarget;
import java.util.List;

/**
 * The PostgreSQL backend ({@code HEARTBEAT_DB_BACKEND=postgres}): a HikariCP pool over pgjdbc, the
 * schema applied by Flyway with its own history table, so it never collides with the host's Flyway.
 *
 * <p>Found by {@link java.util.ServiceLoader}; applications open it through
 * {@link dev.heartbeatstore.HeartbeatStores}, never directly.
 */
public final class PostgresProvider implements BackendProvider {

  /** The provider {@link java.util.ServiceLoader} instantiates; opens nothing until asked to. */
  public PostgresProvider() {}


  @Override
  public String name() {
    return HeartbeatStoreConfig.POSTGRES;
  }

  @Override
  public String dbSystemName() {
    return "postgresql";
  }

  /**
   * The first host and port of {@code DATABASE_URL}, and its database as {@code db.namespace}, qualified by
   * the schema ({@code database.schema}) when the URL sets {@code currentSchema} to a single one.
   *
   * @param config the validated settings
   * @return the target, read from the URL without I/O
   */

  @Override
  public TelemetryTarget telemetryTarget(HeartbeatStoreConfig config) {
    return PostgresUrl.parse(config.databaseUrl()).telemetryTarget();
  }

  @Override
  public HeartbeatStore open(BackendContext context) {
    return PostgresHeartbeatStore.open(context.config(), context.clock(), context.journalWrites());
  }

  @Override
  public TableAccess openTableAccess(BackendContext context) {
    return PostgresTableAccess.open(context.config(), context.clock());
  }

  @Override
  public ReplicationAccess openReplicationAccess(BackendContext context) {
    return PostgresReplicationAccess.open(context.config(), context.clock());
  }

  @Override
  public List<String> requiredSettings() {
    return List.of(HeartbeatStoreConfig.DATABASE_URL);
  }

  @Override
  public String artifact() {
    return "dev.heartbeatstore:heartbeat-backend-postgres";
  }
}
