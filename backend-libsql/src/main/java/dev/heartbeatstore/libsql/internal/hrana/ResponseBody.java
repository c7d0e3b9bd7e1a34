package dev.heartbeatstore.libsql.internal.hrana;

import dev.heartbeatstore.spi.Deadline;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A response body as bytes, bounded in time (the call's deadline) and in size (a cap), for {@link Transport}.
 *
 * <p>Time: {@link java.net.http.HttpRequest#timeout} only covers the wait for the headers; measured, a server that
 * sends headers and half a body then stalls kept {@code send} blocked for more than 30 s. So a check is scheduled
 * once the headers are in and fails the body at the deadline; it is cancelled (taken off the scheduler's queue) when
 * the body is complete, so an answered call leaves nothing behind.
 *
 * <p>Size: a body longer than the cap fails as soon as it passes it (or at once, when its {@code Content-Length}
 * says so), and the connection is dropped, so that an answer of hundreds of megabytes never has to fit in the
 * heap.
 */
final class ResponseBody implements HttpResponse.BodySubscriber<byte[]> {

  /** The body would have been longer than the cap (the cause of the client's {@code IOException}). */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    final long cap;

    TooLargeException(long cap, String what) {
      super("the response body " + what + " is over the cap of " + cap + " bytes");
      this.cap = cap;
    }
  }

  /** Bodies of {@code deadline} and {@code cap}; the status does not matter (an error's body says what went wrong). */
  static HttpResponse.BodyHandler<byte[]> handler(Deadline deadline, long cap) {
    return info -> {
      long declared;
      try {
        declared = info.headers().firstValueAsLong("content-length").orElse(-1);
      } catch (NumberFormatException e) {
        declared = -1;
      }
      return new ResponseBody(deadline, cap, declared);
    };
  }

  /**
   * Runs the body deadlines of every store: one daemon thread. Its tasks catch everything, so that no caller's
   * failure can end it (a dead scheduler would leave every later stalled body hanging).
   */
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlineScheduler();

  private static ScheduledThreadPoolExecutor deadlineScheduler() {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "heartbeat-store-libsql-deadlines");
      t.setDaemon(true);
      return t;
    });
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  private final HttpResponse.BodySubscriber<byte[]> bytes = HttpResponse.BodySubscribers.ofByteArray();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final long cap;
  private final long declaredLength;
  private long received;
  private volatile Flow.Subscription subscription;
  private final ScheduledFuture<?> check;

  private ResponseBody(Deadline deadline, long cap, long declaredLength) {
    this.cap = cap;
    this.declaredLength = declaredLength;
    WeakReference<ResponseBody> self = new WeakReference<>(this);
    check = DEADLINES.schedule(() -> {
      try {
        ResponseBody body = self.get();
        if (body != null) {
          body.fail(new HttpTimeoutException("the response body did not arrive in time"));
        }
      } catch (Throwable e) {
        // nothing may end the shared scheduler's thread
      }
    }, Math.max(1, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
    bytes.getBody().whenComplete((b, e) -> {
      check.cancel(false);
      if (e != null) {
        result.completeExceptionally(e);
      } else {
        result.complete(b);
      }
    });
  }

  private void fail(Throwable e) {
    if (result.completeExceptionally(e)) {
      check.cancel(false);
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (declaredLength > cap) {
      fail(new TooLargeException(cap, "of " + declaredLength + " bytes (Content-Length)"));
      return;
    }
    bytes.onSubscribe(subscription);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : item) {
      received += b.remaining();
    }
    if (received > cap) {
      fail(new TooLargeException(cap, "passed " + received + " bytes"));
      return;
    }
    bytes.onNext(item);
  }

  @Override
  public void onError(Throwable throwable) {
    bytes.onError(throwable);
  }

  @Override
  public void onComplete() {
    bytes.onComplete();
  }
}
