package dev.heartbeatstore.libsql.internal.hrana;

import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.spi.Deadline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The write requests sent to one server by this process whose callers gave up before the answer came, while the
 * server may still be running them, and the limit on how many there may be.
 *
 * <p>Why: sqld runs a request it has read to the end whether or not its client is still there, and a write that
 * waits for the database's single writer (held by a long statement such as {@code CREATE INDEX}, a large WAL
 * checkpoint, or another client's batch) keeps a thread spinning on the server until it gets its turn. Stores that
 * sent a new write each time one timed out would pile up one such waiter per deadline on a server that is already
 * behind; seen: 150 of them, which took the CPU from the very statement they were waiting for. So the stores of a
 * process keep at most {@link #LIMIT} unanswered writes on one server, together: a write that finds the limit
 * reached waits for one of them to be answered, within its own deadline, and is otherwise not sent (a timeout that
 * says so: it was certainly not applied). One lost answer therefore holds nothing up.
 *
 * <p>An unanswered exchange stays open so that its end is seen: it ends when the server answers, when the
 * connection fails, when its store closes, or at {@link #CAP}, when the HTTP client gives it up; only then does it
 * leave room for another.
 */
final class UnansweredWrites {

  /** Unanswered writes a store keeps on its server at most. */
  static final int LIMIT = 2;

  /** How long an unanswered write is waited for, at most, before its exchange is given up. */
  static final Duration CAP = Duration.ofSeconds(30);

  private static final ConcurrentHashMap<String, UnansweredWrites> BY_SERVER = new ConcurrentHashMap<>();

  private int count;

  private UnansweredWrites() {
  }

  /** The unanswered writes of this process on the server at {@code base} (one per server, shared by its stores). */
  static UnansweredWrites of(URI base) {
    return BY_SERVER.computeIfAbsent(base.toString(), b -> new UnansweredWrites());
  }

  /**
   * Sends a write once fewer than {@link #LIMIT} writes are unanswered, and waits for its answer until
   * {@code deadline}; then keeps the exchange (in this count and in {@code mine}, its store's set) and throws
   * {@link StoreTimeoutException}, whose message says whether the write was sent.
   *
   * @param cap the most bytes of the answer to read
   * @throws IOException          as the HTTP client does
   * @throws InterruptedException the caller was interrupted (the exchange is then given up)
   */
  HttpResponse<byte[]> send(HttpClient client, HttpRequest request, long cap, Deadline deadline,
      Set<CompletableFuture<HttpResponse<byte[]>>> mine, String operation, String server)
      throws IOException, InterruptedException {
    if (!awaitRoom(deadline)) {
      throw deadline.timeout(operation, "it was not sent: " + server + " has not answered " + LIMIT
          + " earlier writes of this process yet (it is busy or stalled)");
    }
    HttpResponse.BodyHandler<byte[]> body = ResponseBody.handler(Deadline.after(CAP), cap);
    CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request, body);
    try {
      return exchange.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      adopt(exchange, mine);
      throw deadline.timeout(operation, server + " did not answer in time; the write may still have been applied");
    } catch (InterruptedException e) {
      exchange.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  /**
   * Waits until fewer than {@link #LIMIT} writes are unanswered, at most until {@code deadline}.
   *
   * @return true when there is room; false when the deadline passed first
   */
  private synchronized boolean awaitRoom(Deadline deadline) throws InterruptedException {
    while (count >= LIMIT) {
      long left = deadline.remainingNanos();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /**
   * Counts {@code exchange}, whose caller gave up on it, until it ends; {@code mine} (its store's own set) holds it
   * meanwhile, for the store to give it up when it closes.
   */
  private void adopt(CompletableFuture<HttpResponse<byte[]>> exchange, Set<CompletableFuture<HttpResponse<byte[]>>> mine) {
    synchronized (this) {
      count++;
    }
    mine.add(exchange);
    exchange.whenComplete((response, failure) -> {
      mine.remove(exchange);
      synchronized (this) {
        count--;
        notifyAll();
      }
    });
  }

}
