package dev.heartbeatstore.migration;

/**
 * At most {@code rowsPerSecond} on average since the first batch: after each batch it waits until the
 * rows so far are due. Leaves the databases' capacity to the live service (its secondary writes and
 * the journal relay) while a backfill or repair runs. 0 means no limit.
 */
final class Throttle {

  private final long rowsPerSecond;
  private long started = -1;
  private long rows;

  Throttle(long rowsPerSecond) {
    this.rowsPerSecond = rowsPerSecond;
  }

  /** A batch size that keeps each batch to about a second's worth of rows. */
  int batchSize(int batchSize) {
    return rowsPerSecond == 0 ? batchSize : (int) Math.max(1, Math.min(batchSize, rowsPerSecond));
  }

  /** Counts {@code n} rows about to be sent, waiting first until they are due. */
  void acquire(int n) {
    if (rowsPerSecond == 0) {
      return;
    }
    long now = System.nanoTime();
    if (started < 0) {
      started = now;
    }
    long dueAt = started + (long) (rows * 1e9 / rowsPerSecond);
    rows += n;
    long wait = dueAt - now;
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while throttled", e);
      }
    }
  }
}
