package dev.heartbeatstore.spi;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import java.util.List;
import java.util.Set;

/**
 * A storage backend, found with {@link java.util.ServiceLoader}: a backend module lists its
 * implementation in {@code META-INF/services/dev.heartbeatstore.spi.BackendProvider}.
 *
 * <p>The store a provider opens does not validate arguments, truncate instants or record metrics:
 * core wraps it once, the same way for every backend. It does enforce the deadline
 * ({@code config.timeout()}) and translates its driver's errors into the contract's exceptions.
 *
 * <p>A provider declares what core needs to know about its backend: its {@link #name()} and
 * {@link #aliases()} (the accepted values of {@code HEARTBEAT_DB_BACKEND}), its
 * {@link #requiredSettings()} and its {@link #artifact()}. Core asks the providers it finds; adding a
 * backend edits no core class.
 */
public interface BackendProvider {

  /**
   * The value of {@code HEARTBEAT_DB_BACKEND} that selects this backend, e.g. {@code "postgres"}.
   *
   * @return the backend's name, lowercase
   */
  String name();

  /**
   * The {@code db.system.name} that core records on {@code db.client.operation.duration} around this
   * backend ({@code "postgresql"}, {@code "sqlite"}), or {@code null} for a backend that only wraps
   * other backends and whose inner stores already record their own.
   *
   * @return the {@code db.system.name} value, or null
   */
  String dbSystemName();

  /**
   * The {@code db.namespace}, {@code server.address} and {@code server.port} that core records on the
   * spans and metrics of this backend's operations, read from {@code config} without any I/O.
   *
   * @param config the validated settings the store is opened with
   * @return what is known; {@link TelemetryTarget#NONE} by default
   */
  default TelemetryTarget telemetryTarget(HeartbeatStoreConfig config) {
    return TelemetryTarget.NONE;
  }

  /**
   * Opens the backend: builds its pools and clients, applies or checks the schema.
   *
   * @param context the validated settings, telemetry and clock, and access to other backends
   * @return the opened store; core wraps it and the caller closes it
   * @throws dev.heartbeatstore.ConfigurationException when the settings cannot work for this backend
   * @throws dev.heartbeatstore.StoreUnavailableException when the database cannot be reached
   */
  HeartbeatStore open(BackendContext context);

  /**
   * Opens whole-table access for the migration tools, with the schema applied or checked as
   * {@code open} does. Backends that hold no data of their own (hedging) do not support it.
   *
   * @param context the validated settings to open it with
   * @return the table access; the caller closes it
   * @throws dev.heartbeatstore.ConfigurationException by default: the backend does not support the tools
   */
  default TableAccess openTableAccess(BackendContext context) {
    throw new dev.heartbeatstore.ConfigurationException(
        "the " + name() + " backend does not support the migration tools (backfill, verify, doctor)");
  }

  /**
   * Opens the hedging journal of this backend's database and replay into it (see
   * {@link ReplicationAccess}), with the schema applied or checked as {@code open} does. Backends that
   * hold no data of their own (hedging) do not support it.
   *
   * @param context the validated settings to open it with
   * @return the journal access; the caller closes it
   * @throws dev.heartbeatstore.ConfigurationException by default: the backend keeps no journal
   */
  default ReplicationAccess openReplicationAccess(BackendContext context) {
    throw new dev.heartbeatstore.ConfigurationException(
        "the " + name() + " backend cannot be a side of the hedging backend (it keeps no journal)");
  }

  /**
   * Other names that select this backend, lowercase, e.g. {@code "libsql"} for {@code "turso"}.
   *
   * @return the aliases; empty by default
   */
  default Set<String> aliases() {
    return Set.of();
  }

  /**
   * The settings this backend cannot open without, by variable name (the constants of
   * {@link dev.heartbeatstore.HeartbeatStoreConfig}, e.g. {@code DATABASE_URL}), in the order a missing
   * one is reported. {@link dev.heartbeatstore.HeartbeatStoreConfig.Builder#build()} checks them before
   * any I/O and names the first one missing.
   *
   * @return the required variable names; empty by default
   */
  default List<String> requiredSettings() {
    return List.of();
  }

  /**
   * The Maven coordinates ({@code groupId:artifactId}) of the module that brings this backend, for the
   * message an application gets when it selects the backend without it; null when not published.
   *
   * @return {@code groupId:artifactId}, or null (the default)
   */

  default String artifact() {
    return null;
  }
}
