package dev.heartbeatstore.libsql.internal.hrana;

import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.libsql.internal.hrana.Proto.HranaError;
import dev.heartbeatstore.libsql.internal.hrana.Proto.MalformedResponseException;
import dev.heartbeatstore.libsql.internal.hrana.Proto.Request;
import dev.heartbeatstore.libsql.internal.hrana.Proto.StreamResult;
import dev.heartbeatstore.spi.Deadline;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts pipelines to one server: {@code POST /v3/pipeline}, or {@code /v2/pipeline} when the server has no v3. At
 * most {@code poolSize} requests are in flight; each runs on its caller's thread ({@link HttpClient#send}) and is
 * cut at its deadline, and is retried inside that deadline while it certainly was not applied.
 */
final class Transport {

  private static final Logger log = LoggerFactory.getLogger(Transport.class);

  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final URI v3;
  private final URI v2;
  private volatile boolean useV2;
  private final String authorization;
  private final Semaphore inFlight;
  private final HttpClient client;
  private final String description;
  private final HranaErrors errors;
  private final CallsInFlight calls;

  Transport(URI base, String authorization, int poolSize, String description, HranaErrors errors,
      CallsInFlight calls) {
    this.v3 = URI.create(base + "/v3/pipeline");
    this.v2 = URI.create(base + "/v2/pipeline");
    this.authorization = authorization;
    this.inFlight = new Semaphore(poolSize, true);
    this.description = description;
    this.errors = errors;
    this.calls = calls;
    this.client = SharedHttpClients.forScheme(base.getScheme());
  }

  /** Posts one pipeline (a statement or a batch, then close) and returns the statement's or batch's result. */
  StreamResult send(String operation, Request request, boolean write, Deadline deadline, long cap) {
    List<StreamResult> results = exchange(operation, request, write, deadline, true, cap);
    for (int i = 0; i < request.mainResult(); i++) {
      if (!results.get(i).ok()) {
        // a store_sql failed: the statements after it could not refer to their text
        throw errors.translate(operation, results.get(i).error);
      }
    }
    return results.get(request.mainResult());
  }

  /**
   * One request, retried inside the deadline while it certainly was not applied; returns every result.
   *
   * @param write     whether the request changes data: it is then retried only when the server certainly did not
   *                  run it (refused connection, 429/503, SQLITE_BUSY)
   * @param retryBusy whether a main result that failed with SQLITE_BUSY retries the whole request
   *                  (a single statement or batch: nothing of it was applied)
   */
  List<StreamResult> exchange(String operation, Request request, boolean write, Deadline deadline,
      boolean retryBusy, long cap) {
    acquire(operation, deadline);
    try {
      int attempt = 0;
      HeartbeatStoreException lastFailure = null;
      while (true) {
        if (deadline.expired()) { // never send a request whose caller has given up
          throw lastFailure != null ? lastFailure : deadline.timeout(operation, "it was not sent");
        }
        Attempt a;
        try {
          a = attempt(operation, request, write, deadline, cap);
        } catch (StoreTimeoutException e) {
          if (lastFailure == null) {
            throw e;
          }
          // cut at the deadline while retrying: say what the attempts before it met (a server down, a 503)
          throw new StoreTimeoutException(e.getMessage() + "; before that: " + lastFailure.getMessage(), e);
        }
        if (a.results != null) {
          HranaError busy = retryBusy ? HranaErrors.busyError(a.results.get(request.mainResult())) : null;
          if (busy == null) {
            return a.results;
          }
          // SQLITE_BUSY: another stream held the write lock and nothing of ours was applied
          // (a batch rolled back), so reads and writes alike are retried inside the deadline.
          a.failure = errors.translate(operation, busy);
        }
        if (a.v2Fallback) {
          continue;
        }
        lastFailure = a.failure;
        attempt++;
        long sleep = backoffNanos(attempt);
        if (deadline.remainingNanos() <= sleep) {
          throw a.failure;
        }
        log.debug("{} (attempt {}), retrying in {} ms", a.failure.getMessage(), attempt,
            TimeUnit.NANOSECONDS.toMillis(sleep));
        calls.sleep(operation, sleep);
      }
    } finally {
      inFlight.release();
    }
  }

  /** A jittered, capped exponential backoff before attempt {@code attempt + 1}. */
  static long backoffNanos(int attempt) {
    long backoff = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(attempt - 1, 10));
    return ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1);
  }

  private void acquire(String operation, Deadline deadline) {
    try {
      if (!inFlight.tryAcquire(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS)) {
        throw deadline.timeout(operation, "waiting for one of the " + description + " request slots");
      }
    } catch (InterruptedException e) {
      throw calls.interrupted(operation);
    }
  }

  /** The outcome of one HTTP exchange: results, a retryable failure, or a switch to v2. */
  private static final class Attempt {
    List<StreamResult> results;
    HeartbeatStoreException failure;
    boolean v2Fallback;
  }

  /**
   * One HTTP exchange on the caller's thread, cut at the deadline: the request timeout covers connecting and the
   * wait for the headers, {@link ResponseBody} the body. A write whose exchange is cut may still be applied by the
   * server (sqld runs a request it has read to the end): its caller gets {@code StoreTimeoutException}, an unknown
   * outcome.
   */
  private Attempt attempt(String operation, Request body, boolean write, Deadline deadline, long cap) {
    Attempt a = new Attempt();
    URI uri = useV2 ? v2 : v3;
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(positive(deadline.remaining()))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.body()));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    int status;
    byte[] responseBody;
    try {
      HttpResponse<byte[]> response = client.send(request.build(), ResponseBody.handler(deadline, cap));
      status = response.statusCode();
      responseBody = response.body();
    } catch (InterruptedException e) {
      throw calls.interrupted(operation); // the JDK has cancelled the exchange
    } catch (IOException e) {
      ResponseBody.TooLargeException tooLarge = HranaErrors.causeOfType(e, ResponseBody.TooLargeException.class);
      if (tooLarge != null) {
        throw new StoreUnavailableException(operation + ": " + description + " sent a response larger than the cap of "
            + (tooLarge.cap >> 20) + " MiB for this call; it was dropped unread (" + tooLarge.getMessage() + ")");
      }
      if (e instanceof HttpTimeoutException) {
        throw deadline.timeout(operation, description + " did not answer in time"
            + (write ? "; the write may still have been applied" : ""));
      }
      String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + errors.scrub(e.getMessage()));
      if (e instanceof ConnectException) {
        // Nothing reached the server: safe to retry reads and writes.
        a.failure = new StoreUnavailableException(operation + ": cannot connect to " + description + " (" + what + ")");
        return a;
      }
      HeartbeatStoreException failure = new StoreUnavailableException(operation + ": the connection to " + description
          + " failed (" + what + ")" + (write ? "; the write may have been applied" : ""));
      if (!write && HranaErrors.isConnectionReset(e)) {
        a.failure = failure;
        return a;
      }
      throw failure;
    }
    if (status == 200) {
      try {
        a.results = Decode.parsePipeline(responseBody, body.results());
      } catch (MalformedResponseException e) {
        throw errors.malformed(operation, e.getMessage());
      }
      return a;
    }
    if (status == 404 && !useV2) {
      log.debug("{} has no /v3/pipeline; using /v2/pipeline", description);
      useV2 = true;
      a.v2Fallback = true;
      return a;
    }
    String detail = errors.httpDetail(responseBody);
    if (status == 401 || status == 403) {
      throw new StoreUnavailableException(operation + ": " + description + " refused authentication (HTTP " + status
          + "); check " + "TURSO_AUTH_TOKEN or the URL's authToken" + detail);
    }
    if (status == 400) {
      // sqld answers 400 to a request it cannot read (it reads the whole body before running any of it): sending
      // the same request again cannot succeed, so it is neither retried nor reported as retryable.
      throw new HeartbeatStoreException(operation + ": " + description + " refused the request as malformed (HTTP 400"
          + detail + "); it was not applied, and sending it again cannot succeed");
    }
    HeartbeatStoreException failure =
        new StoreUnavailableException(operation + ": " + description + " answered HTTP " + status + detail);
    // 429 and 503 are answered before the statement runs; a 502 from a proxy might not be.
    if (status == 429 || status == 503 || (status == 502 && !write)) {
      a.failure = failure;
      return a;
    }
    throw failure;
  }

  private static Duration positive(Duration d) {
    return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
  }
}
