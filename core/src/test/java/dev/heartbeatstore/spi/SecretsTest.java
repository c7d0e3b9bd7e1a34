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

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        // a raw '/', '?', '#' or '@' in the password: the parser takes all of it, so redaction hides all of it
        "postgres://app2:Xy7/Qk+9Lm==@host/db | postgres://app2:***@host/db",
        "postgres://app2:Xy7/Qk+9Lm==@host/db?sslmode=require | postgres://app2:***@host/db?sslmode=require",
        "postgres://app:pa?ss@host:5432/db | postgres://app:***@host:5432/db",
        "postgres://app:pa#ss@host/db | postgres://app:***@host/db",
        "postgres://app:p?a#s/s@host/db?sslmode=disable | postgres://app:***@host/db?sslmode=disable",
        "postgres://app:p@ss/w?rd@host/db | postgres://app:***@host/db",
        // a password with a '?' and a secret parameter after it: both hidden
        "postgres://app:pa?ss@host/db?password=other | postgres://app:***@host/db?password=***",
        // an '@' in a query value is not user info
        "postgres://app:pw@host/db?application_name=me@example | postgres://app:***@host/db?application_name=me@example",
        "postgres://host:5432/db?application_name=me@example | postgres://host:5432/db?application_name=me@example",
        "jdbc:postgresql://host/db?application_name=a@b&password=pw | jdbc:postgresql://host/db?application_name=a@b&password=***",
        // parameter names are read percent-decoded, as the libSQL backend reads them
        "libsql://db.turso.io?auth%54oken=secret | libsql://db.turso.io?auth%54oken=***",
        "libsql://db.turso.io?%61uthToken=secret&tls=1 | libsql://db.turso.io?%61uthToken=***&tls=1",
        "jdbc:postgresql://h/db?pass%77ord=secret | jdbc:postgresql://h/db?pass%77ord=***",
        // where a '?' may be in a password or start the query, everything either reading could take is hidden
        "libsql://db.turso.io:443?authToken=se@cret | libsql://db.turso.io:443?authToken=***"})
    void redactedWhateverTheRawCharacters(String url, String expected) {
      assertThat(Secrets.redactUrl(url)).isEqualTo(expected)
          .doesNotContain("Qk+9").doesNotContain("pa?ss").doesNotContain("pa#ss").doesNotContain("secret")
          .doesNotContain("cret").doesNotContain("other").doesNotContain("=pw");
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
  @DisplayName("userInfoEnd finds the '@' that ends the user info, by one rule")
  class UserInfoEnd {

    @ParameterizedTest(name = "{0}: user info is ''{1}''")
    @CsvSource(delimiter = '|', value = {
        "postgres://u:p@h/db | u:p",
        "postgres://u:p@ss@h/db | u:p@ss",
        "postgres://u:Xy7/Qk+9Lm==@h/db | u:Xy7/Qk+9Lm==",
        "postgres://u:pa?ss@h/db?x=1 | u:pa?ss",
        "postgres://u:pa#ss@h/db | u:pa#ss",
        "postgres://u:pa?s@s@h/db | u:pa?s@s",
        "postgres://u:p@h/db?application_name=a@b | u:p",
        "postgres://u@h/db | u",
        "postgres://u:p@ss/w?rd@h/db | u:p@ss/w?rd",
        "postgres://u:pa?s=s@h/db | u:pa?s=s",
        "postgres://u:pa?s@s@h/db?x=a@b | u:pa?s@s",
        "postgres://u:p@ss/w?rd@h/db?x=a@b | u:p@ss/w?rd",
        "postgres://u:Xy7/Qk?9L#m==@h/db?application_name=svc@example | u:Xy7/Qk?9L#m=="})
    void found(String url, String userInfo) {
      int start = url.indexOf("//") + 2;
      assertThat(url.substring(start, Secrets.userInfoEnd(url))).isEqualTo(userInfo);
    }

    @ParameterizedTest(name = "{0} has no user info")
    @ValueSource(strings = {
        "postgres://h/db", "postgres://h:5432/db?application_name=a@b", "postgres://h?application_name=a@b",
        "postgres://h:5432?application_name=a@b", "postgres://[::1]:5432,10.0.0.2:5433/db?application_name=a@b",
        "file:heartbeats@x.db", "localhost:5432"})
    void none(String url) {
      assertThat(Secrets.userInfoEnd(url)).isEqualTo(-1);
    }
  }

  @Nested
  @DisplayName("redactRefusedUrl hides everything between the user name and the last '@'")
  class RedactRefusedUrl {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "postgres://app:p@ss/w?rd=x@host/db | postgres://app:***@host/db",
        "postgres://app:pw@host/db?application_name=a@b | postgres://app:***@b",
        "postgres://host/db | postgres://host/db",
        "postgres://app:secret@/db | postgres://app:***@/db"})
    void hidden(String url, String expected) {
      assertThat(Secrets.redactRefusedUrl(url)).isEqualTo(expected);
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
