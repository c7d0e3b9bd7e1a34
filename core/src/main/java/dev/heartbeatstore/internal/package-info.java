/**
 * Internal: core's own implementation (the one validation and telemetry decorator every backend is
 * wrapped in, and how backends are found). Unsupported: any class here may change or go in any
 * release. No other module may use it; tools go through {@link dev.heartbeatstore.spi.Backends}.
 */
package dev.heartbeatstore.internal;
