/**
 * SPI implementation: the libSQL/Turso backend's {@link dev.heartbeatstore.spi.BackendProvider}, found
 * with {@link java.util.ServiceLoader}. Applications select it with {@code HEARTBEAT_DB_BACKEND=turso}
 * (or {@code libsql}) and never call it directly.
 */
package dev.heartbeatstore.libsql;
