/**
 * Internal: the hedging backend's implementation (secondary writers, journal relay, read verification).
 * Unsupported: any class here may change or go in any release; other modules must not use it. What it
 * exposes to operators is its metrics (docs/hedging.md).
 */
package dev.heartbeatstore.hedging.internal;
