package dev.heartbeatstore.hedging.internal;

import dev.heartbeatstore.HeartbeatStore;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secondary store, opened fail-open: if it cannot be opened (unreachable, not migrated) the
 * hedging store starts and serves anyway, and the secondary is opened again in the background
 * until it answers, its schema then applied like any backend's.
 */
final class Secondary implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Secondary.class);
  static final Duration RETRY_EVERY = Duration.ofSeconds(2);

  private final String name;
  private final Supplier<HeartbeatStore> opener;
  private final ScheduledExecutorService opening;
  private volatile HeartbeatStore store;
  private volatile boolean closed;

  Secondary(String name, Supplier<HeartbeatStore> opener) {
    this.name = name;
    this.opener = opener;
    this.opening = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "heartbeat-hedging-open-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts opening; waits at most {@code wait} so that a slow secondary never delays start-up for long. */
  void start(Duration wait) {
    try {
      opening.submit(this::tryOpen).get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("hedging: secondary {} is still opening after {}; serving from the primary meanwhile", name, wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // tryOpen catches its own failures; nothing else can come here.
      log.warn("hedging: opening secondary {} failed: {}", name, e.toString());
    }
  }

  private void tryOpen() {
    if (closed || store != null) {
      return;
    }
    try {
      HeartbeatStore opened = opener.get();
      synchronized (this) {
        if (closed) {
          opened.close();
          return;
        }
        store = opened;
      }
      log.info("hedging: secondary {} is open; writes are mirrored to it", name);
    } catch (RuntimeException e) {
      log.warn("hedging: secondary {} cannot be opened ({}: {}); writes to it are counted as failed; retrying every {}",
          name, e.getClass().getSimpleName(), e.getMessage(), RETRY_EVERY);
      if (!closed) {
        opening.schedule(this::tryOpen, RETRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** The open secondary, or null while it cannot be opened. */
  HeartbeatStore current() {
    return store;
  }

  String name() {
    return name;
  }

  @Override
  public void close() {
    HeartbeatStore toClose;
    synchronized (this) {
      closed = true;
      toClose = store;
    }
    opening.shutdownNow();
    if (toClose != null) {
      toClose.close();
    }
  }
}
