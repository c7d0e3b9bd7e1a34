/**
 * Internal: the PostgreSQL backend's implementation. Unsupported: any class here may change or go in
 * any release; other modules must not use it.
 */
package dev.heartbeatstore.postgres.internal;
