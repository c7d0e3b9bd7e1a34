package dev.heartbeatstore.hedging.internal;

import dev.heartbeatstore.spi.ReplicationAccess;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secondary's {@link ReplicationAccess}, opened on first use and again after a failure, at most
 * every {@link #RETRY_EVERY}: a secondary that is down at start-up only delays the relay, never the store.
 * Used by the relay's one thread.
 */
final class LazyReplica implements Supplier<ReplicationAccess>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LazyReplica.class);
  static final Duration RETRY_EVERY = Duration.ofSeconds(2);

  private final String name;
  private final Supplier<ReplicationAccess> opener;
  private ReplicationAccess access;
  private long nextTryNanos = System.nanoTime();
  private boolean closed;

  LazyReplica(String name, Supplier<ReplicationAccess> opener) {
    this.name = name;
    this.opener = opener;
  }

  @Override
  public synchronized ReplicationAccess get() {
    if (access != null || closed || System.nanoTime() < nextTryNanos) {
      return access;
    }
    try {
      access = opener.get();
    } catch (RuntimeException e) {
      nextTryNanos = System.nanoTime() + RETRY_EVERY.toNanos();
      log.debug("hedging: the relay cannot open secondary {} yet ({}); entries wait in the journal", name, e.toString());
    }
    return access;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (access != null) {
      access.close();
      access = null;
    }
  }
}
