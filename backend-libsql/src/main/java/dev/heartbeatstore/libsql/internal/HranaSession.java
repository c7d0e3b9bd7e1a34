package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.libsql.internal.HranaCodec.HranaError;
import dev.heartbeatstore.libsql.internal.HranaCodec.MalformedResponseException;
import dev.heartbeatstore.libsql.internal.HranaCodec.StreamResult;
import dev.heartbeatstore.libsql.internal.WriteLane.PendingWrite;
import dev.heartbeatstore.spi.Secrets;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SqlSession} over Hrana over HTTP: each call is one {@code POST /v3/pipeline} (or
 * {@code /v2/pipeline} when the server has no v3) that opens a stream, runs the statement or the
 * conditional batch, and closes the stream in the same request.
 *
 * <p>Every call has the deadline {@code timeout}, retries and waiting included, and runs on its caller's thread
 * ({@link HttpClient#send}); the exchange is cut at the deadline. At most {@code poolSize} requests are in flight;
 * of those, one write ({@link WriteLane}). The HTTP client is shared by every store of the process
 * ({@link SharedHttpClients}), so the session owns no thread: {@link #close()} only ends the calls in flight.
 */
final class HranaSession implements SqlSession {

  private static final Logger log = LoggerFactory.getLogger(HranaSession.class);

  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /**
   * The largest response body read for any call but the migration tools' scans: 8 MiB. The largest legitimate
   * answer is an {@code index} of 1,000 rows; a row is at most about 4.8 kB of Hrana JSON (three text columns of 255
   * code points, each escaped to 6 bytes in the worst case, wrapped in typed values, plus a UUID and two integers),
   * so 1,000 rows are under 5 MB. Writes answer a few hundred bytes.
   */
  static final long MAX_RESPONSE_BYTES = 8L << 20;

  /** The cap for {@link #scan}: pages of up to 10,000 rows (the migration tools' largest batch), under 50 MB. */
  static final long MAX_SCAN_RESPONSE_BYTES = 64L << 20;

  private final URI v3;
  private final URI v2;
  private volatile boolean useV2;
  private volatile Long serverClockOffset;
  private final String authorization;
  private final String token;
  private volatile Duration timeout;
  private final Semaphore inFlight;
  private final WriteLane writeLane = new WriteLane(this::sendGroup);
  private final HttpClient client;
  private final String description;
  /** The calls in progress, so that {@link #close()} can end them. */
  private final Set<Call> calls = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  HranaSession(LibsqlLocation location, Duration timeout, int poolSize) {
    URI base = location.baseUri();
    this.v3 = URI.create(base + "/v3/pipeline");
    this.v2 = URI.create(base + "/v2/pipeline");
    this.token = location.authToken();
    this.authorization = token == null ? null : "Bearer " + token;
    this.timeout = timeout;
    this.inFlight = new Semaphore(poolSize, true);
    this.description = "libSQL at " + base;
    this.client = SharedHttpClients.forScheme(base.getScheme());
  }

  @Override
  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public boolean bulkRowsAsJson() {
    return true;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public List<Object[]> query(String operation, Statement statement) {
    return read(operation, statement, MAX_RESPONSE_BYTES);
  }

  @Override
  public List<Object[]> scan(String operation, Statement statement) {
    return read(operation, statement, MAX_SCAN_RESPONSE_BYTES);
  }

  private List<Object[]> read(String operation, Statement statement, long cap) {
    Call call = enter(operation);
    try {
      StreamResult r = sendInFlight(operation, HranaCodec.execute(statement, true), false, Deadline.after(timeout), cap);
      if (!r.ok()) {
        throw translate(operation, r.error);
      }
      if (r.stmtResult == null) {
        throw malformed(operation, "the execute result is missing");
      }
      return r.stmtResult.rows();
    } finally {
      leave(call);
    }
  }

  @Override
  public long execute(String operation, Statement statement) {
    Call call = enter(operation);
    try {
      StreamResult r = write(new PendingWrite(operation, statement, null, Deadline.after(timeout)));
      if (!r.ok()) {
        throw translate(operation, r.error);
      }
      if (r.stmtResult == null) {
        throw malformed(operation, "the execute result is missing");
      }
      return r.stmtResult.affectedRowCount();
    } finally {
      leave(call);
    }
  }

  @Override
  public long[] executeAtomically(String operation, List<Statement> statements) {
    return executeAtomically(operation, () -> statements);
  }

  @Override
  public long[] executeAtomically(String operation, Supplier<List<Statement>> build) {
    Call call = enter(operation);
    try {
      Deadline deadline = Deadline.after(timeout);
      List<Statement> statements = build.get();
      long offset = serverClockOffsetMillis(operation, deadline);
      long serverDeadline = System.currentTimeMillis() + offset + deadline.remaining().toMillis();
      HranaCodec.Request batch = HranaCodec.atomicBatch(statements, serverDeadline);
      StreamResult r = write(new PendingWrite(operation, null, batch, deadline));
      if (!r.ok()) {
        throw translate(operation, r.error);
      }
      if (r.stepResults == null) {
        throw malformed(operation, "the batch result is missing");
      }
      int commit = HranaCodec.commitStep(statements.size());
      if (commit < r.stepResults.size() && r.stepResults.get(commit) != null) {
        long[] changes = new long[statements.size()];
        for (int i = 0; i < changes.length; i++) {
          HranaCodec.StmtResult step = r.stepResults.get(i + 1);
          changes[i] = step == null ? 0 : step.affectedRowCount();
        }
        return changes;
      }
      // Not committed: report the first step that failed (the ROLLBACK step ran, nothing was applied).
      for (int i = 0; i < r.stepErrors.size(); i++) {
        HranaError e = r.stepErrors.get(i);
        if (e != null) {
          if (i == HranaCodec.guardStep(statements.size())) {
            throw deadline.timeout(operation, "the server reached the deadline before COMMIT and rolled back");
          }
          throw translate(operation, e);
        }
      }
      throw malformed(operation, "the batch was not committed and reported no error");
    } finally {
      leave(call);
    }
  }

  /**
   * Ends the calls in flight with {@link StoreUnavailableException} (their threads are interrupted while they wait
   * or send, and the interrupt is cleared before they return); later calls throw {@link IllegalStateException}.
   * Returns at once, and there is nothing else to release: the session has no thread or client of its own.
   */
  @Override
  public void close() {
    closed = true;
    for (Call call : calls) {
      call.end();
    }
  }

  @Override
  public String toString() {
    return description;
  }

  // ---------------------------------------------------------------- calls in flight

  /** A call in progress: {@link #close()} interrupts its thread, and the call clears that interrupt as it leaves. */
  private static final class Call {
    private final Thread thread = Thread.currentThread();
    private boolean left;
    private boolean interruptedByClose;

    synchronized void end() {
      if (!left) {
        interruptedByClose = true;
        thread.interrupt();
      }
    }

    synchronized void leave() {
      left = true;
      if (interruptedByClose) {
        Thread.interrupted(); // ours, not the application's: it must not outlive the call
      }
    }
  }

  private Call enter(String operation) {
    if (closed) {
      throw new IllegalStateException(operation + ": the heartbeat store is closed");
    }
    Call call = new Call();
    calls.add(call);
    if (closed) { // close() ran meanwhile and may not have seen this call
      leave(call);
      throw new IllegalStateException(operation + ": the heartbeat store is closed");
    }
    return call;
  }

  private void leave(Call call) {
    calls.remove(call);
    call.leave();
  }

  /** What an interrupted wait or exchange throws: the store was closed, or the application interrupted its thread. */
  private HeartbeatStoreException interrupted(String operation) {
    if (closed) {
      return new StoreUnavailableException(operation + " was ended: the heartbeat store was closed while it was in flight"
          + " (a write may or may not have been applied)");
    }
    Thread.currentThread().interrupt();
    return new StoreUnavailableException(operation + " was interrupted");
  }

  // ---------------------------------------------------------------- writes

  /** Runs one write through the write lane: waits its turn, retries what certainly was not applied. */
  private StreamResult write(PendingWrite mine) {
    int attempt = 0;
    while (true) {
      Object outcome;
      try {
        outcome = writeLane.run(mine);
      } catch (InterruptedException e) {
        throw interrupted(mine.operation);
      }
      if (outcome instanceof StreamResult) {
        return (StreamResult) outcome;
      }
      if (outcome instanceof RuntimeException) {
        throw (RuntimeException) outcome;
      }
      if (outcome instanceof Error) {
        throw (Error) outcome;
      }
      if (outcome == WriteLane.ALONE) {
        mine.alone = true;
        continue;
      }
      // WriteLane.RETRY: SQLITE_BUSY, nothing was applied
      attempt++;
      long sleep = backoffNanos(attempt);
      HeartbeatStoreException busy = translate(mine.operation, mine.busy);
      if (mine.deadline.remainingNanos() <= sleep) {
        throw busy;
      }
      sleep(mine.operation, sleep);
    }
  }

  /**
   * Sends one group of the write lane, on the thread of its member with the latest deadline, and returns each
   * member's outcome: a batch alone; single statements as one {@code execute} each in one pipeline (independent
   * autocommit statements: a duplicate or a constraint error fails its own statement only).
   */
  private List<Object> sendGroup(List<PendingWrite> group, Deadline deadline) {
    List<Object> outcomes = new ArrayList<>(group.size());
    if (deadline.expired()) {
      for (PendingWrite w : group) {
        outcomes.add(w.deadline.timeout(w.operation, "waiting for the writes before it; it was not sent"));
      }
      return outcomes;
    }
    PendingWrite first = group.get(0);
    if (first.batch != null) {
      try {
        outcomes.add(sendInFlight(first.operation, first.batch, true, deadline, MAX_RESPONSE_BYTES));
      } catch (HeartbeatStoreException e) {
        outcomes.add(e);
      }
      return outcomes;
    }
    List<Statement> statements = new ArrayList<>(group.size());
    for (PendingWrite w : group) {
      statements.add(w.statement);
    }
    String operation = group.size() == 1 ? first.operation
        : first.operation + " (sent with " + (group.size() - 1) + " other writes)";
    try {
      List<StreamResult> results =
          exchange(operation, HranaCodec.executeEach(statements), true, deadline, false, MAX_RESPONSE_BYTES);
      for (int i = 0; i < group.size(); i++) {
        StreamResult r = results.get(i);
        HranaError busy = busyError(r);
        if (busy != null) {
          group.get(i).busy = busy;
          outcomes.add(WriteLane.RETRY);
        } else {
          outcomes.add(r);
        }
      }
    } catch (HeartbeatStoreException e) {
      // A request refused as a whole (HTTP 400: sqld reads the whole body before it runs any of it) may have been
      // refused for one member: each is sent again alone, so that only that one fails.
      boolean refusedAsAWhole = group.size() > 1 && isRefusal(e);
      for (int i = 0; i < group.size(); i++) {
        outcomes.add(refusedAsAWhole ? WriteLane.ALONE : e);
      }
    }
    return outcomes;
  }

  /**
   * The server's clock minus ours, in milliseconds, measured once (to a round trip's accuracy) so
   * that a batch's deadline guard compares like with like even when the clocks disagree.
   */
  private long serverClockOffsetMillis(String operation, Deadline deadline) {
    Long known = serverClockOffset;
    if (known != null) {
      return known;
    }
    long before = System.currentTimeMillis();
    StreamResult r = sendInFlight(operation, HranaCodec.execute(Statement.of(HranaCodec.SERVER_CLOCK), true), false,
        deadline, MAX_RESPONSE_BYTES);
    List<Object[]> rows = r.ok() && r.stmtResult != null ? r.stmtResult.rows() : List.of();
    long after = System.currentTimeMillis();
    long offset = 0;
    if (!rows.isEmpty() && rows.get(0).length == 1 && rows.get(0)[0] instanceof Long) {
      offset = (Long) rows.get(0)[0] - (before + after) / 2;
    }
    if (Math.abs(offset) > 1000) {
      log.debug("{} runs a clock {} ms away from ours", describe(), offset);
    }
    serverClockOffset = offset;
    return offset;
  }

  // ---------------------------------------------------------------- transport

  private void acquire(Semaphore semaphore, String operation, Deadline deadline, String what) {
    try {
      if (!semaphore.tryAcquire(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS)) {
        throw deadline.timeout(operation, "waiting for " + what);
      }
    } catch (InterruptedException e) {
      throw interrupted(operation);
    }
  }

  /** Posts one pipeline (a statement or a batch, then close) and returns the statement's or batch's result. */
  private StreamResult sendInFlight(String operation, HranaCodec.Request request, boolean write, Deadline deadline,
      long cap) {
    List<StreamResult> results = exchange(operation, request, write, deadline, true, cap);
    for (int i = 0; i < request.mainResult(); i++) {
      if (!results.get(i).ok()) {
        // a store_sql failed: the statements after it could not refer to their text
        throw translate(operation, results.get(i).error);
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
  private List<StreamResult> exchange(String operation, HranaCodec.Request request, boolean write,
      Deadline deadline, boolean retryBusy, long cap) {
    acquire(inFlight, operation, deadline, "one of the " + describe() + " request slots");
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
          HranaError busy = retryBusy ? busyError(a.results.get(request.mainResult())) : null;
          if (busy == null) {
            return a.results;
          }
          // SQLITE_BUSY: another stream held the write lock and nothing of ours was applied
          // (a batch rolled back), so reads and writes alike are retried inside the deadline.
          a.failure = translate(operation, busy);
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
        sleep(operation, sleep);
      }
    } finally {
      inFlight.release();
    }
  }

  private static long backoffNanos(int attempt) {
    long backoff = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(attempt - 1, 10));
    return ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1);
  }

  private void sleep(String operation, long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      throw interrupted(operation);
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
  private Attempt attempt(String operation, HranaCodec.Request body, boolean write, Deadline deadline, long cap) {
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
      throw interrupted(operation); // the JDK has cancelled the exchange
    } catch (IOException e) {
      ResponseBody.TooLargeException tooLarge = causeOfType(e, ResponseBody.TooLargeException.class);
      if (tooLarge != null) {
        throw new StoreUnavailableException(operation + ": " + describe() + " sent a response larger than the cap of "
            + (tooLarge.cap >> 20) + " MiB for this call; it was dropped unread (" + tooLarge.getMessage() + ")");
      }
      if (e instanceof HttpTimeoutException) {
        throw deadline.timeout(operation, describe() + " did not answer in time"
            + (write ? "; the write may still have been applied" : ""));
      }
      String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + scrub(e.getMessage()));
      if (e instanceof ConnectException) {
        // Nothing reached the server: safe to retry reads and writes.
        a.failure = new StoreUnavailableException(operation + ": cannot connect to " + describe() + " (" + what + ")");
        return a;
      }
      HeartbeatStoreException failure = new StoreUnavailableException(operation + ": the connection to " + describe()
          + " failed (" + what + ")" + (write ? "; the write may have been applied" : ""));
      if (!write && isConnectionReset(e)) {
        a.failure = failure;
        return a;
      }
      throw failure;
    }
    if (status == 200) {
      try {
        a.results = HranaCodec.parsePipeline(responseBody, body.results());
      } catch (MalformedResponseException e) {
        throw malformed(operation, e.getMessage());
      }
      return a;
    }
    if (status == 404 && !useV2) {
      log.debug("{} has no /v3/pipeline; using /v2/pipeline", describe());
      useV2 = true;
      a.v2Fallback = true;
      return a;
    }
    String detail = httpDetail(responseBody);
    if (status == 401 || status == 403) {
      throw new StoreUnavailableException(operation + ": " + describe() + " refused authentication (HTTP " + status
          + "); check " + "TURSO_AUTH_TOKEN or the URL's authToken" + detail);
    }
    if (status == 400) {
      // sqld answers 400 to a request it cannot read (it reads the whole body before running any of it): sending
      // the same request again cannot succeed, so it is neither retried nor reported as retryable.
      throw new HeartbeatStoreException(operation + ": " + describe() + " refused the request as malformed (HTTP 400"
          + detail + "); it was not applied, and sending it again cannot succeed");
    }
    HeartbeatStoreException failure =
        new StoreUnavailableException(operation + ": " + describe() + " answered HTTP " + status + detail);
    // 429 and 503 are answered before the statement runs; a 502 from a proxy might not be.
    if (status == 429 || status == 503 || (status == 502 && !write)) {
      a.failure = failure;
      return a;
    }
    throw failure;
  }

  /** Whether a failure is the server refusing the request as such (HTTP 400), not a fault of the server or the network. */
  private static boolean isRefusal(HeartbeatStoreException e) {
    return e.getClass() == HeartbeatStoreException.class;
  }

  private static <T extends Throwable> T causeOfType(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static Duration positive(Duration d) {
    return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
  }

  private static HranaError busyError(StreamResult r) {
    if (r.error != null) {
      return isBusy(r.error) ? r.error : null;
    }
    if (r.stepErrors != null) {
      for (HranaError e : r.stepErrors) {
        if (e != null) {
          // The first failed step decides: BEGIN, an insert or COMMIT lost the lock; ROLLBACK ran.
          return isBusy(e) ? e : null;
        }
      }
    }
    return null;
  }

  private static boolean isBusy(HranaError e) {
    String code = e.code() == null ? "" : e.code();
    return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")
        || (e.message() != null && e.message().contains("database is locked"));
  }

  private static boolean isConnectionReset(Throwable e) {
    String m = e.getMessage();
    return m != null && (m.contains("reset") || m.contains("header parser received no bytes")
        || m.contains("connection closed locally") || m.contains("Connection closed"));
  }

  private String httpDetail(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    String message = HranaCodec.errorMessage(body);
    if (message == null) {
      message = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
    }
    message = scrub(message.strip());
    if (message.length() > 200) {
      message = message.substring(0, 200) + "…";
    }
    return message.isEmpty() ? "" : ": " + message;
  }

  private HeartbeatStoreException translate(String operation, HranaError error) {
    return SqliteErrors.translate(operation, error.code(), scrub(error.message()), null);
  }

  private StoreUnavailableException malformed(String operation, String problem) {
    return new StoreUnavailableException(operation + ": " + describe() + " sent a malformed response (" + problem + ")");
  }

  /** Servers may echo a header back in an error; never let the token through. */
  private String scrub(String text) {
    return Secrets.scrub(text, token, authorization);
  }
}
