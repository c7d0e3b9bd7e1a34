package dev.heartbeatstore.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Secrets")
class SecretsTest {

  @Nested
  @DisplayName("redactUrl hides passwords and tokens and keeps the rest")
  class RedactUrl {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "postgres://user:secret@h/db | postgres://user:***@h/db",
        "postgresql://user:secret@h:5432/db?sslmode=require | postgresql://user:***@h:5432/db?sslmode=require",
        "postgres://:secret@h/db | postgres://:***@h/db",
        "postgres://user:p%40ss@h/db | postgres://user:***@h/db",
        "postgres://user:p@ss@h/db | postgres://user:***@h/db",
        "jdbc:postgresql://h/db?password=secret | jdbc:postgresql://h/db?password=***",
        "jdbc:postgresql://h/db?user=u&password=secret&ssl=true | jdbc:postgresql://h/db?user=u&password=***&ssl=true",
        "jdbc:postgresql://h/db?user=u&PASSWORD=secret | jdbc:postgresql://h/db?user=u&PASSWORD=***",
        "jdbc:postgresql://h/db?sslpassword=secret | jdbc:postgresql://h/db?sslpassword=***",
        "libsql://db.turso.io?authToken=secret | libsql://db.turso.io?authToken=***",
        "https://db.turso.io/?tls=1&authToken=secret#frag | https://db.turso.io/?tls=1&authToken=***",
        "libsql://db.turso.io?authToken=abc#def&x=1 | libsql://db.turso.io?authToken=***&x=1",
        "http://127.0.0.1:8080?auth_token=secret | http://127.0.0.1:8080?auth_token=***",
        "http://127.0.0.1:8080?token=secret | http://127.0.0.1:8080?token=***"})
    void redacted(String url, String expected) {
      assertThat(Secrets.redactUrl(url)).isEqualTo(expected).doesNotContain("secret");
    }

    @ParameterizedTest(name = "{0} is unchanged")
    @ValueSource(strings = {
        "postgres://user@h:5432/db",
        "postgres://h:5432/db?sslmode=disable",
        "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
        "http://127.0.0.1:8080",
        "file:heartbeats.db",
        "libsql://db-name.turso.io"})
    void unchanged(String url) {
      assertThat(Secrets.redactUrl(url)).isEqualTo(url);
    }

    @Test
    @DisplayName("null stays null")
    void nullStaysNull() {
      assertThat(Secrets.redactUrl(null)).isNull();
    }
  }

  @Nested
  @DisplayName("scrub removes every occurrence of each secret")
  class Scrub {

    @Test
    @DisplayName("each secret is replaced wherever it appears; null and empty secrets are ignored")
    void scrubs() {
      assertThat(Secrets.scrub("password authentication failed: hunter2 (hunter2), token tok", "hunter2", null, "",
          "tok"))
          .isEqualTo("password authentication failed: *** (***), ***en ***");
    }

    @Test
    @DisplayName("null text stays null")
    void nullText() {
      assertThat(Secrets.scrub(null, "x")).isNull();
    }
  }
}
