/**
 * Internal: the libSQL backend's implementation (Hrana over HTTP, local files). Unsupported: any class
 * here may change or go in any release; other modules must not use it.
 */
package dev.heartbeatstore.libsql.internal;
