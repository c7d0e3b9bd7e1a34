package dev.heartbeatstore;

/**
 * What an application holds: both repositories over one backend, and its lifecycle.
 * One instance is shared by all request threads.
 */
public interface HeartbeatStore extends AutoCloseable {

  HeartbeatRepository heartbeats();

  HeartbeatMonitorRepository monitors();

  /** {@code "postgres"}, {@code "turso"} or {@code "hedging"}. */
  String backendName();

  /** Releases pools, HTTP clients and executors. Idempotent. */
  @Override
  void close();
}
