package dev.heartbeatstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.migration.MigrationFixture;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.testsupport.servers.Sqld;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The heartbeat command")
class HeartbeatCliTest {

  @TempDir
  Path dir;

  @Nested
  @DisplayName("demo")
  class Demo {

    @Test
    @DisplayName("with an empty environment, in an empty directory, uses ./heartbeats.db and prints the status table")
    void embeddedDefault() throws Exception {
      Cli.Result r = Cli.run(dir, Cli.env(Map.of()), "demo");

      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).contains("No backend configured: using the embedded libSQL file ./heartbeats.db");
      assertThat(r.out()).contains("PHONE", "LAST HEARTBEAT (UTC)", "STATUS");
      assertThat(r.out().lines().filter(l -> l.startsWith("+1555"))).hasSize(50);
      assertThat(r.out()).contains(" online", " missed", " offline");
      assertThat(r.out()).containsPattern("50 phones: \\d+ online, \\d+ missed, \\d+ offline");
      assertThat(dir.resolve("heartbeats.db")).exists();

      Cli.Result again = Cli.run(dir, Cli.env(Map.of()), "demo", "--phones", "5", "--silent", "1");
      assertThat(again.exit()).as(again.err()).isZero();
      assertThat(again.out().lines().filter(l -> l.startsWith("+1555"))).hasSize(5);
    }
  }

  @Nested
  @DisplayName("bad arguments and settings")
  class BadInput {

    @Test
    @DisplayName("a bad option value prints usage and exits 2")
    void badOption() throws Exception {
      Cli.Result r = Cli.run(dir, Cli.env(Map.of()), "demo", "--phones", "many");
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err()).contains("Invalid value for option '--phones'", "Usage: heartbeat demo");
    }

    @Test
    @DisplayName("an unknown command, or none, prints usage and exits 2")
    void unknownCommand() throws Exception {
      assertThat(Cli.run(dir, Cli.env(Map.of()), "frobnicate").exit()).isEqualTo(2);
      Cli.Result none = Cli.run(dir, Cli.env(Map.of()));
      assertThat(none.exit()).isEqualTo(2);
      assertThat(none.err()).contains("Usage: heartbeat", "demo", "backfill", "verify", "doctor", "migrate");
    }

    @Test
    @DisplayName("a bad setting in the environment is one line naming the variable, exit 2")
    void badSetting() throws Exception {
      Cli.Result r = Cli.run(dir, Cli.env(Map.of("HEARTBEAT_DB_BACKEND", "mysql")), "doctor");
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err().strip().lines()).hasSize(1);
      assertThat(r.err()).contains("HEARTBEAT_DB_BACKEND", "postgres, turso, libsql, hedging");
    }

    @Test
    @DisplayName("an unreachable backend is one clear line without the password, exit 1")
    void unreachable() throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Cli.Result r = Cli.run(dir, Cli.env(Map.of("DATABASE_URL", "postgres://app:s3cretpw@127.0.0.1:" + port + "/db",
          "HEARTBEAT_DB_TIMEOUT", "2s")), "migrate");
      assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
      assertThat(r.err().strip().lines()).hasSize(1);
      assertThat(r.err()).contains("127.0.0.1:" + port).doesNotContain("s3cretpw");
      assertThat(r.out()).doesNotContain("s3cretpw");
    }
  }

  @Nested
  @DisplayName("the migration, PostgreSQL to sqld")
  class Migration {

    @Test
    @DisplayName("migrate --check fails on a missing schema (exit 1), migrate applies it to both sides, then --check passes")
    void migrateAndCheck() throws Exception {
      try (IsolatedSchema postgres = IsolatedSchema.create(); Sqld sqld = Sqld.start()) {
        Map<String, String> env = Cli.env(Map.of("HEARTBEAT_DB_BACKEND", "hedging",
            "DATABASE_URL", postgres.url(), "TURSO_DATABASE_URL", sqld.url()));

        Cli.Result missing = Cli.run(dir, env, "migrate", "--check");
        assertThat(missing.exit()).as(missing.out() + missing.err()).isEqualTo(1);
        assertThat(missing.err()).contains("postgres (", "missing");

        Cli.Result applied = Cli.run(dir, env, "migrate");
        assertThat(applied.exit()).as(applied.err()).isZero();
        assertThat(applied.out()).containsPattern("postgres \\(.*\\): schema version \\d+ \\(applied, current\\)")
            .containsPattern("turso \\(.*\\): schema version \\d+ \\(applied, current\\)");

        Cli.Result checked = Cli.run(dir, env, "migrate", "--check");
        assertThat(checked.exit()).as(checked.err()).isZero();
        assertThat(checked.out()).contains("checked, current");
      }
    }

    @Test
    @DisplayName("backfill killed with SIGKILL and run again finishes; verify says identical; doctor is happy")
    void backfillKilledAndResumed() throws Exception {
      try (IsolatedSchema postgres = IsolatedSchema.create(); Sqld sqld = Sqld.start()) {
        MigrationFixture.seed(postgres.config().build(), 100_000, 1_000, 11);
        Map<String, String> env = Cli.env(Map.of("HEARTBEAT_DB_BACKEND", "hedging",
            "DATABASE_URL", postgres.url(), "TURSO_DATABASE_URL", sqld.url()));
        Path checkpoint = dir.resolve("backfill.checkpoint");

        Process first = Cli.builder(dir, env, "backfill", "--plain", "--batch-size", "1000",
            "--checkpoint", checkpoint.toString()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (copied(checkpoint) < 20_000 && first.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(first.isAlive()).as("the backfill must still be running when it is killed").isTrue();
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no last checkpoint write
        first.waitFor(10, TimeUnit.SECONDS);
        long before = copied(checkpoint);
        assertThat(before).isBetween(20_000L, 99_000L);

        Cli.Result resumed = Cli.run(dir, env, "backfill", "--plain", "--checkpoint", checkpoint.toString());
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("backfill done (resumed from");

        Cli.Result verify = Cli.run(dir, env, "verify");
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("IDENTICAL", "primary 100000, secondary 100000");

        Cli.Result doctor = Cli.run(dir, env, "doctor");
        assertThat(doctor.exit()).as(doctor.out() + doctor.err()).isZero();
        assertThat(doctor.out()).contains("postgres (", "turso (", "OK");
      }
    }

    @Test
    @DisplayName("backfill --bulk killed with SIGKILL: doctor names the missing indexes, the flip is refused, another "
        + "target exits 2; run again it builds them and doctor is happy")
    void bulkBackfillKilledAndFinished() throws Exception {
      try (IsolatedSchema postgres = IsolatedSchema.create(); Sqld sqld = Sqld.start(); Sqld other = Sqld.start()) {
        MigrationFixture.seed(postgres.config().build(), 30_000, 200, 17);
        Map<String, String> env = Cli.env(Map.of("HEARTBEAT_DB_BACKEND", "hedging",
            "DATABASE_URL", postgres.url(), "TURSO_DATABASE_URL", sqld.url()));
        Path checkpoint = dir.resolve("bulk.checkpoint");

        Process killed = Cli.builder(dir, env, "backfill", "--plain", "--bulk", "--batch-size", "500", "--rate", "5000",
            "--checkpoint", checkpoint.toString()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (copied(checkpoint) < 2_000 && killed.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(killed.isAlive()).as("the backfill must still be running when it is killed").isTrue();
        killed.destroyForcibly();
        killed.waitFor(10, TimeUnit.SECONDS);
        assertThat(checkpointProperty(checkpoint, "bulkIndexesPending")).isEqualTo("true");

        String missing = "secondary indexes missing [heartbeats_user_owner_timestamp_idx]"
            + " (bulk backfill in progress / interrupted; run `heartbeat backfill` to finish)";
        Cli.Result doctor = Cli.run(dir, env, "doctor");
        assertThat(doctor.exit()).as("fine as the hedging secondary: " + doctor.out() + doctor.err()).isZero();
        assertThat(doctor.out()).contains(missing);
        Map<String, String> flipped = new java.util.HashMap<>(env);
        flipped.put("HEARTBEAT_HEDGING_PRIMARY", "turso");
        Cli.Result asPrimary = Cli.run(dir, flipped, "doctor");
        assertThat(asPrimary.exit()).as(asPrimary.out() + asPrimary.err()).isEqualTo(1);
        assertThat(asPrimary.out()).contains(missing);
        Cli.Result demo = Cli.run(dir, flipped, "demo");
        assertThat(demo.exit()).as(demo.out() + demo.err()).isNotZero();
        assertThat(demo.out() + demo.err()).contains("HEARTBEAT_HEDGING_PRIMARY=turso", "run `heartbeat backfill` to finish");

        Map<String, String> otherTarget = new java.util.HashMap<>(env);
        otherTarget.put("TURSO_DATABASE_URL", other.url());
        Cli.Result refused = Cli.run(dir, otherTarget, "backfill", "--plain", "--checkpoint", checkpoint.toString());
        assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(2);

        Cli.Result finished = Cli.run(dir, env, "backfill", "--plain", "--checkpoint", checkpoint.toString());
        assertThat(finished.exit()).as(finished.out() + finished.err()).isZero();
        assertThat(finished.out()).contains("backfill done (resumed from", "bulk mode: secondary indexes built in");

        Cli.Result healthy = Cli.run(dir, flipped, "doctor");
        assertThat(healthy.exit()).as(healthy.out() + healthy.err()).isZero();
        assertThat(healthy.out()).doesNotContain("secondary indexes missing");
        Cli.Result verify = Cli.run(dir, env, "verify");
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
      }
    }

    @Test
    @DisplayName("backfill killed, then run against another target: exit 2 naming both databases; with --restart it completes")
    void backfillResumedAgainstAnotherTarget() throws Exception {
      try (IsolatedSchema postgres = IsolatedSchema.create(); Sqld first = Sqld.start(); Sqld second = Sqld.start()) {
        MigrationFixture.seed(postgres.config().build(), 30_000, 200, 13);
        Map<String, String> env = Cli.env(Map.of("HEARTBEAT_DB_BACKEND", "hedging",
            "DATABASE_URL", postgres.url(), "TURSO_DATABASE_URL", first.url()));
        Path checkpoint = dir.resolve("backfill.checkpoint");

        // Throttled, so that it is still running when killed however fast the machine is.
        Process killed = Cli.builder(dir, env, "backfill", "--plain", "--batch-size", "500", "--rate", "5000",
            "--checkpoint", checkpoint.toString()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (copied(checkpoint) < 2_000 && killed.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(killed.isAlive()).as("the backfill must still be running when it is killed").isTrue();
        killed.destroyForcibly();
        killed.waitFor(10, TimeUnit.SECONDS);

        Map<String, String> otherTarget = new java.util.HashMap<>(env);
        otherTarget.put("TURSO_DATABASE_URL", second.url());
        Cli.Result refused = Cli.run(dir, otherTarget, "backfill", "--plain", "--checkpoint", checkpoint.toString());
        assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(2);
        assertThat(refused.err()).contains("libSQL at " + first.url() + " database_id ",
            "libSQL at " + second.url() + " database_id ", "schema " + postgres.name(), "--restart");

        Cli.Result restarted = Cli.run(dir, otherTarget, "backfill", "--plain", "--restart",
            "--checkpoint", checkpoint.toString());
        assertThat(restarted.exit()).as(restarted.out() + restarted.err()).isZero();
        assertThat(restarted.out()).contains("backfill done: 30000 heartbeats (30000 new) and 200 monitors (200 new)");

        Cli.Result verify = Cli.run(dir, otherTarget, "verify");
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("IDENTICAL");
      }
    }

    @Test
    @DisplayName("backfill against a side that never answers gives up after --give-up-after, exit 1, naming the side")
    void backfillGivesUp() throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      try (IsolatedSchema postgres = IsolatedSchema.create()) {
        Map<String, String> env = Cli.env(Map.of("HEARTBEAT_DB_BACKEND", "hedging",
            "DATABASE_URL", postgres.url(), "TURSO_DATABASE_URL", "http://127.0.0.1:" + port));
        Cli.Result r = Cli.run(dir, env, "backfill", "--plain", "--give-up-after", "2s",
            "--checkpoint", dir.resolve("x.checkpoint").toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains("turso has been unreachable for", "give up after 2.0 s");
      }
    }

    @Test
    @DisplayName("verify --help documents --settle, --since, --repair and --give-up-after, and what the exit codes mean")
    void verifyHelp() throws Exception {
      Cli.Result r = Cli.run(dir, Cli.env(Map.of()), "verify", "--help");
      assertThat(r.exit()).isZero();
      assertThat(r.out()).contains("--settle=DURATION", "default 1m", "--since=DURATION", "--repair",
          "--give-up-after=DURATION", "default 5m", "settled", "pending", "Exit 0", "3:");
    }

    @Test
    @DisplayName("verify with a duration it cannot read exits 2 and says what it accepts")
    void verifyBadDuration() throws Exception {
      Cli.Result r = Cli.run(dir, Cli.env(Map.of()), "verify", "--settle", "soon");
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err()).contains("'soon' is not a duration such as 30s, 5m");
    }

    @Test
    @DisplayName("backfill --help documents --restart, --rate and --give-up-after")
    void backfillHelp() throws Exception {
      Cli.Result r = Cli.run(dir, Cli.env(Map.of()), "backfill", "--help");
      assertThat(r.exit()).isZero();
      assertThat(r.out()).contains("--restart", "--rate=ROWS_PER_SECOND", "--give-up-after=DURATION", "default 5m",
          "exits 2");
    }

    private String checkpointProperty(Path checkpoint, String name) throws Exception {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(checkpoint)) {
        p.load(r);
      }
      return p.getProperty(name);
    }

    private long copied(Path checkpoint) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(checkpoint)) {
        p.load(r);
        return Long.parseLong(p.getProperty("heartbeatsCopied", "0"));
      } catch (Exception e) {
        return 0; // not written yet, or being replaced
      }
    }
  }
}
