package dev.heartbeatstore.libsql.internal.hrana;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.heartbeatstore.libsql.internal.Statement;
import dev.heartbeatstore.libsql.internal.hrana.Proto.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes the JSON bodies of Hrana over HTTP ({@code /v3/pipeline}, same shape on {@code /v2/pipeline}) with
 * Jackson's streaming API: no object mapper, no intermediate tree.
 *
 * <p>Every request opens a stream (baton null) and ends with {@code {"type":"close"}}, so the
 * server never keeps a stream after the response.
 */
final class Encode {

  static final JsonFactory JSON = new JsonFactory();

  private Encode() {}

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

  static void startPipeline(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeNullField("baton");
    g.writeArrayFieldStart("requests");
  }

  static void endPipeline(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "close");
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
  }

  /** A {@code Stmt}; with {@code sqlId} set, by reference to text stored with {@code store_sql}. */
  static void writeStmt(JsonGenerator g, Statement statement, boolean wantRows, Integer sqlId)
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
}
