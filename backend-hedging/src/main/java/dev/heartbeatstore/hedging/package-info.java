/**
 * The hedging backend: its {@link dev.heartbeatstore.spi.BackendProvider} (selected with
 * {@code HEARTBEAT_DB_BACKEND=hedging}, never called directly) and {@link
 * dev.heartbeatstore.hedging.JournalDrain}, the supported entry point of the CLI's {@code journal drain}.
 */
package dev.heartbeatstore.hedging;
