package dev.heartbeatstore.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("heartbeat.store.* over the environment variables")
class PropertiesConfigTest {

  private static HeartbeatStoreConfig config(HeartbeatStoreProperties properties, Map<String, String> env) {
    return PropertiesConfig.build(PropertiesConfig.builder(properties, env::get));
  }

  @Test
  @DisplayName("every property that is set wins over its variable; the others come from the environment")
  void propertiesOverride() {
    HeartbeatStoreProperties p = new HeartbeatStoreProperties();
    p.setBackend("hedging");
    p.getTurso().setDatabaseUrl("http://127.0.0.1:8080");
    p.getHedging().setPrimary("turso");
    p.getHedging().setMode(HedgingMode.ASYNC);
    p.getHedging().setSecondaryTimeout(Duration.ofMillis(300));
    p.getHedging().setQueueSize(50);
    p.getHedging().setVerifyReads(0.5);
    p.setTimeout(Duration.ofSeconds(3));
    p.setMigrate(false);
    p.setPoolSize(4);
    HeartbeatStoreConfig config = config(p, Map.of(
        "HEARTBEAT_DB_BACKEND", "postgres",
        "DATABASE_URL", "postgres://app@db:5432/app",
        "TURSO_DATABASE_URL", "libsql://env.example",
        "TURSO_AUTH_TOKEN", "token-from-env",
        "HEARTBEAT_DB_TIMEOUT", "9s",
        "HEARTBEAT_HEDGING_MODE", "sync"));
    assertThat(config.backend()).isEqualTo("hedging");
    assertThat(config.databaseUrl()).isEqualTo("postgres://app@db:5432/app");
    assertThat(config.tursoDatabaseUrl()).isEqualTo("http://127.0.0.1:8080");
    assertThat(config.tursoAuthToken()).isEqualTo("token-from-env");
    assertThat(config.hedgingPrimary()).isEqualTo("turso");
    assertThat(config.hedgingMode()).isEqualTo(HedgingMode.ASYNC);
    assertThat(config.hedgingSecondaryTimeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(config.hedgingQueueSize()).isEqualTo(50);
    assertThat(config.hedgingVerifyReads()).isEqualTo(0.5);
    assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.migrate()).isFalse();
    assertThat(config.poolSize()).isEqualTo(4);
  }

  @Test
  @DisplayName("with nothing set, the library's defaults")
  void defaults() {
    HeartbeatStoreProperties p = new HeartbeatStoreProperties();
    p.setDatabaseUrl("postgres://app@db:5432/app");
    HeartbeatStoreConfig config = config(p, Map.of());
    HeartbeatStoreConfig expected = HeartbeatStoreConfig.builder().databaseUrl("postgres://app@db:5432/app").build();
    assertThat(config.toString()).isEqualTo(expected.toString());
  }

  @Test
  @DisplayName("a bad property is named as the property")
  void badPropertyNamed() {
    HeartbeatStoreProperties p = new HeartbeatStoreProperties();
    p.getHedging().setPrimary("hedging");
    assertThatThrownBy(() -> config(p, Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("heartbeat.store.hedging.primary must be one of postgres, turso, libsql, was 'hedging'");
    HeartbeatStoreProperties q = new HeartbeatStoreProperties();
    q.getHedging().setVerifyReads(2.0);
    assertThatThrownBy(() -> config(q, Map.of()))
        .hasMessageStartingWith("heartbeat.store.hedging.verify-reads must be a fraction from 0 to 1");
  }

  @Test
  @DisplayName("a missing URL is named as the property and the variable")
  void missingNamedBothWays() {
    assertThatThrownBy(() -> config(new HeartbeatStoreProperties(), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("heartbeat.store.database-url (DATABASE_URL) is not set;");
  }

  @Test
  @DisplayName("the token shows in no toString")
  void tokenHidden() {
    HeartbeatStoreProperties p = new HeartbeatStoreProperties();
    p.getTurso().setAuthToken("s3cr3t-token");
    p.getTurso().setDatabaseUrl("libsql://db.example?authToken=s3cr3t-token");
    p.setDatabaseUrl("postgres://app:pa55word@db:5432/app");
    assertThat(p.toString()).doesNotContain("s3cr3t-token").doesNotContain("pa55word");
  }

  @Test
  @DisplayName("heartbeat.store.telemetry wins over HEARTBEAT_TELEMETRY, which applies when it is unset")
  void telemetrySwitch() {
    Map<String, String> env = Map.of("DATABASE_URL", "postgres://app@db:5432/app", "HEARTBEAT_TELEMETRY", "metrics");
    HeartbeatStoreProperties p = new HeartbeatStoreProperties();
    assertThat(config(p, env).telemetry()).isEqualTo(HeartbeatStoreConfig.Telemetry.METRICS);
    p.setTelemetry(HeartbeatStoreConfig.Telemetry.OFF);
    assertThat(config(p, env).telemetry()).isEqualTo(HeartbeatStoreConfig.Telemetry.OFF);
    assertThatThrownBy(() -> config(new HeartbeatStoreProperties(), Map.of("DATABASE_URL", "postgres://app@db:5432/app",
        "HEARTBEAT_TELEMETRY", "maybe")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("HEARTBEAT_TELEMETRY must be on, off, metrics or spans, was 'maybe'");
  }
}
