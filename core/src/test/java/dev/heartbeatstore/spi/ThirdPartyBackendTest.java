package dev.heartbeatstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A backend core has never heard of (registered in this module's test resources) is selected, checked
 * and opened from what its provider declares: adding a backend edits no core class.
 */
@DisplayName("A backend core does not know is described by its provider")
class ThirdPartyBackendTest {

  /** Declares a name, an alias and a required setting; opening it only proves it was found. */
  public static final class FakeProvider implements BackendProvider {

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public Set<String> aliases() {
      return Set.of("counterfeit");
    }

    @Override
    public List<String> requiredSettings() {
      return List.of(HeartbeatStoreConfig.DATABASE_URL);
    }

    @Override
    public String artifact() {
      return "com.example:heartbeat-backend-fake";
    }

    @Override
    public String dbSystemName() {
      return "fake";
    }

    @Override
    public HeartbeatStore open(BackendContext context) {
      throw new StoreUnavailableException("the fake backend was found and opens nothing");
    }
  }

  @Test
  @DisplayName("its name and alias are accepted values of HEARTBEAT_DB_BACKEND, listed after the shipped ones")
  void namesAreAccepted() {
    assertThat(HeartbeatStoreConfig.builder().backend(" Counterfeit ").databaseUrl("postgres://h/db").build().backend())
        .isEqualTo("fake");
    assertThatThrownBy(() -> HeartbeatStoreConfig.builder().backend("oracle"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("HEARTBEAT_DB_BACKEND must be one of postgres, turso, libsql, hedging, fake, counterfeit,"
            + " was 'oracle'");
  }

  @Test
  @DisplayName("a setting it requires is checked before anything is opened, naming the variable")
  void requiredSettingsAreChecked() {
    assertThatThrownBy(() -> HeartbeatStoreConfig.fromEnvironment(Map.of("HEARTBEAT_DB_BACKEND", "fake")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("DATABASE_URL is not set; HEARTBEAT_DB_BACKEND=fake needs it");
  }

  @Test
  @DisplayName("HeartbeatStores opens it through its provider")
  void opened() {
    assertThatThrownBy(() -> HeartbeatStores.fromEnvironment(
        Map.of("HEARTBEAT_DB_BACKEND", "fake", "DATABASE_URL", "postgres://h/db")))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("the fake backend was found");
  }
}
