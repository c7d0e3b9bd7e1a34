package dev.heartbeatstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.testsupport.servers.Sqld;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("heartbeat journal")
class JournalCommandTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("shows the entries the secondary has not received; --drain applies them once it is back, "
      + "and exits 1 while it cannot")
  void showsAndDrains() throws Exception {
    try (IsolatedSchema schema = IsolatedSchema.create(); Sqld sqld = Sqld.start()) {
      Map<String, String> env = Cli.env(Map.of(
          "HEARTBEAT_DB_BACKEND", "hedging",
          "DATABASE_URL", schema.url(),
          "TURSO_DATABASE_URL", sqld.url()));
      assertThat(Cli.run(dir, env, "migrate").exit()).isZero();
      sqld.kill();
      String user = "journal-cli-" + UUID.randomUUID();
      try (HeartbeatStore hedging = HeartbeatStores.open(HeartbeatStoreConfig.builder().backend("hedging")
          .databaseUrl(schema.url()).tursoDatabaseUrl(sqld.url()).build())) {
        for (int i = 0; i < 25; i++) {
          hedging.heartbeats().store(new Heartbeat(UUID.randomUUID(), "+1555700", "1.0", false, user,
              Instant.now().truncatedTo(ChronoUnit.MICROS)));
        }
      }

      Cli.Result shown = Cli.run(dir, env, "journal");
      assertThat(shown.exit()).as(shown.err()).isZero();
      assertThat(shown.out()).contains("depth 25", "NOT reachable");
      Cli.Result notYet = Cli.run(dir, env, "journal", "--drain", "--timeout", "2s");
      assertThat(notYet.exit()).as(notYet.out() + notYet.err()).isEqualTo(1);

      sqld.restart();
      Cli.Result pending = Cli.run(dir, env, "journal");
      assertThat(pending.exit()).as(pending.err()).isZero();
      assertThat(pending.out()).contains("journal of postgres", "depth 25", "dead letters 0");

      Cli.Result drained = Cli.run(dir, env, "journal", "--drain", "--timeout", "60s");
      assertThat(drained.exit()).as(drained.out() + drained.err()).isZero();
      assertThat(drained.out()).contains("drained").contains("empty");

      Cli.Result doctor = Cli.run(dir, env, "doctor");
      assertThat(doctor.out()).contains("journal of postgres: depth 0, lag 0.0 s, dead letters 0");
    }
  }
}
