/**
 * SPI, for backend authors and the project's own tools. A backend implements
 * {@link dev.heartbeatstore.spi.BackendProvider} (found with {@link java.util.ServiceLoader}) and, to serve
 * the migration tools and the hedging backend, {@link dev.heartbeatstore.spi.TableAccess} and
 * {@link dev.heartbeatstore.spi.ReplicationAccess}. The tools reach a backend through
 * {@link dev.heartbeatstore.spi.Backends}. Supported, but it may grow in a minor release (new methods with
 * defaults); applications need nothing here.
 */
package dev.heartbeatstore.spi;
