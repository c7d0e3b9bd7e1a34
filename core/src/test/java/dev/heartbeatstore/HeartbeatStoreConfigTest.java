package dev.heartbeatstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("HeartbeatStoreConfig")
class HeartbeatStoreConfigTest {

  private static final String PG_URL = "postgres://app@127.0.0.1:5432/app";
  private static final String TURSO_URL = "http://127.0.0.1:8080";

  /** The environment of a PostgreSQL deployment plus {@code more} (name, value, name, value…). */
  private static Map<String, String> env(String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", PG_URL);
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  private static HeartbeatStoreConfig parse(String... more) {
    return HeartbeatStoreConfig.fromEnvironment(env(more));
  }

  @Nested
  @DisplayName("Defaults")
  class Defaults {

    @Test
    @DisplayName("an environment with only DATABASE_URL selects postgres with every documented default")
    void defaults() {
      HeartbeatStoreConfig config = HeartbeatStoreConfig.fromEnvironment(Map.of("DATABASE_URL", PG_URL));

      assertThat(config.backend()).isEqualTo("postgres");
      assertThat(config.databaseUrl()).isEqualTo(PG_URL);
      assertThat(config.tursoDatabaseUrl()).isNull();
      assertThat(config.tursoAuthToken()).isNull();
      assertThat(config.hedgingPrimary()).isEqualTo("postgres");
      assertThat(config.hedgingSecondary()).isEqualTo("turso");
      assertThat(config.hedgingMode()).isEqualTo(HedgingMode.SYNC);
      assertThat(config.hedgingSecondaryTimeout()).isEqualTo(Duration.ofSeconds(1));
      assertThat(config.hedgingQueueSize()).isEqualTo(10_000);
      assertThat(config.hedgingVerifyReads()).isZero();
      assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(config.migrate()).isTrue();
      assertThat(config.poolSize()).isEqualTo(10);
      assertThat(config.openTelemetry()).isSameAs(OpenTelemetry.noop());
      assertThat(config.clock()).isNotNull();
    }

    @Test
    @DisplayName("the builder has the same defaults as the environment")
    void builderDefaults() {
      HeartbeatStoreConfig built = HeartbeatStoreConfig.builder().databaseUrl(PG_URL).build();

      assertThat(built.toString()).isEqualTo(HeartbeatStoreConfig.fromEnvironment(Map.of("DATABASE_URL", PG_URL))
          .toString());
    }

    @Test
    @DisplayName("variables that are present but blank take their defaults")
    void blankIsUnset() {
      HeartbeatStoreConfig config = parse(
          "HEARTBEAT_DB_BACKEND", "  ",
          "TURSO_AUTH_TOKEN", "",
          "HEARTBEAT_HEDGING_PRIMARY", " ",
          "HEARTBEAT_HEDGING_MODE", "",
          "HEARTBEAT_HEDGING_SECONDARY_TIMEOUT", "\t",
          "HEARTBEAT_HEDGING_QUEUE_SIZE", " ",
          "HEARTBEAT_HEDGING_VERIFY_READS", "",
          "HEARTBEAT_DB_TIMEOUT", " ",
          "HEARTBEAT_DB_MIGRATE", "",
          "HEARTBEAT_DB_POOL_SIZE", "  ");

      assertThat(config.toString()).isEqualTo(parse().toString());
    }

    @Test
    @DisplayName("a blank DATABASE_URL is missing, not an empty URL")
    void blankUrlIsMissing() {
      assertThatThrownBy(() -> HeartbeatStoreConfig.fromEnvironment(Map.of("DATABASE_URL", "   ")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("DATABASE_URL");
    }
  }

  @Nested
  @DisplayName("Every variable is read")
  class EveryVariable {

    @Test
    @DisplayName("each contract §3 variable sets its setting")
    void everyVariable() {
      HeartbeatStoreConfig config = HeartbeatStoreConfig.fromEnvironment(Map.ofEntries(
          Map.entry("HEARTBEAT_DB_BACKEND", "hedging"),
          Map.entry("DATABASE_URL", " " + PG_URL + " "),
          Map.entry("TURSO_DATABASE_URL", TURSO_URL),
          Map.entry("TURSO_AUTH_TOKEN", "tok"),
          Map.entry("HEARTBEAT_HEDGING_PRIMARY", "turso"),
          Map.entry("HEARTBEAT_HEDGING_MODE", "async"),
          Map.entry("HEARTBEAT_HEDGING_SECONDARY_TIMEOUT", "250ms"),
          Map.entry("HEARTBEAT_HEDGING_QUEUE_SIZE", "500"),
          Map.entry("HEARTBEAT_HEDGING_VERIFY_READS", "0.05"),
          Map.entry("HEARTBEAT_DB_TIMEOUT", "2s"),
          Map.entry("HEARTBEAT_DB_MIGRATE", "false"),
          Map.entry("HEARTBEAT_DB_POOL_SIZE", "20")));

      assertThat(config.backend()).isEqualTo("hedging");
      assertThat(config.databaseUrl()).isEqualTo(PG_URL);
      assertThat(config.tursoDatabaseUrl()).isEqualTo(TURSO_URL);
      assertThat(config.tursoAuthToken()).isEqualTo("tok");
      assertThat(config.hedgingPrimary()).isEqualTo("turso");
      assertThat(config.hedgingSecondary()).isEqualTo("postgres");
      assertThat(config.hedgingMode()).isEqualTo(HedgingMode.ASYNC);
      assertThat(config.hedgingSecondaryTimeout()).isEqualTo(Duration.ofMillis(250));
      assertThat(config.hedgingQueueSize()).isEqualTo(500);
      assertThat(config.hedgingVerifyReads()).isEqualTo(0.05);
      assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(2));
      assertThat(config.migrate()).isFalse();
      assertThat(config.poolSize()).isEqualTo(20);
    }

    @ParameterizedTest(name = "HEARTBEAT_DB_MIGRATE={0} reads as {1}")
    @CsvSource({"true,true", "TRUE,true", "1,true", "yes,true", "on,true",
        "false,false", "False,false", "0,false", "no,false", "off,false"})
    void migrateValues(String value, boolean expected) {
      assertThat(parse("HEARTBEAT_DB_MIGRATE", value).migrate()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "HEARTBEAT_HEDGING_MODE={0} reads as {1}")
    @CsvSource({"sync,SYNC", "SYNC,SYNC", "async,ASYNC", " Async ,ASYNC"})
    void modeValues(String value, HedgingMode expected) {
      assertThat(parse("HEARTBEAT_HEDGING_MODE", value).hedgingMode()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "HEARTBEAT_HEDGING_VERIFY_READS={0} is accepted")
    @ValueSource(strings = {"0", "1", "0.5", "1.0", " 0.25 "})
    void fractions(String value) {
      assertThat(parse("HEARTBEAT_HEDGING_VERIFY_READS", value).hedgingVerifyReads())
          .isEqualTo(Double.parseDouble(value.trim()));
    }
  }

  @Nested
  @DisplayName("Durations")
  class Durations {

    @ParameterizedTest(name = "HEARTBEAT_DB_TIMEOUT={0} is {1} ms")
    @CsvSource({
        "5s, 5000", "750ms, 750", "PT5S, 5000", "pt0.5s, 500", "2m, 120000", "1h, 3600000",
        "' 5s ', 5000", "5 s, 5000", "5S, 5000", "PT1M30S, 90000", "1ms, 1"})
    void accepted(String value, long millis) {
      assertThat(parse("HEARTBEAT_DB_TIMEOUT", value).timeout()).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "HEARTBEAT_DB_TIMEOUT={0} is refused")
    @ValueSource(strings = {"5", "five seconds", "5sec", "-5s", "0s", "0ms", "PT0S", "PT-5S", "s", "5.5s", "1d",
        "99999999999999999999s", "P", "PTS"})
    void refused(String value) {
      assertThatThrownBy(() -> parse("HEARTBEAT_DB_TIMEOUT", value))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("HEARTBEAT_DB_TIMEOUT")
          .hasMessageContaining("5s")
          .hasMessageContaining("PT5S");
    }

    @Test
    @DisplayName("the hedging secondary timeout is parsed the same way and names its own variable")
    void secondaryTimeout() {
      assertThat(parse("HEARTBEAT_HEDGING_SECONDARY_TIMEOUT", "PT0.2S").hedgingSecondaryTimeout())
          .isEqualTo(Duration.ofMillis(200));
      assertThatThrownBy(() -> parse("HEARTBEAT_HEDGING_SECONDARY_TIMEOUT", "soon"))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("HEARTBEAT_HEDGING_SECONDARY_TIMEOUT")
          .hasMessageContaining("'soon'");
    }

    @Test
    @DisplayName("the builder refuses a zero, negative or null deadline, naming the variable")
    void builderRefusesNonPositive() {
      HeartbeatStoreConfig.Builder builder = HeartbeatStoreConfig.builder();

      assertThatThrownBy(() -> builder.timeout(Duration.ZERO))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("HEARTBEAT_DB_TIMEOUT");
      assertThatThrownBy(() -> builder.timeout(Duration.ofSeconds(-1)))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("HEARTBEAT_DB_TIMEOUT");
      assertThatThrownBy(() -> builder.timeout(null))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("HEARTBEAT_DB_TIMEOUT");
      assertThatThrownBy(() -> builder.hedgingSecondaryTimeout(Duration.ZERO))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("HEARTBEAT_HEDGING_SECONDARY_TIMEOUT");
    }
  }

  @Nested
  @DisplayName("HEARTBEAT_DB_BACKEND")
  class Backend {

    @ParameterizedTest(name = "{0} selects {1}")
    @CsvSource({"postgres,postgres", "POSTGRES,postgres", "' postgres ',postgres", "turso,turso",
        "Turso,turso", "libsql,turso", "LibSQL,turso", "hedging,hedging"})
    void accepted(String value, String expected) {
      Map<String, String> env = env("HEARTBEAT_DB_BACKEND", value, "TURSO_DATABASE_URL", TURSO_URL);

      assertThat(HeartbeatStoreConfig.fromEnvironment(env).backend()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is refused, listing every valid value")
    @ValueSource(strings = {"postgresql", "postgress", "pg", "sqlite", "tursodb", "mysql", "hedge", "postgres,turso"})
    void unknownIsRefused(String value) {
      assertThatThrownBy(() -> parse("HEARTBEAT_DB_BACKEND", value))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("HEARTBEAT_DB_BACKEND")
          .hasMessageContaining("postgres, turso, libsql, hedging")
          .hasMessageContaining("'" + value + "'");
    }

    @Test
    @DisplayName("a typo never falls back to postgres, even when DATABASE_URL would let it")
    void typoNeverFallsBack() {
      Map<String, String> env = env("HEARTBEAT_DB_BACKEND", "tursso", "TURSO_DATABASE_URL", TURSO_URL);

      assertThatThrownBy(() -> HeartbeatStoreConfig.fromEnvironment(env)).isInstanceOf(ConfigurationException.class);
      assertThatThrownBy(() -> HeartbeatStores.fromEnvironment(env))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("tursso")
          .hasMessageNotContaining("not on the classpath");
    }

    @Test
    @DisplayName("the builder refuses an unknown backend and a null one")
    void builderRefuses() {
      assertThatThrownBy(() -> HeartbeatStoreConfig.builder().backend("oracle"))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("postgres, turso, libsql, hedging");
      assertThatThrownBy(() -> HeartbeatStoreConfig.builder().backend(null))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("HEARTBEAT_DB_BACKEND");
    }

    @Test
    @DisplayName("HEARTBEAT_HEDGING_PRIMARY accepts postgres, turso and libsql, and nothing else")
    void hedgingPrimary() {
      assertThat(parse("HEARTBEAT_HEDGING_PRIMARY", "libsql").hedgingPrimary()).isEqualTo("turso");
      assertThat(parse("HEARTBEAT_HEDGING_PRIMARY", "libsql").hedgingSecondary()).isEqualTo("postgres");
      assertThat(parse("HEARTBEAT_HEDGING_PRIMARY", "Postgres").hedgingPrimary()).isEqualTo("postgres");
      assertThatThrownBy(() -> parse("HEARTBEAT_HEDGING_PRIMARY", "hedging"))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("HEARTBEAT_HEDGING_PRIMARY")
          .hasMessageContaining("postgres, turso, libsql")
          .hasMessageNotContaining("hedging,");
    }
  }

  @Nested
  @DisplayName("Bad values name the variable and what is accepted")
  class BadValues {

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource({
        "HEARTBEAT_HEDGING_MODE, sometimes, sync or async",
        "HEARTBEAT_HEDGING_QUEUE_SIZE, lots, whole number",
        "HEARTBEAT_HEDGING_QUEUE_SIZE, 0, at least 1",
        "HEARTBEAT_HEDGING_QUEUE_SIZE, -3, at least 1",
        "HEARTBEAT_HEDGING_QUEUE_SIZE, 1.5, whole number",
        "HEARTBEAT_HEDGING_VERIFY_READS, half, 0 to 1",
        "HEARTBEAT_HEDGING_VERIFY_READS, 1.5, 0 to 1",
        "HEARTBEAT_HEDGING_VERIFY_READS, -0.1, 0 to 1",
        "HEARTBEAT_HEDGING_VERIFY_READS, NaN, 0 to 1",
        "HEARTBEAT_HEDGING_VERIFY_READS, Infinity, 0 to 1",
        "HEARTBEAT_DB_MIGRATE, maybe, true or false",
        "HEARTBEAT_DB_POOL_SIZE, ten, whole number",
        "HEARTBEAT_DB_POOL_SIZE, 0, at least 1",
        "HEARTBEAT_DB_POOL_SIZE, 99999999999, whole number"})
    void refused(String variable, String value, String accepted) {
      assertThatThrownBy(() -> parse(variable, value))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining(variable)
          .hasMessageContaining(accepted);
    }

    @Test
    @DisplayName("numbers may carry spaces around them")
    void trimmedNumbers() {
      HeartbeatStoreConfig config = parse("HEARTBEAT_DB_POOL_SIZE", " 7 ", "HEARTBEAT_HEDGING_QUEUE_SIZE", "1 ");

      assertThat(config.poolSize()).isEqualTo(7);
      assertThat(config.hedgingQueueSize()).isEqualTo(1);
    }
  }

  @Nested
  @DisplayName("Required URLs")
  class RequiredUrls {

    @Test
    @DisplayName("postgres without DATABASE_URL names DATABASE_URL")
    void postgresNeedsDatabaseUrl() {
      assertThatThrownBy(() -> HeartbeatStoreConfig.fromEnvironment(Map.of()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("DATABASE_URL")
          .hasMessageContaining("postgres://");
    }

    @Test
    @DisplayName("turso without TURSO_DATABASE_URL names TURSO_DATABASE_URL, and does not need DATABASE_URL")
    void tursoNeedsTursoUrl() {
      assertThatThrownBy(() -> HeartbeatStoreConfig.fromEnvironment(Map.of("HEARTBEAT_DB_BACKEND", "turso")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("TURSO_DATABASE_URL");

      HeartbeatStoreConfig config = HeartbeatStoreConfig.fromEnvironment(
          Map.of("HEARTBEAT_DB_BACKEND", "libsql", "TURSO_DATABASE_URL", "file:heartbeats.db"));
      assertThat(config.databaseUrl()).isNull();
      assertThat(config.tursoDatabaseUrl()).isEqualTo("file:heartbeats.db");
    }

    @Test
    @DisplayName("hedging needs both URLs and names the missing one")
    void hedgingNeedsBoth() {
      assertThatThrownBy(() -> HeartbeatStoreConfig.fromEnvironment(
          Map.of("HEARTBEAT_DB_BACKEND", "hedging", "TURSO_DATABASE_URL", TURSO_URL)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("DATABASE_URL")
          .hasMessageNotContaining("TURSO_DATABASE_URL is not set");
      assertThatThrownBy(() -> HeartbeatStoreConfig.fromEnvironment(
          Map.of("HEARTBEAT_DB_BACKEND", "hedging", "DATABASE_URL", PG_URL)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("TURSO_DATABASE_URL");
    }
  }

  @Nested
  @DisplayName("toString never shows a secret")
  class Redaction {

    @Test
    @DisplayName("a password in the user info of DATABASE_URL is redacted")
    void userInfoPassword() {
      String text = HeartbeatStoreConfig.builder().databaseUrl("postgres://user:s3cr3t@db.example:5432/app").build()
          .toString();

      assertThat(text).doesNotContain("s3cr3t").contains("postgres://user:***@db.example:5432/app");
    }

    @Test
    @DisplayName("a password query parameter of a JDBC URL is redacted")
    void passwordParameter() {
      String text = HeartbeatStoreConfig.builder()
          .databaseUrl("jdbc:postgresql://db.example/app?user=app&password=s3cr3t&sslmode=require").build()
          .toString();

      assertThat(text).doesNotContain("s3cr3t").contains("sslmode=require").contains("user=app");
    }

    @Test
    @DisplayName("TURSO_AUTH_TOKEN and an authToken in TURSO_DATABASE_URL are redacted")
    void tokens() {
      String text = HeartbeatStoreConfig.builder()
          .backend("turso")
          .tursoDatabaseUrl("libsql://db.example.turso.io?authToken=eyJtoken.in.url")
          .tursoAuthToken("eyJtoken.in.env")
          .build()
          .toString();

      assertThat(text).doesNotContain("eyJtoken").contains("libsql://db.example.turso.io");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "postgres://app2:Xy7/Qk+9Lm==@db.example/app",
        "postgres://app2:Xy7?Qk+9Lm==@db.example/app?sslmode=require",
        "postgres://app2:Xy7#Qk+9Lm==@db.example/app",
        "postgresql://app2:Xy7@Qk+9Lm==@db.example:5432/app",
        "postgres://app2:Xy7/Qk?9L#m==@db.example/app?application_name=svc@example"})
    @DisplayName("a raw '/', '?', '#' or '@' in the password of DATABASE_URL is redacted, host kept")
    void rawCharactersInPassword(String url) {
      String text = HeartbeatStoreConfig.builder().databaseUrl(url).build().toString();

      assertThat(text).doesNotContain("Xy7").doesNotContain("Qk").doesNotContain("Lm==")
          .contains("app2:***@db.example");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "libsql://db.example.turso.io?auth%54oken=eyJtoken.in.url",
        "libsql://db.example.turso.io?%61uthToken=eyJtoken.in.url&tls=1",
        "https://db.example.turso.io/?AUTHTOKEN=eyJtoken.in.url#and-a-fragment"})
    @DisplayName("a token parameter whose name is percent-encoded (as the libSQL backend accepts it) is redacted")
    void encodedParameterName(String url) {
      String text = HeartbeatStoreConfig.builder().backend("turso").tursoDatabaseUrl(url).build().toString();

      assertThat(text).doesNotContain("eyJtoken").contains("db.example.turso.io");
    }

    @Test
    @DisplayName("toString still shows what is useful: backend, hosts and settings")
    void usefulParts() {
      String text = parse("HEARTBEAT_DB_TIMEOUT", "750ms").toString();

      assertThat(text).contains("backend=postgres").contains("127.0.0.1:5432").contains("PT0.75S")
          .contains("tursoAuthToken=none");
    }
  }

  @Nested
  @DisplayName("Programmatic configuration")
  class Programmatic {

    @Test
    @DisplayName("toBuilder copies every setting, and changing the copy leaves the original alone")
    void toBuilderCopies() {
      Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
      HeartbeatStoreConfig original = HeartbeatStoreConfig.builderFromEnvironment(Map.of(
              "HEARTBEAT_DB_BACKEND", "hedging", "DATABASE_URL", PG_URL, "TURSO_DATABASE_URL", TURSO_URL,
              "TURSO_AUTH_TOKEN", "tok", "HEARTBEAT_HEDGING_MODE", "async", "HEARTBEAT_DB_POOL_SIZE", "3"))
          .clock(clock)
          .build();

      HeartbeatStoreConfig copy = original.toBuilder().build();
      HeartbeatStoreConfig changed = original.toBuilder().timeout(Duration.ofSeconds(9)).build();

      assertThat(copy.toString()).isEqualTo(original.toString());
      assertThat(copy.tursoAuthToken()).isEqualTo("tok");
      assertThat(copy.clock()).isSameAs(clock);
      assertThat(changed.timeout()).isEqualTo(Duration.ofSeconds(9));
      assertThat(original.timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("build() checks the URLs the chosen backend needs")
    void buildChecks() {
      assertThatThrownBy(() -> HeartbeatStoreConfig.builder().build())
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("DATABASE_URL");
      assertThatThrownBy(() -> HeartbeatStoreConfig.builder().backend("turso").databaseUrl(PG_URL).build())
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("TURSO_DATABASE_URL");
    }

    @Test
    @DisplayName("fromEnvironment refuses a null map")
    void nullEnvironment() {
      assertThatThrownBy(() -> HeartbeatStoreConfig.fromEnvironment(null)).isInstanceOf(RuntimeException.class);
    }
  }

  @Nested
  @DisplayName("HEARTBEAT_TELEMETRY")
  class TelemetrySwitch {

    @Test
    @DisplayName("on by default; on, off, metrics and spans in any case; toBuilder keeps it")
    void values() {
      assertThat(HeartbeatStoreConfig.fromEnvironment(Map.of("DATABASE_URL", PG_URL)).telemetry())
          .isEqualTo(HeartbeatStoreConfig.Telemetry.ON);
      for (HeartbeatStoreConfig.Telemetry t : HeartbeatStoreConfig.Telemetry.values()) {
        HeartbeatStoreConfig config = HeartbeatStoreConfig.fromEnvironment(Map.of("DATABASE_URL", PG_URL,
            "HEARTBEAT_TELEMETRY", " " + t.name().toLowerCase(java.util.Locale.ROOT).toUpperCase(java.util.Locale.ROOT)
                .substring(0, 1) + t.name().toLowerCase(java.util.Locale.ROOT).substring(1) + " "));
        assertThat(config.telemetry()).isEqualTo(t);
        assertThat(config.toBuilder().build().telemetry()).isEqualTo(t);
        assertThat(config.toString()).contains("telemetry=" + t.name().toLowerCase(java.util.Locale.ROOT));
      }
      assertThat(HeartbeatStoreConfig.Telemetry.METRICS.metrics()).isTrue();
      assertThat(HeartbeatStoreConfig.Telemetry.METRICS.spans()).isFalse();
      assertThat(HeartbeatStoreConfig.Telemetry.SPANS.spans()).isTrue();
      assertThat(HeartbeatStoreConfig.Telemetry.OFF.metrics()).isFalse();
    }

    @Test
    @DisplayName("anything else is refused, naming the variable and the accepted values")
    void refused() {
      assertThatThrownBy(() -> HeartbeatStoreConfig.fromEnvironment(Map.of("DATABASE_URL", PG_URL,
          "HEARTBEAT_TELEMETRY", "false")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("HEARTBEAT_TELEMETRY").hasMessageContaining("on, off, metrics or spans")
          .hasMessageContaining("'false'");
      assertThatThrownBy(() -> HeartbeatStoreConfig.builder().telemetry(null))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("HEARTBEAT_TELEMETRY");
    }
  }
}
