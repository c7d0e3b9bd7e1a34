package dev.heartbeatstore.libsql.internal.hrana;

import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.libsql.internal.BulkInsert;
import dev.heartbeatstore.libsql.internal.LibsqlLocation;
import dev.heartbeatstore.libsql.internal.SqlSession;
import dev.heartbeatstore.libsql.internal.Statement;
import dev.heartbeatstore.libsql.internal.hrana.CallsInFlight.Call;
import dev.heartbeatstore.libsql.internal.hrana.Proto.StreamResult;
import dev.heartbeatstore.libsql.internal.hrana.WriteLane.PendingWrite;
import dev.heartbeatstore.spi.Deadline;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SqlSession} over SQL over HTTP (Hrana over HTTP, version 3): each call is one {@code POST /v3/pipeline} (or
 * {@code /v2/pipeline} when {@link #connect} found no v3) that opens a stream, runs the statement or the
 * conditional batch, and closes the stream in the same request.
 *
 * <p>Every call ends by the deadline it is given, retries and waiting included, and runs on its caller's thread;
 * the exchange is cut at the deadline ({@link Transport}). At most {@code poolSize} requests are in flight; of
 * those, one write ({@link Writes}). The HTTP client is shared by every store of the process
 * ({@link SharedHttpClients}), so the session owns no thread: {@link #close()} only ends the calls in flight.
 */
public final class HranaSession implements SqlSession {

  /**
   * The largest response body read for any call but the migration tools' scans: 8 MiB. The largest legitimate
   * answer is an {@code index} of 1,000 rows; a row is at most about 4.8 kB of Hrana JSON (three text columns of 255
   * code points, each escaped to 6 bytes in the worst case, wrapped in typed values, plus a UUID and two integers),
   * so 1,000 rows are under 5 MB. Writes answer a few hundred bytes.
   */
  static final long MAX_RESPONSE_BYTES = 8L << 20;

  /** The cap for {@link #scan}: pages of up to 10,000 rows (the migration tools' largest batch), under 50 MB. */
  static final long MAX_SCAN_RESPONSE_BYTES = 64L << 20;

  private final String description;
  private final HranaErrors errors;
  private final CallsInFlight calls = new CallsInFlight();
  private final Transport transport;
  private final Writes writes;
  private final ServerClock serverClock;

  public HranaSession(LibsqlLocation location, int poolSize) {
    URI base = location.baseUri();
    String token = location.authToken();
    String authorization = token == null ? null : "Bearer " + token;
    this.description = "libSQL at " + base;
    this.errors = new HranaErrors(description, token, authorization);
    this.transport = new Transport(base, authorization, poolSize, description, errors, calls);
    this.writes = new Writes(transport, errors, calls);
    this.serverClock = new ServerClock(transport, description);
  }

  /** Finds where the server takes pipelines ({@link Transport#probe}): once, at start-up. */
  @Override
  public void connect(Deadline deadline) {
    Call call = calls.enter("open");
    try {
      transport.probe(deadline);
    } finally {
      calls.leave(call);
    }
  }

  /** Whether the server takes pipelines on {@code /v3/pipeline} (see {@link #connect}). */
  boolean speaksV3() {
    return transport.speaksV3();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public List<Object[]> query(String operation, Statement statement, Deadline deadline) {
    return read(operation, statement, deadline, MAX_RESPONSE_BYTES);
  }

  @Override
  public List<Object[]> scan(String operation, Statement statement, Deadline deadline) {
    return read(operation, statement, deadline, MAX_SCAN_RESPONSE_BYTES);
  }

  private List<Object[]> read(String operation, Statement statement, Deadline deadline, long cap) {
    Call call = calls.enter(operation);
    try {
      StreamResult r = transport.send(operation, Encode.execute(statement, true), false, deadline, cap);
      return statementResult(operation, null, r).rows();
    } finally {
      calls.leave(call);
    }
  }

  @Override
  public long execute(String operation, String key, Statement statement, Deadline deadline) {
    Call call = calls.enter(operation);
    try {
      StreamResult r = writes.run(new PendingWrite(operation, statement, null, deadline));
      return statementResult(operation, key, r).affectedRowCount();
    } finally {
      calls.leave(call);
    }
  }

  private Proto.StmtResult statementResult(String operation, String key, StreamResult r) {
    if (!r.ok()) {
      throw errors.translate(operation, key, false, r.error);
    }
    if (r.stmtResult == null) {
      throw errors.malformed(operation, "the execute result is missing");
    }
    return r.stmtResult;
  }

  /** The rows as JSON texts of {@value BulkInsert#JSON_CHUNK} rows each ({@link BulkInsert#fromJson()}). */
  @Override
  public long executeBatch(String operation, String key, BulkInsert insert, List<Object[]> rows, List<Statement> after,
      Deadline deadline) {
    List<Statement> statements = new ArrayList<>(rows.size() / BulkInsert.JSON_CHUNK + 1 + after.size());
    for (int from = 0; from < rows.size(); from += BulkInsert.JSON_CHUNK) {
      List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + BulkInsert.JSON_CHUNK));
      statements.add(Statement.of(insert.fromJson(), BulkInsert.asJson(chunk)));
    }
    int inserts = statements.size();
    statements.addAll(after);
    long[] changes = executeAtomically(operation, key, statements, deadline);
    long total = 0;
    for (int i = 0; i < inserts; i++) {
      total += changes[i];
    }
    return total;
  }

  @Override
  public long[] executeAtomically(String operation, String key, List<Statement> statements, Deadline deadline) {
    Call call = calls.enter(operation);
    try {
      AtomicBatch batch =
          new AtomicBatch(statements, serverClock.deadlineOnServer(operation, deadline), transport.speaksV3());
      StreamResult r = writes.run(new PendingWrite(operation, null, batch.request(), deadline));
      if (!r.ok()) {
        throw errors.translate(operation, r.error);
      }
      return batch.changes(operation, key, r, deadline, errors);
    } finally {
      calls.leave(call);
    }
  }

  /**
   * Ends the calls in flight with {@link StoreUnavailableException} (their threads are interrupted while they wait
   * or send, and the interrupt is cleared before they return); later calls throw {@link IllegalStateException}.
   * Gives up the writes whose answers never came. Returns at once: the session has no thread or client of its own.
   */
  @Override
  public void close() {
    calls.closeAll();
    transport.close();
  }

  @Override
  public String toString() {
    return description;
  }
}
