package dev.heartbeatstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("IndexParams")
class IndexParamsTest {

  @Nested
  @DisplayName("Out-of-range values are an IllegalArgumentException naming the parameter and the value")
  class Validation {

    @Test
    @DisplayName("skip < 0 names params.skip")
    void negativeSkip() {
      assertThatThrownBy(() -> new IndexParams(-1, 10, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("params.skip must be >= 0, was -1");
    }

    @ParameterizedTest(name = "limit {0} names params.limit and the range")
    @ValueSource(ints = {0, -1, 1001, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void limitOutOfRange(int limit) {
      assertThatThrownBy(() -> new IndexParams(0, limit, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("params.limit must be between 1 and 1000, was " + limit);
    }

    @Test
    @DisplayName("a query over 255 characters names params.query")
    void longQuery() {
      assertThatThrownBy(() -> new IndexParams(0, 10, "q".repeat(256)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("params.query")
          .hasMessageContaining("255");
    }
  }

  @Nested
  @DisplayName("The bounds themselves are accepted")
  class Bounds {

    @ParameterizedTest(name = "skip {0}, limit {1}")
    @CsvSource({"0,1", "0,1000", "2147483647,1", "5,20"})
    void accepted(int skip, int limit) {
      IndexParams params = new IndexParams(skip, limit, null);

      assertThat(params.skip()).isEqualTo(skip);
      assertThat(params.limit()).isEqualTo(limit);
    }

    @Test
    @DisplayName("a 255-character query is accepted")
    void longestQuery() {
      assertThat(new IndexParams(0, 10, "q".repeat(255)).query()).hasSize(255);
    }

    @Test
    @DisplayName("first(n) is skip 0, limit n, no query, and validates n")
    void first() {
      assertThat(IndexParams.first(20)).isEqualTo(new IndexParams(0, 20, null));
      assertThatThrownBy(() -> IndexParams.first(0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("params.limit");
    }
  }

  @Nested
  @DisplayName("hasQuery: null or blank means no filter")
  class HasQuery {

    @ParameterizedTest(name = "''{0}'' filters nothing")
    @NullSource
    @ValueSource(strings = {"", " ", "\t\n"})
    void noFilter(String query) {
      assertThat(new IndexParams(0, 10, query).hasQuery()).isFalse();
    }

    @ParameterizedTest(name = "''{0}'' filters")
    @ValueSource(strings = {"1", "%", "_", " 1 "})
    void filter(String query) {
      assertThat(new IndexParams(0, 10, query).hasQuery()).isTrue();
    }
  }
}
