package dev.heartbeatstore.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A backfill bound to its databases, and riding out a side that stops answering for a while. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Backfill: checkpoints bound to their databases, transient faults, throttling")
class BackfillFaultsTest {

  private static final int HEARTBEATS = 20_000;
  private static final int MONITORS = 300;

  private IsolatedSchema postgres;

  @TempDir
  Path dir;

  @BeforeAll
  void seed() {
    postgres = IsolatedSchema.create();
    MigrationFixture.seed(postgres.config().build(), HEARTBEATS, MONITORS, 3);
  }

  @AfterAll
  void drop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private HeartbeatStoreConfig.Builder config(Sqld target) {
    return HeartbeatStoreConfig.builder().backend("hedging").databaseUrl(postgres.url()).tursoDatabaseUrl(target.url());
  }

  @Test
  @DisplayName("a checkpoint resumed against another target is refused naming both databases; --restart copies everything")
  void checkpointOfAnotherTarget() {
    Path checkpoint = dir.resolve("backfill.checkpoint");
    try (Sqld first = TestSqld.startDedicated(); Sqld second = TestSqld.startDedicated()) {
      assertThatThrownBy(() -> Backfill.builder(config(first).build()).checkpoint(checkpoint).batchSize(1000)
          .progress(p -> {
            if (p.table().equals("heartbeats") && p.copied() >= 5_000) {
              throw new IllegalStateException("interrupted on purpose");
            }
          }).build().run()).hasMessage("interrupted on purpose");
      assertThat(checkpoint).exists();

      // The same URL form, another database: a token in the URL must not show in the message.
      HeartbeatStoreConfig other = config(second).tursoDatabaseUrl(second.url() + "?authToken=s3cret-token").build();
      Throwable refused = catchThrowable(() -> Backfill.builder(other).checkpoint(checkpoint).build().run());
      assertThat(refused).isInstanceOf(CheckpointMismatchException.class);
      assertThat(refused.getMessage())
          .contains("schema " + postgres.name())
          .contains("libSQL at " + first.url() + " database_id ")
          .contains("libSQL at " + second.url() + " database_id ")
          .contains("--restart")
          .doesNotContain("s3cret-token");
      assertThat(count(other, "turso")).as("nothing was copied to the refused target").isZero();
      assertThat(checkpoint).as("the refused checkpoint is kept for its own target").exists();

      Backfill.Result restarted = Backfill.builder(other).checkpoint(checkpoint).restart(true).build().run();
      assertThat(restarted.resumed()).isFalse();
      assertThat(restarted.heartbeatsInserted()).isEqualTo(HEARTBEATS);
      assertThat(count(other, "turso")).isEqualTo(HEARTBEATS);
      assertThat(checkpoint).doesNotExist();
    }
  }

  @Test
  @DisplayName("a checkpoint of another source (another PostgreSQL schema) is refused too")
  void checkpointOfAnotherSource() {
    Path checkpoint = dir.resolve("source.checkpoint");
    try (Sqld target = TestSqld.startDedicated(); IsolatedSchema otherSource = IsolatedSchema.create()) {
      assertThatThrownBy(() -> Backfill.builder(config(target).build()).checkpoint(checkpoint).batchSize(1000)
          .progress(p -> {
            throw new IllegalStateException("interrupted on purpose");
          }).build().run()).hasMessage("interrupted on purpose");

      HeartbeatStoreConfig fromOther = config(target).databaseUrl(otherSource.url()).build();
      assertThatThrownBy(() -> Backfill.builder(fromOther).checkpoint(checkpoint).build().run())
          .isInstanceOf(CheckpointMismatchException.class)
          .hasMessageContaining("schema " + postgres.name())
          .hasMessageContaining("schema " + otherSource.name());
    }
  }

  @Test
  @DisplayName("after a resume, progress and rate count only the rows this run copied")
  void rateAfterResumeCountsThisRun() {
    Path checkpoint = dir.resolve("rate.checkpoint");
    try (Sqld target = TestSqld.startDedicated()) {
      HeartbeatStoreConfig config = config(target).build();
      assertThatThrownBy(() -> Backfill.builder(config).checkpoint(checkpoint).batchSize(1000).progress(p -> {
        if (p.table().equals("heartbeats") && p.copied() >= 12_000) {
          throw new IllegalStateException("interrupted on purpose");
        }
      }).build().run()).hasMessage("interrupted on purpose");

      List<Backfill.Progress> seen = new ArrayList<>();
      Backfill.Result result = Backfill.builder(config).checkpoint(checkpoint).batchSize(1000).progress(seen::add)
          .build().run();

      assertThat(result.resumed()).isTrue();
      assertThat(result.heartbeatsCopied()).isEqualTo(HEARTBEATS - 12_000);
      Backfill.Progress firstOfRun = seen.get(0);
      assertThat(firstOfRun.table()).isEqualTo("heartbeats");
      assertThat(firstOfRun.copied()).isEqualTo(13_000);
      assertThat(firstOfRun.copiedThisRun()).isEqualTo(1_000);
      Backfill.Progress last = seen.get(seen.size() - 1);
      assertThat(last.copied()).isEqualTo(HEARTBEATS);
      assertThat(last.copiedThisRun()).isEqualTo(HEARTBEATS - 12_000);
      assertThat(last.rowsPerSecond())
          .isCloseTo(last.copiedThisRun() / (last.elapsed().toNanos() / 1e9), org.assertj.core.data.Percentage.withPercentage(0.1));
    }
  }

  @Test
  @DisplayName("a target frozen (SIGSTOP) for 3 s mid-copy: the batches that time out are tried again, and every row arrives")
  void targetFrozenForAWhile() throws Exception {
    try (Sqld target = TestSqld.startDedicated()) {
      HeartbeatStoreConfig config = config(target).timeout(Duration.ofMillis(500)).build();
      CountDownLatch resumed = new CountDownLatch(1);
      Thread[] thawer = new Thread[1];
      Backfill.Result result;
      try {
        result = Backfill.builder(config).batchSize(1000).progress(p -> {
          if (p.table().equals("heartbeats") && thawer[0] == null) {
            target.pause();
            thawer[0] = new Thread(() -> {
              sleep(3_000);
              target.resume();
              resumed.countDown();
            }, "thaw-sqld");
            thawer[0].start();
          }
        }).build().run();
      } finally {
        if (thawer[0] != null) {
          thawer[0].join(30_000);
        }
        target.resume();
      }
      assertThat(resumed.await(0, TimeUnit.SECONDS)).isTrue();
      assertThat(result.retries()).as("calls to the frozen server timed out and were tried again").isPositive();
      assertThat(count(config, "turso")).isEqualTo(HEARTBEATS);
      try (TableAccess turso = Backends.openTableAccess(config, "turso")) {
        assertThat(turso.countMonitors()).isEqualTo(MONITORS);
      }
      assertThat(Verifier.builder(config).build().run().identical()).isTrue();
    }
  }

  @Test
  @DisplayName("a target that stays frozen: the backfill gives up once it has been unreachable for --give-up-after")
  void givesUpAfterTheLimit() {
    try (Sqld target = TestSqld.startDedicated()) {
      HeartbeatStoreConfig config = config(target).timeout(Duration.ofMillis(500)).build();
      try {
        Throwable failure = catchThrowable(() -> Backfill.builder(config).batchSize(1000)
            .giveUpAfter(Duration.ofSeconds(2)).progress(p -> target.pause()).build().run());
        assertThat(failure).isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("turso has been unreachable for")
            .hasMessageContaining("give up after 2.0 s");
      } finally {
        target.resume();
      }
    }
  }

  @Test
  @DisplayName("--rate: 3,000 rows at 1,000 rows/s take at least 2 s (the first second's batch goes at once)")
  void throttled() {
    try (IsolatedSchema small = IsolatedSchema.create(); Sqld target = TestSqld.startDedicated()) {
      MigrationFixture.seed(small.config().build(), 3_000, 0, 5);
      HeartbeatStoreConfig config = config(target).databaseUrl(small.url()).build();

      Backfill.Result result = Backfill.builder(config).rowsPerSecond(1_000).build().run();

      assertThat(result.heartbeatsInserted()).isEqualTo(3_000);
      assertThat(result.copying()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }
  }

  private static long count(HeartbeatStoreConfig config, String backend) {
    try (TableAccess access = Backends.openTableAccess(config, backend)) {
      return access.countHeartbeats();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
