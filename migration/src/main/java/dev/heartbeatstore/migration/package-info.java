/**
 * Public API of the migration tools: {@link dev.heartbeatstore.migration.Backfill} copies one backend's
 * tables into another, {@link dev.heartbeatstore.migration.Verifier} compares them. Supported; the CLI
 * is built on it. Package-private classes are its implementation.
 */
package dev.heartbeatstore.migration;
