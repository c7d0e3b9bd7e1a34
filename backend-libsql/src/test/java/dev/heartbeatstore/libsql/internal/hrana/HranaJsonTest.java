package dev.heartbeatstore.libsql.internal.hrana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.heartbeatstore.libsql.internal.Statement;
import dev.heartbeatstore.libsql.internal.hrana.Proto.MalformedResponseException;
import dev.heartbeatstore.libsql.internal.hrana.Proto.StreamResult;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The Hrana JSON codec")
class HranaJsonTest {

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static final String OK = "{\"baton\":null,\"base_url\":null,\"results\":["
      + "{\"type\":\"ok\",\"response\":{\"type\":\"execute\",\"result\":{\"cols\":[{\"name\":\"a\"}],\"rows\":["
      + "[{\"type\":\"integer\",\"value\":\"9223372036854775807\"},{\"type\":\"text\",\"value\":\"x\"},"
      + "{\"type\":\"null\"},{\"type\":\"float\",\"value\":1.5},{\"type\":\"blob\",\"base64\":\"AQI=\"}]],"
      + "\"affected_row_count\":0,\"last_insert_rowid\":null}}},"
      + "{\"type\":\"ok\",\"response\":{\"type\":\"close\"}}]}";

  @Test
  @DisplayName("repeated SQL is stored once with store_sql, unless it is longer than sqld keeps (5,000 characters)")
  void storeSqlOnlyForShortText() {
    Statement shortSql = Statement.of("INSERT INTO t VALUES (?)", 1L);
    Proto.Request repeated = new AtomicBatch(List.of(shortSql, shortSql), 0, true).request();
    assertThat(new String(repeated.body(), StandardCharsets.UTF_8)).contains("\"store_sql\"");
    assertThat(repeated.mainResult()).isEqualTo(1);

    String longText = "INSERT INTO t VALUES (?)" + " ".repeat(AtomicBatch.MAX_STORED_SQL_LENGTH);
    Statement longSql = Statement.of(longText, 1L);
    Proto.Request inline = new AtomicBatch(List.of(longSql, longSql), 0, true).request();
    assertThat(new String(inline.body(), StandardCharsets.UTF_8)).doesNotContain("store_sql");
    assertThat(inline.mainResult()).isZero();
  }

  @Test
  @DisplayName("over v3 every step from the first statement to COMMIT also needs a transaction (not is_autocommit);"
      + " over v2, which may refuse that condition, none does")
  void autocommitGuard() {
    List<Statement> statements = List.of(Statement.of("INSERT INTO t VALUES (1)"), Statement.of("INSERT INTO t VALUES (2)"));
    String v3 = new String(new AtomicBatch(statements, 0, true).request().body(), StandardCharsets.UTF_8);
    String v2 = new String(new AtomicBatch(statements, 0, false).request().body(), StandardCharsets.UTF_8);
    String guard = "{\"type\":\"not\",\"cond\":{\"type\":\"is_autocommit\"}}";
    // two statements, the deadline guard and COMMIT
    assertThat(v3.split(java.util.regex.Pattern.quote(guard), -1)).hasSize(5);
    assertThat(v3).contains("{\"type\":\"and\",\"conds\":[{\"type\":\"ok\",\"step\":0}," + guard + "]}");
    assertThat(v2).doesNotContain("is_autocommit");
  }

  @Test
  @DisplayName("reads every value type exactly, 64-bit integers included")
  void values() throws Exception {
    List<StreamResult> results = Decode.parsePipeline(json(OK), 2);
    Object[] row = results.get(0).stmtResult.rows().get(0);
    assertThat(row[0]).isEqualTo(Long.MAX_VALUE);
    assertThat(row[1]).isEqualTo("x");
    assertThat(row[2]).isNull();
    assertThat(row[3]).isEqualTo(1.5);
    assertThat((byte[]) row[4]).containsExactly(1, 2);
  }

  @Test
  @DisplayName("a body cut anywhere is malformed, never a partial result")
  void truncatedAnywhere() {
    for (int cut = 0; cut < OK.length() - 1; cut++) {
      byte[] body = json(OK.substring(0, cut));
      assertThatThrownBy(() -> Decode.parsePipeline(body, 2)).isInstanceOf(MalformedResponseException.class);
    }
  }

  @Test
  @DisplayName("an error object, trailing garbage, or the wrong number of results is malformed")
  void errorShaped() {
    assertThatThrownBy(() -> Decode.parsePipeline(json("{\"error\":\"boom\"}"), 2))
        .isInstanceOf(MalformedResponseException.class);
    assertThatThrownBy(() -> Decode.parsePipeline(json(OK + "{}"), 2))
        .isInstanceOf(MalformedResponseException.class);
    assertThatThrownBy(() -> Decode.parsePipeline(json(OK), 3)).isInstanceOf(MalformedResponseException.class);
    assertThatThrownBy(() -> Decode.parsePipeline(json("<html>502</html>"), 2))
        .isInstanceOf(MalformedResponseException.class);
  }

  @Test
  @DisplayName("writes integers as strings and closes the stream in the same pipeline")
  void request() {
    String body = new String(Encode.execute(Statement.of("SELECT ?, ?, ?", 42L, "t\"x", null), true).body(),
        StandardCharsets.UTF_8);
    assertThat(body).isEqualTo("{\"baton\":null,\"requests\":[{\"type\":\"execute\",\"stmt\":{\"sql\":\"SELECT ?, ?, ?\","
        + "\"args\":[{\"type\":\"integer\",\"value\":\"42\"},{\"type\":\"text\",\"value\":\"t\\\"x\"},{\"type\":\"null\"}],"
        + "\"want_rows\":true}},{\"type\":\"close\"}]}");
  }

  @Test
  @DisplayName("never writes invalid JSON: a lone surrogate goes out as U+FFFD, a surrogate pair unchanged")
  void loneSurrogates() throws Exception {
    String emoji = "\uD83D\uDE00";
    List<String> sent = textValues(Encode.executeEach(List.of(
        Statement.of("INSERT INTO t VALUES (?, ?, ?, ?)", "a\uD800b", "end\uD800", "\uDC00start", emoji + "\uDE00"),
        Statement.of("INSERT INTO t VALUES (?)", "fine " + emoji))).body());
    assertThat(sent).containsExactly("a\uFFFDb", "end\uFFFD", "\uFFFDstart", emoji + "\uFFFD", "fine " + emoji);

    List<String> batch = textValues(new AtomicBatch(List.of(Statement.of("SELECT ?", "[\"x\uDBFF\"]")), 0, true).request().body());
    assertThat(batch).first().isEqualTo("[\"x\uFFFD\"]"); // then the deadline guard's integer
  }

  @Test
  @DisplayName("leaves a string without lone surrogates as it is (the same instance)")
  void wellFormedIsFreeForValidText() {
    String valid = "owner \uD83D\uDE00 \u00e9";
    assertThat(Encode.wellFormed(valid)).isSameAs(valid);
  }

  /**
   * The {@code value} of every text argument, after checking the body as sqld's strict reader would: valid UTF-8,
   * and no string holding half a surrogate pair (an escape {@code \\uD800} alone is what sqld refused).
   */
  private static List<String> textValues(byte[] body) throws Exception {
    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
    List<String> values = new ArrayList<>();
    try (JsonParser p = new JsonFactory().createParser(body)) {
      String field = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME) {
          field = p.currentName();
        } else if (t == JsonToken.VALUE_STRING) {
          String text = p.getText();
          assertThat(Encode.wellFormed(text)).as("a string in the body is well-formed UTF-16").isSameAs(text);
          if ("value".equals(field)) {
            values.add(text);
          }
        }
      }
    }
    return values;
  }
}
