package dev.heartbeatstore.libsql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BulkInsert: the two forms a session sends rows in")
class BulkInsertTest {

  @Test
  @DisplayName("one row with a bound value per column, or the rows as one JSON text; a conflict clause after WHERE true")
  void forms() {
    BulkInsert plain = new BulkInsert("t", "a, b, c", "");
    assertThat(plain.singleRow()).isEqualTo("INSERT INTO t (a, b, c) VALUES (?, ?, ?)");
    assertThat(plain.fromJson())
        .isEqualTo("INSERT INTO t (a, b, c) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)");
    BulkInsert ignoring = new BulkInsert("t", "a, b", " ON CONFLICT (a) DO NOTHING");
    assertThat(ignoring.singleRow()).isEqualTo("INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT (a) DO NOTHING");
    assertThat(ignoring.fromJson()).isEqualTo(
        "INSERT INTO t (a, b) SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE true ON CONFLICT (a) DO NOTHING");
  }

  @Test
  @DisplayName("rows as JSON: text escaped, 64-bit integers as numbers, null as null")
  void json() {
    List<Object[]> rows = Arrays.asList(new Object[] {"a\"b", Long.MAX_VALUE, null}, new Object[] {"", -1L, "x"});
    assertThat(BulkInsert.asJson(rows)).isEqualTo("[[\"a\\\"b\",9223372036854775807,null],[\"\",-1,\"x\"]]");
  }
}
