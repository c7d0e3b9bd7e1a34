package dev.heartbeatstore.migration;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** Reads the source's next page on a thread of its own while the target writes the current one. */
final class ReadAhead implements AutoCloseable {

  private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "backfill-reader");
    t.setDaemon(true);
    return t;
  });

  /** Starts {@code read} on the reader's thread. */
  <T> CompletableFuture<T> start(Supplier<T> read) {
    return CompletableFuture.supplyAsync(read, reader);
  }

  /** What a read started here returned; what it threw, as it threw it. */
  static <T> T join(CompletableFuture<T> read) {
    try {
      return read.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    reader.shutdownNow();
  }
}
