package dev.heartbeatstore.spi;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;

/** What a {@link BackendProvider} is given to open its store. */
public interface BackendContext {

  /**
   * The settings to open the store with, already validated.
   *
   * @return the validated configuration, never null
   */
  HeartbeatStoreConfig config();

  /**
   * The OpenTelemetry instance the store reports to.
   *
   * @return {@code config().openTelemetry()} by default
   */
  default OpenTelemetry openTelemetry() {
    return config().openTelemetry();
  }

  /**
   * The clock behind {@code updatedAt = now}.
   *
   * @return {@code config().clock()} by default
   */
  default Clock clock() {
    return config().clock();
  }

  /**
   * Whether the store to open journals its writes for a hedging secondary: each write also records, in
   * the same transaction, one {@link ReplicationAccess.Entry} per key it changed.
   *
   * @return true to journal writes; false by default
   */
  default boolean journalWrites() {
    return false;
  }

  /**
   * Opens another backend by name through the same SPI, with the same configuration, already
   * validated and instrumented; for backends that wrap others (hedging). The caller closes it.
   *
   * @param name the backend's name or alias, e.g. {@code "postgres"}
   * @return the opened store
   */
  default HeartbeatStore openBackend(String name) {
    return openBackend(name, config());
  }

  /**
   * Like {@link #openBackend(String)} with different settings, e.g. a shorter deadline for a
   * hedging secondary.
   *
   * @param name   the backend's name or alias, e.g. {@code "turso"}
   * @param config the settings to open it with
   * @return the opened store; the caller closes it
   */
  HeartbeatStore openBackend(String name, HeartbeatStoreConfig config);

  /**
   * Like {@link #openBackend(String, HeartbeatStoreConfig)}, the store journaling its writes for a
   * hedging secondary ({@link #journalWrites()}).
   *
   * @param name   the backend's name or alias
   * @param config the settings to open it with
   * @return the opened store, journaling its writes; the caller closes it
   */
  HeartbeatStore openJournaledBackend(String name, HeartbeatStoreConfig config);

  /**
   * Opens the journal of, and replay into, another backend by name (see {@link ReplicationAccess}).
   *
   * @param name   the backend's name or alias
   * @param config the settings to open it with
   * @return the journal access; the caller closes it
   */

  ReplicationAccess openReplicationAccess(String name, HeartbeatStoreConfig config);
}
