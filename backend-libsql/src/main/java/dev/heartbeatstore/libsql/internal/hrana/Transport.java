package dev.heartbeatstore.libsql.internal.hrana;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.libsql.internal.Statement;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts pipelines to one server (SQL over HTTP, version 3): {@code POST /v3/pipeline}, or {@code /v2/pipeline} when
 * {@link #probe} found no v3. At most {@code poolSize} requests are in flight; the caller's thread waits for each
 * until its deadline, and it is retried inside that deadline, after a capped, jittered backoff, only while it
 * certainly was not run. A read is cut at its deadline; a write whose answer has not come by then is left open, so
 * that a process never keeps more than a few writes waiting on a busy server ({@link UnansweredWrites}).
 *
 * <p>What a status means (the protocol's section on HTTP status codes): 400 a request the server cannot read (not
 * run, and not worth sending again); 401/403 authentication; 404 an unknown endpoint or an unknown database, which
 * only {@link #probe} at start-up tells apart; 408 the server timed the request out, and, as the protocol says of
 * any such failure, what it had run before keeps its effects: a read is sent again, a write's outcome is unknown;
 * 429 (rate limited) and 503 (out of resources) refuse a request before running it: sent again, after the
 * {@code Retry-After} the server asks for when it fits in the deadline; 502 comes from a proxy that may have passed
 * the request on: reads only are sent again; anything else is not retried.
 */
final class Transport {

  private static final Logger log = LoggerFactory.getLogger(Transport.class);

  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final URI base;
  private final URI v3;
  private final URI v2;
  /** Where pipelines go: {@link #v3} until {@link #probe} finds that only {@link #v2} answers. */
  private volatile URI pipeline;
  private final String authorization;
  private final Semaphore inFlight;
  private final HttpClient client;
  private final String description;
  private final HranaErrors errors;
  private final CallsInFlight calls;
  private final UnansweredWrites unanswered;
  /** This store's writes among {@link #unanswered}: given up when it closes. */
  private final Set<CompletableFuture<HttpResponse<byte[]>>> myUnanswered = ConcurrentHashMap.newKeySet();

  Transport(URI base, String authorization, int poolSize, String description, HranaErrors errors,
      CallsInFlight calls) {
    this.base = base;
    this.v3 = URI.create(base + "/v3/pipeline");
    this.v2 = URI.create(base + "/v2/pipeline");
    this.pipeline = v3;
    this.authorization = authorization;
    this.inFlight = new Semaphore(poolSize, true);
    this.description = description;
    this.errors = errors;
    this.calls = calls;
    this.client = SharedHttpClients.forScheme(base.getScheme());
    this.unanswered = UnansweredWrites.of(base);
  }

  /** Whether pipelines go to {@code /v3/pipeline} (batch conditions may use {@code is_autocommit}). */
  boolean speaksV3() {
    return pipeline == v3;
  }

  /**
   * Finds, once at start-up, where this server takes pipelines: {@code /v3/pipeline}, else {@code /v2/pipeline}.
   * The protocol has no version discovery and answers 404 both to an unknown endpoint and to an unknown database,
   * so the probe says which: a server that answers 404 on both paths has no database at this URL, a
   * {@link ConfigurationException} that names the URL and what was tried. Any other failure (the server down,
   * authentication refused) is what a call would meet, and is thrown as such.
   */
  void probe(Deadline deadline) {
    Request select = Encode.execute(Statement.of("SELECT 1"), false);
    pipeline = v3;
    try {
      send("open", select, false, deadline, HranaSession.MAX_RESPONSE_BYTES);
      return;
    } catch (NotFoundException onV3) {
      pipeline = v2;
      try {
        send("open", select, false, deadline, HranaSession.MAX_RESPONSE_BYTES);
        log.info("{} has no /v3/pipeline (HTTP 404); using /v2/pipeline", description);
      } catch (NotFoundException onV2) {
        pipeline = v3;
        throw new ConfigurationException(HeartbeatStoreConfig.TURSO_DATABASE_URL + " points at " + base
            + ", which answered 404 Not Found to POST /v3/pipeline" + onV3.detail + " and to POST /v2/pipeline"
            + onV2.detail + ": there is no database at this URL (check the database name and the organization in"
            + " the host), or it is not a libSQL server");
      }
    }
  }

  /** HTTP 404: an unknown database, or (before {@link #probe} chose) an unknown endpoint. */
  private static final class NotFoundException extends StoreUnavailableException {
    private static final long serialVersionUID = 1L;
    private final String detail;

    NotFoundException(String message, String detail) {
      super(message);
      this.detail = detail;
    }
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
        lastFailure = a.failure;
        attempt++;
        long sleep = Math.max(backoffNanos(attempt), a.retryAfterNanos);
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

  /** The outcome of one HTTP exchange: results, or a failure after which the request may be sent again. */
  private static final class Attempt {
    List<StreamResult> results;
    HeartbeatStoreException failure;
    /** How long the server asked to wait ({@code Retry-After}), or 0. */
    long retryAfterNanos;
  }

  /**
   * One HTTP exchange, waited for until the deadline. A read's is cut there: the request timeout covers connecting
   * and the wait for the headers, {@link ResponseBody} the body. A write whose answer has not come by then may still
   * be applied by the server (sqld runs a request it has read to the end): its caller gets
   * {@code StoreTimeoutException}, an unknown outcome, and the exchange stays open ({@link UnansweredWrites}).
   */
  private Attempt attempt(String operation, Request body, boolean write, Deadline deadline, long cap) {
    Attempt a = new Attempt();
    URI uri = pipeline;
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        // A write's exchange may outlive its caller (UnansweredWrites); a read's ends with it.
        .timeout(write ? UnansweredWrites.CAP : positive(deadline.remaining()))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.body()));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    int status;
    byte[] responseBody;
    HttpResponse<byte[]> response;
    try {
      response = write ? unanswered.send(client, request.build(), cap, deadline, myUnanswered, operation, description)
          : client.send(request.build(), ResponseBody.handler(deadline, cap));
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
    String detail = errors.httpDetail(responseBody);
    if (status == 404) {
      throw new NotFoundException(operation + ": " + description + " answered HTTP 404 Not Found to POST "
          + uri.getPath() + detail + " (an unknown database: was it deleted or renamed?)", detail);
    }
    if (status == 408) {
      HeartbeatStoreException timedOut = new StoreTimeoutException(operation + ": " + description
          + " timed the request out (HTTP 408" + detail + ")"
          + (write ? "; the write may have been applied in part or whole before it did" : ""));
      if (write) {
        throw timedOut; // what ran before the timeout keeps its effects: the outcome is unknown
      }
      a.failure = timedOut;
      return a;
    }
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
      a.retryAfterNanos = retryAfterNanos(response);
      return a;
    }
    throw failure;
  }

  /** Gives up the writes whose answers never came (the session closes). */
  void close() {
    for (CompletableFuture<HttpResponse<byte[]>> exchange : myUnanswered) {
      exchange.cancel(true);
    }
  }

  /** {@code Retry-After} in seconds (the HTTP-date form is ignored), capped at 10 s; 0 without one. */
  private static long retryAfterNanos(HttpResponse<byte[]> response) {
    String value = response.headers().firstValue("retry-after").orElse("").strip();
    if (value.isEmpty() || value.length() > 6 || !value.chars().allMatch(Character::isDigit)) {
      return 0;
    }
    return TimeUnit.SECONDS.toNanos(Math.min(10, Long.parseLong(value)));
  }

  private static Duration positive(Duration d) {
    return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
  }
}
