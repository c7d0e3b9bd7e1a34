package dev.heartbeatstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.postgres.internal.PostgresUrl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("DATABASE_URL")
class PostgresUrlTest {

  @Nested
  @DisplayName("in the postgres:// form")
  class LibpqForm {

    @Test
    @DisplayName("becomes a pgjdbc URL with the credentials kept apart")
    void becomesJdbcUrl() {
      PostgresUrl url = PostgresUrl.parse("postgres://app:secret@db.example.com:6543/heartbeats");

      assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/heartbeats");
      assertThat(url.user()).isEqualTo("app");
      assertThat(url.password()).isEqualTo("secret");
      assertThat(url.server()).isEqualTo("db.example.com:6543");
    }

    @Test
    @DisplayName("accepts the postgresql:// scheme too, in any case")
    void acceptsPostgresqlScheme() {
      PostgresUrl url = PostgresUrl.parse("PostgreSQL://app@127.0.0.1/test");

      assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1/test");
      assertThat(url.user()).isEqualTo("app");
      assertThat(url.password()).isNull();
      assertThat(url.server()).isEqualTo("127.0.0.1:5432");
    }

    @Test
    @DisplayName("URL-decodes user and password, and keeps a plus sign a plus sign")
    void decodesCredentials() {
      PostgresUrl url = PostgresUrl.parse("postgres://us%65r%2Bx:p%40ss+w%3Ard%2F%C3%A9@localhost:5432/app");

      assertThat(url.user()).isEqualTo("user+x");
      assertThat(url.password()).isEqualTo("p@ss+w:rd/é");
    }

    @Test
    @DisplayName("tolerates an unencoded @ in the password")
    void tolerateUnencodedAt() {
      PostgresUrl url = PostgresUrl.parse("postgres://app:p@ss@localhost:5432/app");

      assertThat(url.password()).isEqualTo("p@ss");
      assertThat(url.server()).isEqualTo("localhost:5432");
      assertThat(url.redacted()).doesNotContain("p@ss").doesNotContain("ss@");
    }

    @Test
    @DisplayName("passes query parameters such as sslmode through to pgjdbc")
    void passesParametersThrough() {
      PostgresUrl url = PostgresUrl.parse("postgres://app:pw@localhost:5432/app?sslmode=require&connectTimeout=3");

      assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app?sslmode=require&connectTimeout=3");
    }

    @Test
    @DisplayName("keeps several hosts and IPv6 literals")
    void keepsHostLists() {
      PostgresUrl url = PostgresUrl.parse("postgres://app@[::1]:5433,10.0.0.2:5434/app");

      assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433,10.0.0.2:5434/app");
      assertThat(url.server()).isEqualTo("[::1]:5433,10.0.0.2:5434");
    }
  }

  @Nested
  @DisplayName("with raw (not percent-encoded) special characters in the password")
  class RawPasswords {

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "postgres://app2:Xy7/Qk+9Lm==@db.example/app | Xy7/Qk+9Lm== | jdbc:postgresql://db.example/app",
        "postgres://app2:Xy7?Qk+9Lm==@db.example:6543/app?sslmode=disable | Xy7?Qk+9Lm== | jdbc:postgresql://db.example:6543/app?sslmode=disable",
        "postgres://app2:Xy7#Qk+9Lm==@db.example/app | Xy7#Qk+9Lm== | jdbc:postgresql://db.example/app",
        "postgres://app2:Xy7@Qk+9Lm==@db.example/app | Xy7@Qk+9Lm== | jdbc:postgresql://db.example/app",
        "postgres://app2:X:y/7?Q#k@9==@db.example/app?application_name=me@example | X:y/7?Q#k@9== | jdbc:postgresql://db.example/app?application_name=me@example"})
    @DisplayName("takes the whole password, and no redacted form shows any of it")
    void wholePasswordTakenAndHidden(String url, String password, String jdbcUrl) {
      PostgresUrl parsed = PostgresUrl.parse(url);

      assertThat(parsed.user()).isEqualTo("app2");
      assertThat(parsed.password()).isEqualTo(password);
      assertThat(parsed.jdbcUrl()).isEqualTo(jdbcUrl);
      assertThat(parsed.server()).startsWith("db.example:");
      String config = dev.heartbeatstore.HeartbeatStoreConfig.builder().databaseUrl(url).build().toString();
      for (String shown : new String[] {parsed.redacted(), parsed.toString(), config,
          dev.heartbeatstore.spi.Secrets.redactUrl(url)}) {
        assertThat(shown).contains("app2:***@db.example").doesNotContain("Xy7").doesNotContain("9==")
            .doesNotContain(password);
      }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "postgres://app:top?secret@/app",
        "postgres://app:top?secret@localhost:99999/app",
        "postgres://app:top#secret@localhost/app/extra",
        "postgres://app:top/sec?ret@localhost:port/app",
        "postgres://app:top%ZZ?secret@localhost/app",
        "jdbc:postgresql://app:top?secret@localhost/app",
        "jdbc:postgresql://app:top/secret@localhost/app"})
    @DisplayName("when refused, the message shows none of it")
    void refusedWithoutThePassword(String url) {
      assertThatThrownBy(() -> PostgresUrl.parse(url))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("DATABASE_URL")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("top").doesNotContain("secret")
              .doesNotContain("ret@"));
    }
  }

  @Nested
  @DisplayName("in the jdbc:postgresql:// form")
  class JdbcForm {

    @Test
    @DisplayName("is passed to pgjdbc as is")
    void passedAsIs() {
      String jdbc = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=pw&sslmode=disable";
      PostgresUrl url = PostgresUrl.parse(jdbc);

      assertThat(url.jdbcUrl()).isEqualTo(jdbc);
      assertThat(url.user()).isNull();
      assertThat(url.password()).isEqualTo("pw");
      assertThat(url.server()).isEqualTo("127.0.0.1:5432");
      assertThat(url.redacted()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=***&sslmode=disable");
    }
  }

  @Nested
  @DisplayName("when malformed")
  class Malformed {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "mysql://app:topsecret@localhost/app",
        "postgres://app:topsecret@/app",
        "postgres://app:topsecret@localhost:99999/app",
        "postgres://app:topsecret@localhost:port/app",
        "postgres://app:top%ZZsecret@localhost/app",
        "postgres://app:topsecret@localhost/app/extra",
        "jdbc:postgresql://app:topsecret@localhost:5432/app",
        "localhost:5432"})
    @DisplayName("is a ConfigurationException naming DATABASE_URL and what is accepted, without the password")
    void rejected(String bad) {
      assertThatThrownBy(() -> PostgresUrl.parse(bad))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("DATABASE_URL")
          .hasMessageContaining("postgres://user:password@host:5432/database")
          .hasMessageContaining("jdbc:postgresql://")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("topsecret").doesNotContain("secret"));
    }

    @Test
    @DisplayName("names the problem")
    void namesTheProblem() {
      assertThatThrownBy(() -> PostgresUrl.parse("postgres://app:pw@localhost:70000/app"))
          .hasMessageContaining("port");
      assertThatThrownBy(() -> PostgresUrl.parse("redis://localhost"))
          .hasMessageContaining("unknown scheme");
    }
  }
}
