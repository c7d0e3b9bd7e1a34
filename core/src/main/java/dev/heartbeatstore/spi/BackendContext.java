package dev.heartbeatstore.spi;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;

/** What a {@link BackendProvider} is given to open its store. */
public interface BackendContext {

  HeartbeatStoreConfig config();

  default OpenTelemetry openTelemetry() {
    return config().openTelemetry();
  }

  /** The clock behind {@code updatedAt = now}. */
  default Clock clock() {
    return config().clock();
  }

  /**
   * Whether the store to open journals its writes for a hedging secondary: each write also records, in
   * the same transaction, one {@link ReplicationAccess.Entry} per key it changed.
   */
  default boolean journalWrites() {
    return false;
  }

  /**
   * Opens another backend by name through the same SPI, with the same configuration, already
   * validated and instrumented; for backends that wrap others (hedging). The caller closes it.
   */
  default HeartbeatStore openBackend(String name) {
    return openBackend(name, config());
  }

  /**
   * Like {@link #openBackend(String)} with different settings, e.g. a shorter deadline for a
   * hedging secondary.
   */
  HeartbeatStore openBackend(String name, HeartbeatStoreConfig config);

  /**
   * Like {@link #openBackend(String, HeartbeatStoreConfig)}, the store journaling its writes for a
   * hedging secondary ({@link #journalWrites()}).
   */
  HeartbeatStore openJournaledBackend(String name, HeartbeatStoreConfig config);

  /** Opens the journal of, and replay into, another backend by name (see {@link ReplicationAccess}). */
  ReplicationAccess openReplicationAccess(String name, HeartbeatStoreConfig config);
}
