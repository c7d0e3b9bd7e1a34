/**
 * The benchmark harness (docs/performance.md): not published, not an API. It uses only the public API,
 * the SPI's {@link dev.heartbeatstore.spi.Backends} and the backends' metrics.
 */
package dev.heartbeatstore.benchmarks;
