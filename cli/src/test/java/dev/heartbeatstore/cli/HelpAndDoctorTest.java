package dev.heartbeatstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.postgres.IsolatedSchema;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("heartbeat --help and doctor, as a new user meets them")
class HelpAndDoctorTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("--help lists the environment variables and the exit codes")
  void helpListsEnvironmentAndExitCodes() throws Exception {
    Cli.Result r = Cli.run(dir, Cli.env(Map.of()), "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("HEARTBEAT_DB_BACKEND", "DATABASE_URL", "TURSO_DATABASE_URL", "TURSO_AUTH_TOKEN",
        "HEARTBEAT_HEDGING_MODE", "HEARTBEAT_DB_TIMEOUT", "HEARTBEAT_DB_MIGRATE", "HEARTBEAT_DB_POOL_SIZE",
        "Exit codes:", "3  verify found differences");
  }

  @Test
  @DisplayName("doctor with a bad setting exits 2 and names the variable, without a Java class name")
  void doctorBadSettingExitsTwo() throws Exception {
    Cli.Result r = Cli.run(dir, Cli.env(Map.of("HEARTBEAT_DB_BACKEND", "postgres",
        "DATABASE_URL", "postgres://app:secret@db.internal:notaport/app")), "doctor");
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.out() + r.err()).contains("DATABASE_URL").doesNotContain("secret").doesNotContain("java.lang.");
  }

  @Test
  @DisplayName("doctor on a database without the schema exits 1 and says to run heartbeat migrate")
  void doctorMissingSchemaNamesMigrate() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create()) {
      Cli.Result r = Cli.run(dir, Cli.env(Map.of("HEARTBEAT_DB_BACKEND", "postgres", "DATABASE_URL", schema.url())),
          "doctor");
      assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
      assertThat(r.out()).contains("heartbeat migrate");
    }
  }
}
