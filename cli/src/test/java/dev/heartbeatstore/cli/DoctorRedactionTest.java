package dev.heartbeatstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.HeartbeatStoreConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What doctor prints about each side shows no password or token, in any form the parsers accept. */
@DisplayName("doctor's description of each side")
class DoctorRedactionTest {

  private static final String SECRET = "Xy7/Qk?9L#m==";

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "postgres://app2:Xy7/Qk+9Lm==@db.example/app",
      "postgres://app2:Xy7?Qk+9Lm==@db.example/app",
      "postgres://app2:Xy7#Qk+9Lm==@db.example/app",
      "postgres://app2:Xy7/Qk?9L#m==@db.example/app?application_name=svc@example"})
  @DisplayName("hides a password with a raw '/', '?' or '#'")
  void postgresPassword(String url) {
    HeartbeatStoreConfig config = HeartbeatStoreConfig.builder().databaseUrl(url).build();

    assertThat(ConnectionOptions.describe(config, HeartbeatStoreConfig.POSTGRES))
        .startsWith("postgres (postgres://app2:***@db.example/app").doesNotContain("Xy7").doesNotContain("Qk");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "libsql://db.example.turso.io?auth%54oken=eyJ.token.x",
      "libsql://db.example.turso.io?%61uthToken=eyJ.token.x&tls=1"})
  @DisplayName("hides a token whose parameter name is percent-encoded")
  void tursoToken(String url) {
    HeartbeatStoreConfig config = HeartbeatStoreConfig.builder().backend("turso").tursoDatabaseUrl(url).build();

    assertThat(ConnectionOptions.describe(config, HeartbeatStoreConfig.TURSO))
        .contains("db.example.turso.io").doesNotContain("eyJ");
  }

  @Test
  @DisplayName("a real doctor run against unreachable servers prints neither secret, anywhere")
  void doctorRun() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Cli.Result r = Cli.run(dir, Cli.env(Map.of(
        "HEARTBEAT_DB_BACKEND", "hedging",
        "DATABASE_URL", "postgres://app2:" + SECRET + "@127.0.0.1:" + port + "/db",
        "TURSO_DATABASE_URL", "http://127.0.0.1:" + port + "?auth%54oken=eyJ.token.x",
        "HEARTBEAT_DB_TIMEOUT", "2s")), "doctor");

    assertThat(r.exit()).as(r.out() + r.err()).isNotZero();
    assertThat(r.out()).contains("postgres (postgres://app2:***@127.0.0.1:" + port + "/db)");
    for (String printed : new String[] {r.out(), r.err()}) {
      assertThat(printed).doesNotContain("Xy7").doesNotContain("9L#").doesNotContain("eyJ");
    }
  }
}
