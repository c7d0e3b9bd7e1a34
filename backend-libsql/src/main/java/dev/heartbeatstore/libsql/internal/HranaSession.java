package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.libsql.internal.HranaCodec.HranaError;
import dev.heartbeatstore.libsql.internal.HranaCodec.MalformedResponseException;
import dev.heartbeatstore.libsql.internal.HranaCodec.StreamResult;
import dev.heartbeatstore.spi.Secrets;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SqlSession} over Hrana over HTTP: each call is one {@code POST /v3/pipeline} (or
 * {@code /v2/pipeline} when the server has no v3) that opens a stream, runs the statement or the
 * conditional batch, and closes the stream in the same request.
 *
 * <p>One shared {@link HttpClient} (keep-alive connections; HTTP/1.1 for {@code http://}, because the
 * JDK's cleartext HTTP/2 upgrade hangs against sqld). At most {@code poolSize} requests are in flight.
 * Every call has the deadline {@code timeout}, retries included.
 */
final class HranaSession implements SqlSession {

  private static final Logger log = LoggerFactory.getLogger(HranaSession.class);

  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /**
   * How long an exchange we stopped waiting for may still run before it is cancelled. sqld runs a
   * request to the end whether or not the client still listens (a batch then rolls itself back at
   * its deadline guard), so cutting the connection at once would only cost a keep-alive connection.
   */
  private static final Duration ABANDON_GRACE = Duration.ofSeconds(10);

  private final URI v3;
  private final URI v2;
  private volatile boolean useV2;
  private volatile Long serverClockOffset;
  private final String authorization;
  private final String token;
  private volatile Duration timeout;
  private final Semaphore inFlight;
  /**
   * One write in flight at a time. sqld 0.24.32 queues writers from different streams; when a
   * queued writer's snapshot has gone stale it fails with SQLITE_BUSY_SNAPSHOT (517) without giving
   * its slot back, and every later writer waits until sqld takes the slot back 5 s later (seen in its
   * debug log with 16 threads storing at once: "got lock after: 4.9997s"). Writers of one store never
   * queue behind each other on the server, so they never meet that; reads stay concurrent.
   */
  private final Semaphore writeLane = new Semaphore(1, true);
  /**
   * Single-statement writes waiting for the lane. Whoever gets the lane sends every write waiting
   * then (up to {@value #MAX_GROUP}) in one pipeline, one {@code execute} each: with one write in
   * flight, concurrent callers still share round trips instead of queueing for one each.
   */
  private final ConcurrentLinkedQueue<PendingWrite> pendingWrites = new ConcurrentLinkedQueue<>();
  private static final int MAX_GROUP = 64;
  private final ExecutorService executor;
  /** Sends the write exchanges (one at a time: the write lane), so that a caller can stop waiting at its deadline. */
  private final ExecutorService writer;
  private final HttpClient client;
  private final String description;

  HranaSession(LibsqlLocation location, Duration timeout, int poolSize) {
    URI base = location.baseUri();
    this.v3 = URI.create(base + "/v3/pipeline");
    this.v2 = URI.create(base + "/v2/pipeline");
    this.token = location.authToken();
    this.authorization = token == null ? null : "Bearer " + token;
    this.timeout = timeout;
    this.inFlight = new Semaphore(poolSize, true);
    this.description = "libSQL at " + base;
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "heartbeat-store-libsql-http-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "heartbeat-store-libsql-writer");
      t.setDaemon(true);
      return t;
    });
    HttpClient.Builder builder = HttpClient.newBuilder()
        .executor(executor)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout);
    builder.version("http".equals(base.getScheme()) ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2);
    this.client = builder.build();
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
    StreamResult r = send(operation, HranaCodec.execute(statement, true), false, Deadline.after(timeout));
    if (!r.ok()) {
      throw translate(operation, r.error);
    }
    if (r.stmtResult == null) {
      throw malformed(operation, "the execute result is missing");
    }
    return r.stmtResult.rows();
  }

  @Override
  public long execute(String operation, Statement statement) {
    StreamResult r = write(new PendingWrite(operation, statement, Deadline.after(timeout)));
    if (!r.ok()) {
      throw translate(operation, r.error);
    }
    if (r.stmtResult == null) {
      throw malformed(operation, "the execute result is missing");
    }
    return r.stmtResult.affectedRowCount();
  }

  @Override
  public long[] executeAtomically(String operation, List<Statement> statements) {
    Deadline deadline = Deadline.after(timeout);
    long offset = serverClockOffsetMillis(operation, deadline);
    long serverDeadline = System.currentTimeMillis() + offset + deadline.remaining().toMillis();
    StreamResult r = send(operation, HranaCodec.atomicBatch(statements, serverDeadline), true, deadline);
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
  }

  @Override
  public void close() {
    writer.shutdownNow();
    executor.shutdownNow();
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
    StreamResult r = send(operation, HranaCodec.execute(Statement.of(HranaCodec.SERVER_CLOCK), true), false, deadline);
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

  @Override
  public String toString() {
    return description;
  }

  // ---------------------------------------------------------------- transport

  /**
   * Posts one pipeline (a statement or a batch, then close) and returns the statement's or batch's result.
   *
   * @param write whether the request changes data: it then holds the write lane, and is retried only
   *              when the server certainly did not run it (refused connection, 429/503, SQLITE_BUSY)
   */
  private StreamResult send(String operation, HranaCodec.Request request, boolean write, Deadline deadline) {
    if (!write) {
      return sendInFlight(operation, request, null, deadline);
    }
    acquire(writeLane, operation, deadline, "the writes before it");
    LaneHold hold = new LaneHold(writeLane);
    try {
      return sendInFlight(operation, request, hold, deadline);
    } finally {
      hold.releaseUnlessHandedOff();
    }
  }

  /** A single-statement write waiting for, or sent in, a group. */
  private static final class PendingWrite {
    final String operation;
    final Statement statement;
    final Deadline deadline;
    /** A {@link StreamResult}, {@link #RETRY}, or completed exceptionally with a {@link HeartbeatStoreException}. */
    volatile CompletableFuture<Object> outcome = new CompletableFuture<>();
    volatile HranaError busy;

    PendingWrite(String operation, Statement statement, Deadline deadline) {
      this.operation = operation;
      this.statement = statement;
      this.deadline = deadline;
    }
  }

  /** The outcome of a write that met SQLITE_BUSY: nothing was applied, it may be sent again. */
  private static final Object RETRY = new Object();

  private StreamResult write(PendingWrite mine) {
    int attempt = 0;
    pendingWrites.add(mine);
    while (true) {
      boolean haveLane = false;
      if (!mine.outcome.isDone()) {
        try {
          acquire(writeLane, mine.operation, mine.deadline, "the writes before it");
          haveLane = true;
        } catch (StoreTimeoutException e) {
          if (pendingWrites.remove(mine) || !mine.outcome.isDone()) {
            throw e; // never sent
          }
        }
      }
      if (haveLane) {
        LaneHold hold = new LaneHold(writeLane);
        try {
          if (!mine.outcome.isDone()) {
            lead(hold);
          }
        } finally {
          hold.releaseUnlessHandedOff();
        }
        if (!mine.outcome.isDone()) {
          continue; // more writes were waiting than one group holds, and ours was not among them
        }
      }
      Object outcome;
      try {
        outcome = mine.outcome.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof HeartbeatStoreException) {
          throw (HeartbeatStoreException) e.getCause();
        }
        throw new StoreUnavailableException(mine.operation + " failed: " + e.getCause(), e.getCause());
      }
      if (outcome != RETRY) {
        return (StreamResult) outcome;
      }
      attempt++;
      long sleep = backoffNanos(attempt);
      HeartbeatStoreException busy = translate(mine.operation, mine.busy);
      if (mine.deadline.remainingNanos() <= sleep) {
        throw busy;
      }
      sleep(mine.operation, sleep, busy);
      mine.outcome = new CompletableFuture<>();
      pendingWrites.add(mine);
    }
  }

  /** Holding the lane: sends every waiting write in one pipeline and completes each one's outcome. */
  private void lead(LaneHold hold) {
    List<PendingWrite> group = new ArrayList<>();
    PendingWrite p;
    while (group.size() < MAX_GROUP && (p = pendingWrites.poll()) != null) {
      if (p.deadline.expired()) {
        p.outcome.completeExceptionally(p.deadline.timeout(p.operation, "waiting for the writes before it"));
      } else {
        group.add(p);
      }
    }
    if (group.isEmpty()) {
      return;
    }
    Deadline deadline = group.get(0).deadline;
    List<Statement> statements = new ArrayList<>(group.size());
    for (PendingWrite w : group) {
      statements.add(w.statement);
      if (w.deadline.remainingNanos() < deadline.remainingNanos()) {
        deadline = w.deadline;
      }
    }
    String operation = group.size() == 1 ? group.get(0).operation
        : group.get(0).operation + " (sent with " + (group.size() - 1) + " other writes)";
    try {
      List<StreamResult> results = exchange(operation, HranaCodec.executeEach(statements), hold, deadline, false);
      for (int i = 0; i < group.size(); i++) {
        StreamResult r = results.get(i);
        HranaError busy = busyError(r);
        if (busy != null) {
          group.get(i).busy = busy;
          group.get(i).outcome.complete(RETRY);
        } else {
          group.get(i).outcome.complete(r);
        }
      }
    } catch (RuntimeException e) {
      for (PendingWrite w : group) {
        w.outcome.completeExceptionally(e);
      }
    }
  }

  /**
   * The write lane, held by one write. When the caller gives up on its exchange (deadline), the
   * exchange keeps the lane until it really ends: sqld still runs it, and the next write sent at once
   * would queue behind it on the server, which is what the lane exists to avoid.
   */
  private static final class LaneHold {
    private final Semaphore lane;
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean handedOff;

    LaneHold(Semaphore lane) {
      this.lane = lane;
    }

    void handOff(CompletableFuture<?> exchange) {
      handedOff = true;
      exchange.whenComplete((response, error) -> release());
    }

    void releaseUnlessHandedOff() {
      if (!handedOff) {
        release();
      }
    }

    private void release() {
      if (released.compareAndSet(false, true)) {
        lane.release();
      }
    }
  }

  private void acquire(Semaphore semaphore, String operation, Deadline deadline, String what) {
    try {
      if (!semaphore.tryAcquire(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
        throw deadline.timeout(operation, "waiting for " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(operation + " was interrupted");
    }
  }

  private StreamResult sendInFlight(String operation, HranaCodec.Request request, LaneHold write, Deadline deadline) {
    List<StreamResult> results = exchange(operation, request, write, deadline, true);
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
   * @param retryBusy whether a main result that failed with SQLITE_BUSY retries the whole request
   *                  (a single statement or batch: nothing of it was applied)
   */
  private List<StreamResult> exchange(String operation, HranaCodec.Request request, LaneHold write,
      Deadline deadline, boolean retryBusy) {
    acquire(inFlight, operation, deadline, "one of the " + describe() + " request slots");
    try {
      int attempt = 0;
      while (true) {
        Attempt a = attempt(operation, request, write, deadline);
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
        attempt++;
        long sleep = backoffNanos(attempt);
        if (deadline.remainingNanos() <= sleep) {
          throw a.failure;
        }
        log.debug("{} (attempt {}), retrying in {} ms", a.failure.getMessage(), attempt,
            TimeUnit.NANOSECONDS.toMillis(sleep));
        sleep(operation, sleep, a.failure);
      }
    } finally {
      inFlight.release();
    }
  }

  private static long backoffNanos(int attempt) {
    long backoff = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(attempt - 1, 10));
    return ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1);
  }

  private static void sleep(String operation, long nanos, HeartbeatStoreException cause) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(operation + " was interrupted", cause);
    }
  }

  /** The outcome of one HTTP exchange: results, a retryable failure, or a switch to v2. */
  private static final class Attempt {
    List<StreamResult> results;
    HeartbeatStoreException failure;
    boolean v2Fallback;
  }

  private Attempt attempt(String operation, HranaCodec.Request body, LaneHold write, Deadline deadline) {
    Attempt a = new Attempt();
    URI uri = useV2 ? v2 : v3;
    // A read that passes its deadline is cut (it changed nothing); a write's exchange may outlive the caller
    // by ABANDON_GRACE, so that it keeps the write lane until sqld has answered it.
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(write == null ? positive(deadline.remaining()) : deadline.remaining().plus(ABANDON_GRACE))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.body()));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    Answer response;
    try {
      response = write == null
          ? sendOnThisThread(request.build(), deadline)
          : sendAndWait(operation, request.build(), write, deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(operation + " was interrupted");
    } catch (CancellationException e) {
      throw new StoreUnavailableException(operation + " was cancelled");
    } catch (IOException e) {
      Throwable cause = e;
      if (cause instanceof HttpConnectTimeoutException) {
        throw deadline.timeout(operation, "could not connect to " + describe());
      }
      if (cause instanceof HttpTimeoutException) {
        throw deadline.timeout(operation, describe() + " did not answer");
      }
      String what = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + scrub(cause.getMessage()));
      if (cause instanceof ConnectException) {
        // Nothing reached the server: safe to retry reads and writes.
        a.failure = new StoreUnavailableException(operation + ": cannot connect to " + describe() + " (" + what + ")");
        return a;
      }
      HeartbeatStoreException failure =
          new StoreUnavailableException(operation + ": the connection to " + describe() + " failed (" + what + ")");
      if (write == null && isConnectionReset(cause)) {
        a.failure = failure;
        return a;
      }
      throw failure;
    }
    int status = response.statusCode();
    if (status == 200) {
      try {
        a.results = HranaCodec.parsePipeline(response.body(), body.results());
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
    String detail = httpDetail(response);
    if (status == 401 || status == 403) {
      throw new StoreUnavailableException(operation + ": " + describe() + " refused authentication (HTTP " + status
          + "); check " + "TURSO_AUTH_TOKEN or the URL's authToken" + detail);
    }
    HeartbeatStoreException failure =
        new StoreUnavailableException(operation + ": " + describe() + " answered HTTP " + status + detail);
    // 429 and 503 are answered before the statement runs; a 502 from a proxy might not be.
    if (status == 429 || status == 503 || (status == 502 && write == null)) {
      a.failure = failure;
      return a;
    }
    throw failure;
  }

  /** A response's status and complete body. */
  private record Answer(int statusCode, byte[] body) {}

  private static Duration positive(Duration d) {
    return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
  }

  /**
   * A read, sent from the caller's thread with {@link HttpClient#send}: on a 2-core machine
   * {@code sendAsync} costs a thread hand-off more (about 0.2 ms a call: the JDK completes the public
   * future on the common pool, which is a new thread per task when that pool has one worker), and a read
   * has no reason to outlive its caller. The request timeout covers the wait for the headers; {@link
   * DeadlineBody} bounds the body.
   */
  private Answer sendOnThisThread(HttpRequest request, Deadline deadline) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = client.send(request, info -> new DeadlineBody(deadline));
    return new Answer(response.statusCode(), response.body());
  }

  /**
   * A write, sent with {@link HttpClient#send} on the store's writer thread: the caller stops waiting at
   * its deadline, while the exchange goes on (up to {@link #ABANDON_GRACE} more) holding the write lane.
   * One thread suffices, as the lane lets one write exchange run at a time. Measured on 2 vCPUs, this
   * costs less than {@code sendAsync}, whose public future the JDK completes on a thread of its own.
   */
  private Answer sendAndWait(String operation, HttpRequest request, LaneHold write, Deadline deadline)
      throws IOException, InterruptedException {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    Deadline exchangeDeadline = Deadline.after(deadline.remaining().plus(ABANDON_GRACE));
    CompletableFuture<Void> exchange;
    try {
      exchange = CompletableFuture.runAsync(() -> {
        try {
          HttpResponse<byte[]> response = client.send(request, info -> new DeadlineBody(exchangeDeadline));
          answer.complete(new Answer(response.statusCode(), response.body()));
        } catch (Throwable e) {
          answer.completeExceptionally(e);
        }
      }, writer);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw new IOException("the store is closed", e);
    }
    try {
      return answer.get(Math.max(1, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      write.handOff(exchange);
      throw deadline.timeout(operation, describe() + " did not answer");
    } catch (InterruptedException e) {
      write.handOff(exchange);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof InterruptedException) {
        throw new IOException("the store is closing", cause);
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IOException(cause);
    }
  }

  /** Runs the body deadlines of every store: one daemon thread; a cancelled check leaves its queue at once. */
  private static final java.util.concurrent.ScheduledThreadPoolExecutor DEADLINES = deadlineScheduler();

  private static java.util.concurrent.ScheduledThreadPoolExecutor deadlineScheduler() {
    java.util.concurrent.ScheduledThreadPoolExecutor scheduler = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "heartbeat-store-libsql-deadlines");
      t.setDaemon(true);
      return t;
    });
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  /**
   * {@code ofByteArray} with a deadline: {@link HttpRequest#timeout} only covers the wait for the
   * headers, so a body that stops arriving fails here at the deadline instead of holding the caller.
   * The check is scheduled once headers are in and cancelled (taken off the scheduler's queue) when the
   * body is complete, so an answered call leaves nothing behind: before, every call left a no-op that woke
   * a scheduler thread at its deadline, one wake-up a request, seconds later, on the same CPUs.
   */
  private static final class DeadlineBody implements HttpResponse.BodySubscriber<byte[]> {
    private final HttpResponse.BodySubscriber<byte[]> bytes = HttpResponse.BodySubscribers.ofByteArray();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private volatile java.util.concurrent.Flow.Subscription subscription;
    private final java.util.concurrent.ScheduledFuture<?> check;

    DeadlineBody(Deadline deadline) {
      java.lang.ref.WeakReference<DeadlineBody> self = new java.lang.ref.WeakReference<>(this);
      check = DEADLINES.schedule(() -> {
        DeadlineBody body = self.get();
        if (body != null) {
          body.expire();
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

    private void expire() {
      if (result.completeExceptionally(new HttpTimeoutException("the response body did not arrive in time"))) {
        java.util.concurrent.Flow.Subscription s = subscription;
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
    public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
      this.subscription = subscription;
      bytes.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<java.nio.ByteBuffer> item) {
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

  /** The error of a result that failed only because the database was locked, else null. */
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

  private String httpDetail(Answer response) {
    byte[] body = response.body();
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
