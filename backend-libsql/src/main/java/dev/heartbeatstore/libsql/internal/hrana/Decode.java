package dev.heartbeatstore.libsql.internal.hrana;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.heartbeatstore.libsql.internal.hrana.Proto.HranaError;
import dev.heartbeatstore.libsql.internal.hrana.Proto.MalformedResponseException;
import dev.heartbeatstore.libsql.internal.hrana.Proto.StmtResult;
import dev.heartbeatstore.libsql.internal.hrana.Proto.StreamResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads the JSON bodies of Hrana over HTTP with Jackson's streaming API, refusing anything incomplete. */
final class Decode {

  private static final com.fasterxml.jackson.core.JsonFactory JSON = Encode.JSON;

  private Decode() {}

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
    String extendedCode = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if ("message".equals(field) && t == JsonToken.VALUE_STRING) {
        message = p.getText();
      } else if ("code".equals(field) && t == JsonToken.VALUE_STRING) {
        code = p.getText();
      } else if ("extended_code".equals(field) && t == JsonToken.VALUE_STRING) {
        extendedCode = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return new HranaError(message == null ? "(no message)" : message, code, extendedCode);
  }

  private static void expect(JsonParser p, JsonToken token, String what) throws MalformedResponseException {
    if (p.currentToken() != token) {
      throw new MalformedResponseException("expected " + what + " as " + token + " but found " + p.currentToken());
    }
  }
}
