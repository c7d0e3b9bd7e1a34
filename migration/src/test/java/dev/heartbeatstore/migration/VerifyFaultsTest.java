package dev.heartbeatstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("verify --repair rides out a side that stops answering for a while")
class VerifyFaultsTest {

  @Test
  @DisplayName("the secondary frozen (SIGSTOP) for 3 s mid-scan: pages that time out are tried again; every difference is found and repaired")
  void secondaryFrozenForAWhile() throws Exception {
    try (IsolatedSchema postgres = IsolatedSchema.create(); Sqld sqld = TestSqld.startDedicated()) {
      HeartbeatStoreConfig config = HeartbeatStoreConfig.builder().backend("hedging").databaseUrl(postgres.url())
          .tursoDatabaseUrl(sqld.url()).timeout(Duration.ofMillis(500)).build();
      MigrationFixture.seed(postgres.config().build(), 20_000, 100, 31);
      Backfill.builder(config).build().run();
      List<Heartbeat> lost;
      try (TableAccess pg = Backends.openTableAccess(config, "postgres");
          TableAccess turso = Backends.openTableAccess(config, "turso")) {
        lost = pg.heartbeatsAfter(null, 15_000).subList(14_950, 15_000);
        turso.deleteHeartbeats(lost.stream().map(Heartbeat::id).toList());
      }

      Thread[] thawer = new Thread[1];
      Verifier.Report report;
      try {
        report = Verifier.builder(config).batchSize(1000).repair(true).progress(p -> {
          if (thawer[0] == null) {
            sqld.pause();
            thawer[0] = new Thread(() -> {
              try {
                Thread.sleep(3_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              sqld.resume();
            }, "thaw-sqld");
            thawer[0].start();
          }
        }).build().run();
      } finally {
        if (thawer[0] != null) {
          thawer[0].join(30_000);
        }
        sqld.resume();
      }

      assertThat(report.retries()).as("calls to the frozen server timed out and were tried again").isPositive();
      assertThat(report.heartbeats().missing()).containsExactlyInAnyOrderElementsOf(lost.stream().map(Heartbeat::id).toList());
      assertThat(report.repairs().heartbeatsCopied()).isEqualTo(50);
      Verifier.Report after = Verifier.builder(config).build().run();
      assertThat(after.identical()).as("%s", after).isTrue();
    }
  }
}
