package dev.heartbeatstore.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.heartbeatstore.Heartbeat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The library's Hrana requests sent raw: one {@link HttpClient} (HTTP/1.1), JSON built by hand with a
 * {@link StringBuilder}, the same pipelines the library sends (an {@code execute} then {@code close}; for
 * {@code storeAll} a conditional batch BEGIN, INSERT … SELECT FROM json_each(?) of the rows as one JSON text,
 * deadline guard, COMMIT, ROLLBACK, then {@code close}), and only what a hand-written client must read of the answer. No
 * validation, no retries, no deadline bookkeeping, no metrics: the floor the library is measured against.
 */
final class RawHrana {

  static final String COLUMNS = "id, owner, version, charging, user_id, \"timestamp\"";
  static final String INSERT = "INSERT INTO heartbeats (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";
  static final String LAST = "SELECT " + COLUMNS + " FROM heartbeats WHERE user_id = ? AND owner = ?"
      + " ORDER BY \"timestamp\" DESC, id DESC LIMIT 1";
  static final int JSON_CHUNK = 1000;
  static final String INSERT_FROM_JSON = "INSERT INTO heartbeats (" + COLUMNS + ") SELECT value ->> 0, value ->> 1,"
      + " value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(?)";
  private static final String GUARD = "SELECT abs(CASE WHEN (julianday('now') - 2440587.5) * 86400000.0 > ?"
      + " THEN -9223372036854775808 ELSE 0 END)";

  private static final JsonFactory JSON = new JsonFactory();

  private final HttpClient client;
  private final URI pipeline;

  RawHrana(String baseUrl) {
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    this.pipeline = URI.create(baseUrl + "/v3/pipeline");
  }

  void store(Heartbeat h) throws IOException, InterruptedException {
    StringBuilder b = new StringBuilder(512).append("{\"baton\":null,\"requests\":[{\"type\":\"execute\",\"stmt\":{\"sql\":");
    string(b, INSERT).append(",\"args\":[");
    args(b, h);
    b.append("],\"want_rows\":false}},{\"type\":\"close\"}]}");
    post(b);
  }

  Heartbeat last(String user, String owner) throws IOException, InterruptedException {
    StringBuilder b = new StringBuilder(384).append("{\"baton\":null,\"requests\":[{\"type\":\"execute\",\"stmt\":{\"sql\":");
    string(b, LAST).append(",\"args\":[");
    text(b, user).append(',');
    text(b, owner).append("],\"want_rows\":true}},{\"type\":\"close\"}]}");
    return firstRow(post(b));
  }

  /**
   * The library's {@code storeAll} pipeline, by hand: a conditional batch BEGIN, one INSERT … SELECT FROM
   * json_each(?) per 1,000 rows with the rows as one JSON text, the deadline guard (5 s from now: same
   * machine, same clock), COMMIT, ROLLBACK.
   */
  void storeAll(List<Heartbeat> heartbeats) throws IOException, InterruptedException {
    int n = heartbeats.size();
    StringBuilder b = new StringBuilder(256 + n * 120).append("{\"baton\":null,\"requests\":[");
    boolean stored = n > JSON_CHUNK;
    if (stored) {
      b.append("{\"type\":\"store_sql\",\"sql_id\":1,\"sql\":");
      string(b, INSERT_FROM_JSON).append("},");
    }
    b.append("{\"type\":\"batch\",\"batch\":{\"steps\":[{\"stmt\":{\"sql\":\"BEGIN\",\"want_rows\":false}}");
    int step = 0;
    StringBuilder rows = new StringBuilder(JSON_CHUNK * 100);
    for (int from = 0; from < n; from += JSON_CHUNK) {
      b.append(",{\"condition\":{\"type\":\"ok\",\"step\":").append(step++).append("},\"stmt\":{");
      if (stored) {
        b.append("\"sql_id\":1");
      } else {
        b.append("\"sql\":");
        string(b, INSERT_FROM_JSON);
      }
      rows.setLength(0);
      rows.append('[');
      for (int i = from; i < Math.min(n, from + JSON_CHUNK); i++) {
        Heartbeat h = heartbeats.get(i);
        rows.append(i == from ? "[" : ",[");
        string(rows, h.id().toString()).append(',');
        string(rows, h.owner()).append(',');
        string(rows, h.version()).append(',').append(h.charging() ? 1 : 0).append(',');
        string(rows, h.userId()).append(',').append(micros(h.timestamp())).append(']');
      }
      rows.append(']');
      b.append(",\"args\":[");
      text(b, rows.toString()).append("],\"want_rows\":false}}");
    }
    b.append(",{\"condition\":{\"type\":\"ok\",\"step\":").append(step++).append("},\"stmt\":{\"sql\":");
    string(b, GUARD).append(",\"args\":[");
    integer(b, System.currentTimeMillis() + 5000).append("],\"want_rows\":false}}");
    b.append(",{\"condition\":{\"type\":\"ok\",\"step\":").append(step++)
        .append("},\"stmt\":{\"sql\":\"COMMIT\",\"want_rows\":false}}");
    b.append(",{\"condition\":{\"type\":\"not\",\"cond\":{\"type\":\"ok\",\"step\":").append(step)
        .append("}},\"stmt\":{\"sql\":\"ROLLBACK\",\"want_rows\":false}}");
    b.append("]}},{\"type\":\"close\"}]}");
    byte[] body = post(b);
    // Committed when no step failed (only an error carries a message); a raw client must check that much.
    if (indexOf(body, "\"message\"") >= 0) {
      throw new IOException("storeAll was not committed: " + new String(body, StandardCharsets.UTF_8));
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  /** One statement without arguments (the harness's own housekeeping, never timed). */
  void execute(String sql) throws IOException, InterruptedException {
    StringBuilder b = new StringBuilder(256).append("{\"baton\":null,\"requests\":[{\"type\":\"execute\",\"stmt\":{\"sql\":");
    string(b, sql).append(",\"want_rows\":false}},{\"type\":\"close\"}]}");
    post(b);
  }

  private byte[] post(StringBuilder body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(pipeline)
        .timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    byte[] answer = response.body();
    if (response.statusCode() != 200 || indexOf(answer, "\"type\":\"error\"") >= 0) {
      throw new IOException("HTTP " + response.statusCode() + ": " + new String(answer, StandardCharsets.UTF_8));
    }
    return answer;
  }

  /** The first row of the first result, mapped as the library maps it. */
  private static Heartbeat firstRow(byte[] body) throws IOException {
    try (JsonParser p = JSON.createParser(body)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME && "rows".equals(p.currentName())) {
          p.nextToken(); // [
          if (p.nextToken() != JsonToken.START_ARRAY) {
            return null;
          }
          String[] v = new String[6];
          for (int i = 0; i < 6; i++) {
            p.nextToken(); // {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              p.nextToken();
              if ("value".equals(field)) {
                v[i] = p.getText();
              }
            }
          }
          long micros = Long.parseLong(v[5]);
          return new Heartbeat(UUID.fromString(v[0]), v[1], v[2], "1".equals(v[3]), v[4],
              Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L));
        }
      }
    }
    throw new IOException("no rows in the answer");
  }

  private static void args(StringBuilder b, Heartbeat h) {
    text(b, h.id().toString()).append(',');
    text(b, h.owner()).append(',');
    text(b, h.version()).append(',');
    integer(b, h.charging() ? 1 : 0).append(',');
    text(b, h.userId()).append(',');
    Instant t = h.timestamp();
    integer(b, t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000);
  }

  private static StringBuilder text(StringBuilder b, String value) {
    b.append("{\"type\":\"text\",\"value\":");
    return string(b, value).append('}');
  }

  private static StringBuilder integer(StringBuilder b, long value) {
    return b.append("{\"type\":\"integer\",\"value\":\"").append(value).append("\"}");
  }

  private static StringBuilder string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"');
  }

  private static int indexOf(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
