package dev.heartbeatstore.libsql.internal.hrana;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.libsql.internal.Statement;
import dev.heartbeatstore.libsql.internal.hrana.Proto.HranaError;
import dev.heartbeatstore.libsql.internal.hrana.Proto.Request;
import dev.heartbeatstore.libsql.internal.hrana.Proto.StmtResult;
import dev.heartbeatstore.libsql.internal.hrana.Proto.StreamResult;
import dev.heartbeatstore.spi.Deadline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code batch} that runs statements as a transaction, then {@code close}; it lays out its own steps and reads
 * its own results.
 *
 * <p>Steps: {@code BEGIN}; each statement, run only if the step before it succeeded; a deadline guard that fails
 * if the server's clock has passed the caller's deadline; {@code COMMIT}, run only if the guard succeeded;
 * {@code ROLLBACK}, run whenever {@code COMMIT} did not succeed. Over SQL over HTTP v3 each step after
 * {@code BEGIN} up to {@code COMMIT} also needs the stream to be inside a transaction ({@code not is_autocommit},
 * as libSQL's own clients guard their batches): a statement that ended the transaction early (a {@code ROLLBACK},
 * a {@code COMMIT}) stops the batch there, and no later statement runs on its own, outside the transaction.
 * {@code /v2/pipeline} may refuse that condition, so a v2 batch goes without it.
 *
 * <p>The guard is why a batch the client gave up on never commits later: sqld runs a request to
 * the end even after the client has gone, and would otherwise commit behind the caller's
 * {@code StoreTimeoutException}.
 */
final class AtomicBatch {

  /**
   * The longest SQL text sent with {@code store_sql}; longer text goes inline in every step. Measured
   * against sqld 0.24.32: text over 5,000 characters is not kept, and the batch that refers to it fails
   * with HTTP 400 "SQL text 1 not found".
   */
  static final int MAX_STORED_SQL_LENGTH = 5000;

  /**
   * Fails (with SQLite's "integer overflow": {@code abs} of the smallest 64-bit integer) when the
   * server's clock, in epoch milliseconds, is past the bound argument. {@code julianday('now')} is
   * not constant, so SQLite cannot evaluate the failing branch ahead of time.
   */
  static final String DEADLINE_GUARD = "SELECT abs(CASE WHEN (julianday('now') - 2440587.5) * 86400000.0 > ?"
      + " THEN -9223372036854775808 ELSE 0 END)";

  /**
   * One step: its statement, the step whose success it needs ({@code -1}: none; negated: its failure), and whether
   * it also needs a transaction in progress ({@code not is_autocommit}).
   */
  private record Step(Statement statement, int needsOk, boolean negated, boolean inTransaction) {}

  private final List<Step> steps = new ArrayList<>();
  /** The step of each statement, in order. */
  private final int[] statementSteps;
  private final int guardStep;
  private final int commitStep;
  private final int rollbackStep;
  private final Request request;

  /**
   * The batch of {@code statements}, guarded by the server-clock deadline {@code deadlineEpochMillis}.
   *
   * @param v3 whether the server speaks SQL over HTTP v3 (the {@code is_autocommit} condition)
   */
  AtomicBatch(List<Statement> statements, long deadlineEpochMillis, boolean v3) {
    int begin = add(Statement.of("BEGIN"), -1, false, false);
    statementSteps = new int[statements.size()];
    int last = begin;
    for (int i = 0; i < statements.size(); i++) {
      last = add(statements.get(i), last, false, v3);
      statementSteps[i] = last;
    }
    guardStep = add(Statement.of(DEADLINE_GUARD, deadlineEpochMillis), last, false, v3);
    commitStep = add(Statement.of("COMMIT"), guardStep, false, v3);
    rollbackStep = add(Statement.of("ROLLBACK"), commitStep, true, false);
    request = encode(statements);
  }

  private int add(Statement statement, int needsOk, boolean negated, boolean inTransaction) {
    steps.add(new Step(statement, needsOk, negated, inTransaction));
    return steps.size() - 1;
  }

  Request request() {
    return request;
  }

  /**
   * Each statement's change count when the batch committed; otherwise the failure to throw (the ROLLBACK step
   * ran, nothing was applied): the first failed step's error, a timeout when the deadline guard failed, or, when
   * no step failed, the statement that ended the transaction before COMMIT.
   */
  long[] changes(String operation, String key, StreamResult r, Deadline deadline, HranaErrors errors) {
    if (r.stepResults == null) {
      throw errors.malformed(operation, "the batch result is missing");
    }
    if (committed(r)) {
      long[] changes = new long[statementSteps.length];
      for (int i = 0; i < changes.length; i++) {
        StmtResult step = result(r, statementSteps[i]);
        changes[i] = step == null ? 0 : step.affectedRowCount();
      }
      return changes;
    }
    for (int i = 0; i < r.stepErrors.size(); i++) {
      HranaError e = r.stepErrors.get(i);
      if (e != null && i != rollbackStep) { // ROLLBACK fails when there was no transaction left to roll back
        if (i == guardStep) {
          throw deadline.timeout(operation, "the server reached the deadline before COMMIT and rolled back");
        }
        throw errors.translate(operation, key, true, e);
      }
    }
    // No step failed, yet COMMIT did not run: a statement ended the transaction, and the steps after it were skipped.
    int ended = statementSteps.length - 1;
    for (int i = 0; i < statementSteps.length; i++) {
      if (result(r, statementSteps[i]) == null) {
        ended = i - 1;
        break;
      }
    }
    if (ended >= 0) {
      throw new HeartbeatStoreException(operation + ": statement " + (ended + 1) + " of the " + statementSteps.length
          + " in the batch ended its transaction before COMMIT (it committed or rolled back); the statements after"
          + " it were not run");
    }
    throw errors.malformed(operation, "the batch was not committed and reported no error");
  }

  private boolean committed(StreamResult r) {
    return result(r, commitStep) != null;
  }

  private static StmtResult result(StreamResult r, int step) {
    return step < r.stepResults.size() ? r.stepResults.get(step) : null;
  }

  private Request encode(List<Statement> statements) {
    // SQL text used more than once (every insert of a storeAll) is sent once, with store_sql, and
    // referred to by id: a 1,000-row batch then carries its INSERT text once instead of 1,000 times.
    Map<String, Integer> sqlIds = new HashMap<>();
    Map<String, Integer> uses = new LinkedHashMap<>();
    for (Statement st : statements) {
      uses.merge(st.sql(), 1, Integer::sum);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(estimatedSize(statements));
    try (JsonGenerator g = Encode.JSON.createGenerator(out, JsonEncoding.UTF8)) {
      Encode.startPipeline(g);
      for (Map.Entry<String, Integer> e : uses.entrySet()) {
        if (e.getValue() > 1 && e.getKey().length() <= MAX_STORED_SQL_LENGTH) {
          int id = sqlIds.size() + 1;
          sqlIds.put(e.getKey(), id);
          g.writeStartObject();
          g.writeStringField("type", "store_sql");
          g.writeNumberField("sql_id", id);
          g.writeStringField("sql", Encode.wellFormed(e.getKey()));
          g.writeEndObject();
        }
      }
      g.writeStartObject();
      g.writeStringField("type", "batch");
      g.writeObjectFieldStart("batch");
      g.writeArrayFieldStart("steps");
      for (Step step : steps) {
        writeStep(g, step, sqlIds.get(step.statement().sql()));
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
      Encode.endPipeline(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Request(out.toByteArray(), sqlIds.size() + 2, sqlIds.size());
  }

  /** A step with its condition; with {@code sqlId} set, its statement by reference to stored text. */
  private static void writeStep(JsonGenerator g, Step step, Integer sqlId) throws IOException {
    g.writeStartObject();
    if (step.needsOk() >= 0) {
      g.writeObjectFieldStart("condition");
      if (step.inTransaction()) {
        g.writeStringField("type", "and");
        g.writeArrayFieldStart("conds");
        g.writeStartObject();
      }
      if (step.negated()) {
        g.writeStringField("type", "not");
        g.writeObjectFieldStart("cond");
      }
      g.writeStringField("type", "ok");
      g.writeNumberField("step", step.needsOk());
      if (step.negated()) {
        g.writeEndObject();
      }
      if (step.inTransaction()) {
        g.writeEndObject();
        g.writeStartObject();
        g.writeStringField("type", "not");
        g.writeObjectFieldStart("cond");
        g.writeStringField("type", "is_autocommit");
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeFieldName("stmt");
    Encode.writeStmt(g, step.statement(), false, sqlId);
    g.writeEndObject();
  }

  /**
   * About the body's size, so that its buffer is not copied over and over while it grows: a
   * {@code storeAll} of 1,000 rows carries them as one JSON text of about 100 kB, escaped once more.
   */
  private static int estimatedSize(List<Statement> statements) {
    long size = 512;
    for (Statement st : statements) {
      size += 64 + st.sql().length();
      for (int i = 0; i < st.argCount(); i++) {
        Object arg = st.arg(i);
        size += 40 + (arg instanceof String ? ((String) arg).length() * 9L / 8 : 20);
      }
    }
    return (int) Math.min(size, 64L << 20);
  }
}
