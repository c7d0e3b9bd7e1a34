package dev.heartbeatstore.libsql;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.libsql.internal.LibsqlLocation;
import dev.heartbeatstore.libsql.internal.LibsqlTableAccess;
import dev.heartbeatstore.libsql.internal.LibsqlReplicationAccess;
import dev.heartbeatstore.libsql.internal.LibsqlStore;
import dev.heartbeatstore.spi.BackendContext;
import dev.heartbeatstore.spi.BackendProvider;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.spi.TelemetryTarget;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * The libSQL/Turso backend ({@code HEARTBEAT_DB_BACKEND=turso}, alias {@code libsql}):
 * {@code TURSO_DATABASE_URL} = {@code libsql://}, {@code https://} or {@code http://} for a remote
 * server (Hrana over HTTP), {@code file:} for a local SQLite file (sqlite-jdbc), {@code file::memory:} for a
 * private in-memory database.
 */
public final class LibsqlProvider implements BackendProvider {

  /** The provider {@link java.util.ServiceLoader} instantiates; opens nothing until asked to. */
  public LibsqlProvider() {}


  @Override
  public String name() {
    return HeartbeatStoreConfig.TURSO;
  }

  @Override
  public Set<String> aliases() {
    return Set.of("libsql");
  }

  @Override
  public String dbSystemName() {
    return "sqlite";
  }

  /**
   * For a remote server: its host and port (443 for {@code https}, 80 for {@code http} unless the URL sets one),
   * and the URL's path, when it has one, as {@code db.namespace}. Nothing for a local file.
   *
   * @param config the validated settings
   * @return the target; {@link TelemetryTarget#NONE} for a local file
   */

  @Override
  public TelemetryTarget telemetryTarget(HeartbeatStoreConfig config) {
    LibsqlLocation location = LibsqlLocation.parse(config.tursoDatabaseUrl(), config.tursoAuthToken());
    if (!location.isRemote()) {
      return TelemetryTarget.NONE;
    }
    URI uri = location.baseUri();
    int port = uri.getPort() > 0 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
    String host = uri.getHost();
    if (host != null && host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new TelemetryTarget(path.isEmpty() ? null : path, host, port);
  }

  @Override
  public HeartbeatStore open(BackendContext context) {
    return LibsqlStore.open(context.config(), context.clock(), context.journalWrites());
  }

  @Override
  public TableAccess openTableAccess(BackendContext context) {
    return LibsqlTableAccess.open(context.config(), context.clock());
  }

  @Override
  public ReplicationAccess openReplicationAccess(BackendContext context) {
    return LibsqlReplicationAccess.open(context.config(), context.clock());
  }

  @Override
  public List<String> requiredSettings() {
    return List.of(HeartbeatStoreConfig.TURSO_DATABASE_URL);
  }

  @Override
  public String artifact() {
    return "dev.heartbeatstore:heartbeat-backend-libsql";
  }
}
