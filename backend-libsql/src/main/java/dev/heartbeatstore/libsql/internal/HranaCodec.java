package dev.heartbeatstore.libsql.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads the JSON bodies of Hrana over HTTP ({@code /v3/pipeline}, same shape on
 * {@code /v2/pipeline}) with Jackson's streaming API: no object mapper, no intermediate tree.
 *
 * <p>Every request opens a stream (baton null) and ends with {@code {"type":"close"}}, so the
 * server never keeps a stream after the response.
 */
final class HranaCodec {

  private static final JsonFactory JSON = new JsonFactory();

  private HranaCodec() {}

  /** A Hrana {@code Error}: message and optional code (e.g. {@code SQLITE_CONSTRAINT}). */
  record HranaError(String message, String code) {}

  /** A Hrana {@code StmtResult}: the rows (values typed as in {@link SqlSession#query}) and the change count. */
  record StmtResult(List<Object[]> rows, long affectedRowCount) {}

  /**
   * A pipeline body, how many results its response must hold, and which of them answers the
   * statement or batch (the others are {@code store_sql} and {@code close}).
   */
  record Request(byte[] body, int results, int mainResult) {}

  /** One entry of the pipeline's {@code results}: ok with a statement or batch result, or an error. */
  static final class StreamResult {
    HranaError error;
    StmtResult stmtResult;
    List<StmtResult> stepResults;
    List<HranaError> stepErrors;

    boolean ok() {
      return error == null;
    }
  }

  // ---------------------------------------------------------------- requests

  /** {@code execute} of one statement, then {@code close}. */
  static Request execute(Statement statement, boolean wantRows) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      startPipeline(g);
      g.writeStartObject();
      g.writeStringField("type", "execute");
      g.writeFieldName("stmt");
      writeStmt(g, statement, wantRows, null);
      g.writeEndObject();
      endPipeline(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Request(out.toByteArray(), 2, 0);
  }

  /**
   * One {@code execute} per statement, then {@code close}: independent statements (each its own
   * autocommit transaction; one failing does not undo another) in one round trip.
   */
  static Request executeEach(List<Statement> statements) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(statements.size() * 300);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      startPipeline(g);
      for (Statement statement : statements) {
        g.writeStartObject();
        g.writeStringField("type", "execute");
        g.writeFieldName("stmt");
        writeStmt(g, statement, false, null);
        g.writeEndObject();
      }
      endPipeline(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Request(out.toByteArray(), statements.size() + 1, 0);
  }

  /**
   * One {@code batch} that runs the statements as a transaction, then {@code close}: step 0 is
   * {@code BEGIN}, each statement runs only if the step before it succeeded, then a deadline guard
   * fails if the server's clock has passed {@code deadlineEpochMillis}, {@code COMMIT} runs only if
   * the guard succeeded, and {@code ROLLBACK} whenever {@code COMMIT} did not succeed.
   * Steps: {@code 0} BEGIN, {@code 1..n} statements, {@code n+1} guard, {@code n+2} COMMIT, {@code n+3} ROLLBACK.
   *
   * <p>The guard is why a batch the client gave up on never commits later: sqld runs a request to
   * the end even after the client has gone, and would otherwise commit behind the caller's
   * {@code StoreTimeoutException}.
   */
  /**
   * The longest SQL text sent with {@code store_sql}; longer text goes inline in every step. Measured
   * against sqld 0.24.32: text over 5,000 characters is not kept, and the batch that refers to it fails
   * with HTTP 400 "SQL text 1 not found".
   */
  static final int MAX_STORED_SQL_LENGTH = 5000;

  static Request atomicBatch(List<Statement> statements, long deadlineEpochMillis) {
    // SQL text used more than once (every insert of a storeAll) is sent once, with store_sql, and
    // referred to by id: a 1,000-row batch then carries its INSERT text once instead of 1,000 times.
    Map<String, Integer> sqlIds = new HashMap<>();
    Map<String, Integer> uses = new LinkedHashMap<>();
    for (Statement st : statements) {
      uses.merge(st.sql(), 1, Integer::sum);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(estimatedSize(statements));
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      startPipeline(g);
      for (Map.Entry<String, Integer> e : uses.entrySet()) {
        if (e.getValue() > 1 && e.getKey().length() <= MAX_STORED_SQL_LENGTH) {
          int id = sqlIds.size() + 1;
          sqlIds.put(e.getKey(), id);
          g.writeStartObject();
          g.writeStringField("type", "store_sql");
          g.writeNumberField("sql_id", id);
          g.writeStringField("sql", wellFormed(e.getKey()));
          g.writeEndObject();
        }
      }
      g.writeStartObject();
      g.writeStringField("type", "batch");
      g.writeObjectFieldStart("batch");
      g.writeArrayFieldStart("steps");
      writeStep(g, -1, false, Statement.of("BEGIN"), null);
      int n = statements.size();
      for (int i = 0; i < n; i++) {
        Statement st = statements.get(i);
        writeStep(g, i, false, st, sqlIds.get(st.sql()));
      }
      writeStep(g, n, false, Statement.of(DEADLINE_GUARD, deadlineEpochMillis), null);
      writeStep(g, n + 1, false, Statement.of("COMMIT"), null);
      writeStep(g, n + 2, true, Statement.of("ROLLBACK"), null);
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
      endPipeline(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Request(out.toByteArray(), sqlIds.size() + 2, sqlIds.size());
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

  /**
   * Fails (with SQLite's "integer overflow": {@code abs} of the smallest 64-bit integer) when the
   * server's clock, in epoch milliseconds, is past the bound argument. {@code julianday('now')} is
   * not constant, so SQLite cannot evaluate the failing branch ahead of time.
   */
  static final String DEADLINE_GUARD = "SELECT abs(CASE WHEN (julianday('now') - 2440587.5) * 86400000.0 > ?"
      + " THEN -9223372036854775808 ELSE 0 END)";

  /** The server's clock in epoch milliseconds, to estimate its offset from ours. */
  static final String SERVER_CLOCK = "SELECT CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

  /** Index of the deadline guard step in {@link #atomicBatch} of {@code n} statements. */
  static int guardStep(int n) {
    return n + 1;
  }

  /** Index of the COMMIT step in {@link #atomicBatch} of {@code n} statements. */
  static int commitStep(int n) {
    return n + 2;
  }

  private static void startPipeline(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeNullField("baton");
    g.writeArrayFieldStart("requests");
  }

  private static void endPipeline(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "close");
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
  }

  /** A step conditioned on step {@code conditionStep} being ok (or, negated, not ok); -1: no condition. */
  private static void writeStep(JsonGenerator g, int conditionStep, boolean negate, Statement statement,
      Integer sqlId) throws IOException {
    g.writeStartObject();
    if (conditionStep >= 0) {
      g.writeObjectFieldStart("condition");
      if (negate) {
        g.writeStringField("type", "not");
        g.writeObjectFieldStart("cond");
      }
      g.writeStringField("type", "ok");
      g.writeNumberField("step", conditionStep);
      if (negate) {
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeFieldName("stmt");
    writeStmt(g, statement, false, sqlId);
    g.writeEndObject();
  }

  /** A {@code Stmt}; with {@code sqlId} set, by reference to text stored with {@code store_sql}. */
  private static void writeStmt(JsonGenerator g, Statement statement, boolean wantRows, Integer sqlId)
      throws IOException {
    g.writeStartObject();
    if (sqlId != null) {
      g.writeNumberField("sql_id", sqlId);
    } else {
      g.writeStringField("sql", wellFormed(statement.sql()));
    }
    if (statement.argCount() > 0) {
      g.writeArrayFieldStart("args");
      for (int i = 0; i < statement.argCount(); i++) {
        writeValue(g, statement.arg(i));
      }
      g.writeEndArray();
    }
    g.writeBooleanField("want_rows", wantRows);
    g.writeEndObject();
  }

  private static void writeValue(JsonGenerator g, Object value) throws IOException {
    g.writeStartObject();
    if (value == null) {
      g.writeStringField("type", "null");
    } else if (value instanceof Long) {
      // Hrana sends 64-bit integers as JSON strings, so no JSON reader rounds them to a double.
      g.writeStringField("type", "integer");
      g.writeStringField("value", value.toString());
    } else {
      g.writeStringField("type", "text");
      g.writeStringField("value", wellFormed((String) value));
    }
    g.writeEndObject();
  }

  /**
   * {@code text} with every lone surrogate (a UTF-16 half without its other half) replaced by U+FFFD, the
   * replacement character; {@code text} itself when it has none, which is every string core let through.
   * Jackson writes a lone surrogate as a JSON escape of that half alone (U+D800 as backslash-u-D800), which strict
   * JSON readers refuse: sqld then refused the whole request with HTTP 400 ("unexpected end of hex escape"), and with
   * it every write grouped into that request. Core refuses such strings before any I/O; this keeps the encoder from
   * ever emitting invalid JSON on its own.
   */
  static String wellFormed(String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return replaceLoneSurrogates(text, i);
        }
      }
    }
    return text;
  }

  private static String replaceLoneSurrogates(String text, int from) {
    StringBuilder b = new StringBuilder(text.length()).append(text, 0, from);
    int n = text.length();
    for (int i = from; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        b.append(c).append(text.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- responses

  /** Thrown for a body that is not a complete, well-formed pipeline response. */
  static final class MalformedResponseException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedResponseException(String message) {
      super(message);
    }

    MalformedResponseException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Parses a {@code PipelineRespBody} and returns its {@code results}; the body must be one complete
   * JSON object with exactly {@code expectedResults} results. Anything else (truncated, not JSON,
   * an error object) is a {@link MalformedResponseException}: never a partial answer.
   */
  static List<StreamResult> parsePipeline(byte[] body, int expectedResults) throws MalformedResponseException {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedResponseException("the response body is not a JSON object");
      }
      List<StreamResult> results = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if ("results".equals(field)) {
          results = parseResults(p);
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new MalformedResponseException("the response body does not end where its JSON object ends");
      }
      if (results == null) {
        throw new MalformedResponseException("the response has no \"results\"");
      }
      if (results.size() != expectedResults) {
        throw new MalformedResponseException("the response has " + results.size() + " results for "
            + expectedResults + " requests");
      }
      return results;
    } catch (MalformedResponseException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new MalformedResponseException("the response body is not valid JSON (truncated or garbled): "
          + e.getClass().getSimpleName(), e);
    }
  }

  /** Parses an HTTP error body shaped {@code {"error": "..."}} or {@code {"message":..}}; null if it is not. */
  static String errorMessage(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String message = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (("error".equals(field) || "message".equals(field)) && t == JsonToken.VALUE_STRING) {
          message = p.getText();
        } else if ("error".equals(field) && t == JsonToken.START_OBJECT) {
          message = parseError(p).message();
        } else {
          p.skipChildren();
        }
      }
      return message;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static List<StreamResult> parseResults(JsonParser p) throws IOException {
    expect(p, JsonToken.START_ARRAY, "results");
    List<StreamResult> results = new ArrayList<>(2);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "a result");
      StreamResult r = new StreamResult();
      String type = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "type":
            type = p.getValueAsString();
            break;
          case "response":
            parseResponse(p, r);
            break;
          case "error":
            r.error = parseError(p);
            break;
          default:
            p.skipChildren();
        }
      }
      if ("error".equals(type) && r.error == null) {
        r.error = new HranaError("error without details", null);
      } else if (!"ok".equals(type) && !"error".equals(type)) {
        throw new MalformedResponseException("a result has type " + type);
      }
      results.add(r);
    }
    return results;
  }

  private static void parseResponse(JsonParser p, StreamResult r) throws IOException {
    expect(p, JsonToken.START_OBJECT, "a response");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if ("result".equals(field)) {
        ResultFields f = parseResultFields(p);
        if (f.stepResults != null || f.stepErrors != null) {
          r.stepResults = f.stepResults == null ? List.of() : f.stepResults;
          r.stepErrors = f.stepErrors == null ? List.of() : f.stepErrors;
        } else {
          r.stmtResult = f.toStmtResult();
        }
      } else {
        p.skipChildren();
      }
    }
  }

  /** The fields of a StmtResult or a BatchResult (they share the "result" slot). */
  private static final class ResultFields {
    List<Object[]> rows;
    long affected;
    List<StmtResult> stepResults;
    List<HranaError> stepErrors;

    StmtResult toStmtResult() {
      return new StmtResult(rows == null ? List.of() : rows, affected);
    }
  }

  private static ResultFields parseResultFields(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "a result object");
    ResultFields f = new ResultFields();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "rows":
          f.rows = parseRows(p);
          break;
        case "affected_row_count":
          f.affected = t == JsonToken.VALUE_NULL ? 0 : p.getValueAsLong();
          break;
        case "step_results":
          expect(p, JsonToken.START_ARRAY, "step_results");
          f.stepResults = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            f.stepResults.add(p.currentToken() == JsonToken.VALUE_NULL ? null : parseResultFields(p).toStmtResult());
          }
          break;
        case "step_errors":
          expect(p, JsonToken.START_ARRAY, "step_errors");
          f.stepErrors = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            f.stepErrors.add(p.currentToken() == JsonToken.VALUE_NULL ? null : parseError(p));
          }
          break;
        default:
          p.skipChildren();
      }
    }
    return f;
  }

  private static List<Object[]> parseRows(JsonParser p) throws IOException {
    expect(p, JsonToken.START_ARRAY, "rows");
    List<Object[]> rows = new ArrayList<>();
    List<Object> row = new ArrayList<>(8);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_ARRAY, "a row");
      row.clear();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        row.add(parseValue(p));
      }
      rows.add(row.toArray());
    }
    return rows;
  }

  private static Object parseValue(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "a value");
    String type = null;
    String text = null;
    Number number = null;
    String base64 = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "type":
          type = p.getValueAsString();
          break;
        case "value":
          if (t == JsonToken.VALUE_STRING) {
            text = p.getText();
          } else if (t.isNumeric()) {
            number = p.getNumberValue();
          } else {
            p.skipChildren();
          }
          break;
        case "base64":
          base64 = p.getValueAsString();
          break;
        default:
          p.skipChildren();
      }
    }
    if (type == null) {
      throw new MalformedResponseException("a value without a type");
    }
    switch (type) {
      case "null":
        return null;
      case "integer":
        if (text != null) {
          try {
            return Long.parseLong(text);
          } catch (NumberFormatException e) {
            throw new MalformedResponseException("an integer value that is not a 64-bit integer");
          }
        }
        if (number != null) {
          return number.longValue();
        }
        throw new MalformedResponseException("an integer value without a value");
      case "float":
        if (number != null) {
          return number.doubleValue();
        }
        if (text != null) {
          return Double.parseDouble(text);
        }
        throw new MalformedResponseException("a float value without a value");
      case "text":
        if (text == null) {
          throw new MalformedResponseException("a text value without a value");
        }
        return text;
      case "blob":
        if (base64 == null) {
          throw new MalformedResponseException("a blob value without base64");
        }
        return Base64.getDecoder().decode(base64);
      default:
        throw new MalformedResponseException("a value of unknown type " + type);
    }
  }

  private static HranaError parseError(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "an error");
    String message = null;
    String code = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if ("message".equals(field) && t == JsonToken.VALUE_STRING) {
        message = p.getText();
      } else if ("code".equals(field) && t == JsonToken.VALUE_STRING) {
        code = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return new HranaError(message == null ? "(no message)" : message, code);
  }

  private static void expect(JsonParser p, JsonToken token, String what) throws MalformedResponseException {
    if (p.currentToken() != token) {
      throw new MalformedResponseException("expected " + what + " as " + token + " but found " + p.currentToken());
    }
  }
}
