package dev.heartbeatstore;

/**
 * What an application holds: both repositories over one backend, and its lifecycle.
 * One instance is shared by all request threads.
 */
public interface HeartbeatStore extends AutoCloseable {

  /**
   * The heartbeats.
   *
   * @return the repository, the same instance on every call
   */
  HeartbeatRepository heartbeats();

  /**
   * The heartbeat monitors.
   *
   * @return the repository, the same instance on every call
   */
  HeartbeatMonitorRepository monitors();

  /**
   * Which backend this store uses.
   *
   * @return {@code "postgres"}, {@code "turso"} or {@code "hedging"}
   */
  String backendName();

  /** Releases pools, HTTP clients and executors. Idempotent. */
  @Override
  void close();
}
