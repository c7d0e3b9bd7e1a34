package dev.heartbeatstore;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Core alone has no backend on its classpath: every backend is "missing" here. */
@DisplayName("HeartbeatStores")
class HeartbeatStoresTest {

  @Nested
  @DisplayName("A backend whose module is missing is a ConfigurationException naming the artifact to add")
  class MissingBackend {

    @Test
    @DisplayName("postgres → dev.heartbeatstore:heartbeat-backend-postgres")
    void postgres() {
      assertThatThrownBy(() -> HeartbeatStores.fromEnvironment(
          Map.of("DATABASE_URL", "postgres://app:s3cr3t@127.0.0.1:5432/app")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("dev.heartbeatstore:heartbeat-backend-postgres")
          .hasMessageContaining("HEARTBEAT_DB_BACKEND")
          .hasMessageNotContaining("s3cr3t");
    }

    @Test
    @DisplayName("turso and its alias libsql → dev.heartbeatstore:heartbeat-backend-libsql")
    void turso() {
      for (String name : new String[] {"turso", "libsql"}) {
        assertThatThrownBy(() -> HeartbeatStores.fromEnvironment(
            Map.of("HEARTBEAT_DB_BACKEND", name, "TURSO_DATABASE_URL", "libsql://db.example?authToken=s3cr3t")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("dev.heartbeatstore:heartbeat-backend-libsql")
            .hasMessageNotContaining("s3cr3t");
      }
    }

    @Test
    @DisplayName("hedging → dev.heartbeatstore:heartbeat-backend-hedging")
    void hedging() {
      assertThatThrownBy(() -> HeartbeatStores.fromEnvironment(Map.of("HEARTBEAT_DB_BACKEND", "hedging",
          "DATABASE_URL", "postgres://127.0.0.1/app", "TURSO_DATABASE_URL", "http://127.0.0.1:8080")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("dev.heartbeatstore:heartbeat-backend-hedging");
    }

    @Test
    @DisplayName("the programmatic path says the same")
    void programmatic() {
      HeartbeatStoreConfig config = HeartbeatStoreConfig.builder().databaseUrl("postgres://127.0.0.1/app").build();

      assertThatThrownBy(() -> HeartbeatStores.open(config))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("dev.heartbeatstore:heartbeat-backend-postgres");
    }
  }

  @Nested
  @DisplayName("Bad settings fail before any backend is looked for")
  class BadSettings {

    @Test
    @DisplayName("a missing DATABASE_URL is reported, not the missing module")
    void missingUrlFirst() {
      assertThatThrownBy(() -> HeartbeatStores.fromEnvironment(Map.of()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("DATABASE_URL")
          .hasMessageNotContaining("heartbeat-backend-postgres");
    }

    @Test
    @DisplayName("open(null) is an IllegalArgumentException naming config")
    void nullConfig() {
      assertThatThrownBy(() -> HeartbeatStores.open(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("config");
    }
  }
}
