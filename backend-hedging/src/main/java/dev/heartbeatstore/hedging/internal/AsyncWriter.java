package dev.heartbeatstore.hedging.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code HEARTBEAT_HEDGING_MODE=async}: secondary writes wait in a bounded queue and are applied by
 * background lanes, so the primary's latency never includes the secondary's. Writes with the same
 * routing key (the user) always go to the same single-threaded lane, so they are applied in the order
 * the primary accepted them. A full queue drops the write and counts it; nothing ever blocks the caller.
 *
 * <p>The caller's side is lock-free: a write is appended to its lane's {@link ConcurrentLinkedQueue}
 * and the lane's thread is unparked only if it sleeps, so a lane thread that is descheduled at a bad
 * moment can never hold a lock the caller needs.
 *
 * <p>Consecutive {@code heartbeats.store} writes waiting in a lane are applied as one {@code storeAll}
 * (up to {@link #MAX_BATCH}); a lane that finds one alone waits {@link #LINGER_NANOS} for more first. A
 * busy caller then costs the secondary (and the machine) one request per batch instead of one per
 * write, and wakes a lane once per batch rather than on every write; the secondary lags by that
 * linger at most, on top of its own latency.
 */
final class AsyncWriter extends SecondaryWriter {

  private static final Logger log = LoggerFactory.getLogger(AsyncWriter.class);

  static final int MAX_BATCH = 200;
  static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Lane[] lanes;
  private final int capacity;
  private final Duration drainTimeout;
  private final long staleAfterNanos;
  /** Writes accepted and not yet applied, failed or abandoned: the bound of the queue, over all lanes. */
  private final AtomicInteger pending = new AtomicInteger();
  private volatile boolean closing;
  /** Set when close() gives up: lanes stop taking writes, close() counts what is left. */
  private volatile boolean abandoning;

  /**
   * @param staleAfter a queued write older than this is left to the journal's relay instead of applied:
   *                   the relay may already have replayed a newer change of the same key
   */
  AsyncWriter(Secondary secondary, HedgingMetrics metrics, AppliedHeartbeats applied, int capacity, int laneCount,
              Duration drainTimeout, Duration staleAfter) {
    super(secondary, metrics, applied);
    this.staleAfterNanos = staleAfter.toNanos();
    this.capacity = capacity;
    this.drainTimeout = drainTimeout;
    this.lanes = new Lane[laneCount];
    for (int i = 0; i < laneCount; i++) {
      lanes[i] = new Lane("heartbeat-hedging-" + secondary.name() + "-" + i);
    }
    for (Lane lane : lanes) {
      lane.thread.start();
    }
    metrics.observeQueueDepth(pending::get);
  }

  @Override
  void submit(SecondaryWrite write) {
    if (closing) {
      failed(write, HedgingMetrics.ABANDONED, "the store is closing");
      return;
    }
    if (pending.incrementAndGet() > capacity) {
      pending.decrementAndGet();
      failed(write, HedgingMetrics.QUEUE_FULL, "the async queue is full (" + capacity + ")");
      return;
    }
    Lane lane = lanes[Math.floorMod(write.routingKey().hashCode(), lanes.length)];
    lane.offer(write);
    // close() may have finished between the check above and the offer: then nobody will take it.
    if (closing && lane.queue.remove(write)) {
      pending.decrementAndGet();
      failed(write, HedgingMetrics.ABANDONED, "the store is closing");
    }
  }

  /** Waits up to the drain timeout for queued writes, then counts what it abandons. */
  @Override
  public void close() {
    closing = true;
    for (Lane lane : lanes) {
      LockSupport.unpark(lane.thread);
    }
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    try {
      for (Lane lane : lanes) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          lane.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    abandoning = true;
    int abandoned = 0;
    for (Lane lane : lanes) {
      lane.thread.interrupt();  // a write still waiting on the secondary fails now, and is counted
      // Each write is taken by exactly one of the lane and close(): poll() is atomic.
      for (SecondaryWrite w; (w = lane.queue.poll()) != null; ) {
        metrics.writeFailed(w.operation(), HedgingMetrics.ABANDONED, 1);
        abandoned++;
      }
    }
    if (abandoned > 0) {
      log.warn("hedging: closed with {} secondary writes not applied to {} after waiting {}",
          abandoned, secondary.name(), drainTimeout);
    }
    pending.set(0);
  }

  /** One single-threaded lane: a lock-free queue and the thread that applies it in order. */
  private final class Lane implements Runnable {
    final ConcurrentLinkedQueue<SecondaryWrite> queue = new ConcurrentLinkedQueue<>();
    final Thread thread;
    /** True while the thread sleeps waiting for work: only then does a caller unpark it. */
    volatile boolean idle;

    Lane(String name) {
      thread = new Thread(this, name);
      thread.setDaemon(true);
    }

    void offer(SecondaryWrite write) {
      queue.offer(write);
      if (idle) {
        LockSupport.unpark(thread);
      }
    }

    @Override
    public void run() {
      while (!abandoning) {
        SecondaryWrite write = queue.poll();
        if (write == null) {
          if (closing) {
            return;  // drained
          }
          idle = true;
          // Re-check after announcing: a caller that offered before seeing 'idle' is seen here.
          if (queue.isEmpty() && !closing) {
            LockSupport.park(this);
          }
          idle = false;
          Thread.interrupted();  // an interrupt is only ever close() giving up; 'abandoning' says so
          continue;
        }
        List<SecondaryWrite> batch = new ArrayList<>(1);
        batch.add(write);
        try {
          if (System.nanoTime() - write.createdNanos() > staleAfterNanos) {
            log.debug("hedging: {} {} waited too long in the queue; the journal's relay applies it", write.operation(),
                write.key());
            continue;
          }
          if (write.heartbeat() == null) {
            apply(write);
            continue;
          }
          if (queue.isEmpty() && !closing) {
            LockSupport.parkNanos(LINGER_NANOS);
          }
          // Only this thread takes from the queue until close() gives up, so peek-then-poll keeps the order.
          while (batch.size() < MAX_BATCH && !abandoning) {
            SecondaryWrite next = queue.peek();
            if (next == null || next.heartbeat() == null) {
              break;
            }
            SecondaryWrite taken = queue.poll();
            if (taken == null) {
              break;
            }
            if (taken.heartbeat() == null) {
              // Only when close() gave up and took 'next' meanwhile: this one is abandoned too.
              metrics.writeFailed(taken.operation(), HedgingMetrics.ABANDONED, 1);
              pending.decrementAndGet();
              break;
            }
            batch.add(taken);
          }
          applyBatch(batch);
        } finally {
          pending.addAndGet(-batch.size());
        }
      }
    }
  }
}
