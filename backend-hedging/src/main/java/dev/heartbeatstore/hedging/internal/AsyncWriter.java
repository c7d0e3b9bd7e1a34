package dev.heartbeatstore.hedging.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
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
 * <p>Consecutive {@code heartbeats.store} writes waiting in a lane are applied as one {@code storeAll}
 * (up to {@link #MAX_BATCH}); a lane that finds one alone waits {@link #LINGER_NANOS} for more first. A
 * busy caller then costs the secondary (and the machine) one request per batch instead of one per
 * write, and wakes a lane once per batch rather than on every write; the secondary lags by that
 * millisecond at most.
 */
final class AsyncWriter extends SecondaryWriter {

  private static final Logger log = LoggerFactory.getLogger(AsyncWriter.class);

  static final int MAX_BATCH = 200;
  static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final ThreadPoolExecutor[] lanes;
  private final int capacity;
  private final Duration drainTimeout;
  private final AtomicInteger pending = new AtomicInteger();

  AsyncWriter(Secondary secondary, HedgingMetrics metrics, int capacity, int laneCount, Duration drainTimeout) {
    super(secondary, metrics);
    this.capacity = capacity;
    this.drainTimeout = drainTimeout;
    this.lanes = new ThreadPoolExecutor[laneCount];
    for (int i = 0; i < laneCount; i++) {
      String threadName = "heartbeat-hedging-" + secondary.name() + "-" + i;
      // Unbounded per lane; the shared 'pending' counter is the bound, so that one busy user cannot starve a lane's share.
      lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
      });
    }
    metrics.observeQueueDepth(pending::get);
  }

  @Override
  void submit(SecondaryWrite write) {
    if (pending.incrementAndGet() > capacity) {
      pending.decrementAndGet();
      failed(write, HedgingMetrics.QUEUE_FULL, "the async queue is full (" + capacity + ")");
      return;
    }
    try {
      ThreadPoolExecutor lane = lanes[Math.floorMod(write.routingKey().hashCode(), lanes.length)];
      lane.execute(new Task(write, lane.getQueue()));
    } catch (RejectedExecutionException e) {
      pending.decrementAndGet();
      failed(write, HedgingMetrics.ABANDONED, "the store is closing");
    }
  }

  @Override
  int pending() {
    return pending.get();
  }

  /** Waits up to the drain timeout for queued writes, then counts what it abandons. */
  @Override
  public void close() {
    for (ThreadPoolExecutor lane : lanes) {
      lane.shutdown();
    }
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    try {
      for (ThreadPoolExecutor lane : lanes) {
        lane.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int abandoned = 0;
    for (ThreadPoolExecutor lane : lanes) {
      List<Runnable> notRun = lane.shutdownNow();
      for (Runnable r : notRun) {
        metrics.writeFailed(((Task) r).write.operation(), HedgingMetrics.ABANDONED, 1);
        abandoned++;
      }
    }
    if (abandoned > 0) {
      log.warn("hedging: closed with {} secondary writes not applied to {} after waiting {}",
          abandoned, secondary.name(), drainTimeout);
    }
    pending.set(0);
  }

  private final class Task implements Runnable {
    final SecondaryWrite write;
    final BlockingQueue<Runnable> laneQueue;

    Task(SecondaryWrite write, BlockingQueue<Runnable> laneQueue) {
      this.write = write;
      this.laneQueue = laneQueue;
    }

    @Override
    public void run() {
      if (write.heartbeat() == null) {
        try {
          apply(write);
        } finally {
          pending.decrementAndGet();
        }
        return;
      }
      List<SecondaryWrite> batch = new ArrayList<>();
      batch.add(write);
      try {
        if (laneQueue.isEmpty()) {
          LockSupport.parkNanos(LINGER_NANOS);
        }
        // Only this lane's thread takes from its queue (and close(), which abandons what is left):
        // taking the head while it is a single heartbeats.store keeps the lane's order.
        while (batch.size() < MAX_BATCH) {
          Runnable next = laneQueue.peek();
          if (!(next instanceof Task t) || t.write.heartbeat() == null || !laneQueue.remove(next)) {
            break;
          }
          batch.add(t.write);
        }
        applyBatch(batch);
      } finally {
        pending.addAndGet(-batch.size());
      }
    }
  }
}
