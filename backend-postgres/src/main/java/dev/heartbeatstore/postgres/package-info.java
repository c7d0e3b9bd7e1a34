/**
 * SPI implementation: the PostgreSQL backend's {@link dev.heartbeatstore.spi.BackendProvider}, found
 * with {@link java.util.ServiceLoader}. Applications select it with {@code HEARTBEAT_DB_BACKEND=postgres}
 * and never call it directly.
 */
package dev.heartbeatstore.postgres;
