package dev.heartbeatstore.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.testsupport.TestClock;
import dev.heartbeatstore.testsupport.servers.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The heartbeatStore health report")
class HeartbeatStoreHealthTest {

  @Test
  @DisplayName("is computed once per cache period, however often it is asked for")
  void isCached() {
    HeartbeatStoreConfig config = HeartbeatStoreConfig.builder()
        .databaseUrl(TestPostgres.isolatedSchema("boot_health"))
        .build();
    TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:00Z"));
    try (HeartbeatStore store = HeartbeatStores.open(config);
         HeartbeatStoreHealth health = new HeartbeatStoreHealth(store, config, Duration.ofSeconds(5), clock)) {
      HeartbeatStoreHealth.Report first = awaitSchemaVersion(health);
      assertThat(first.up()).isTrue();
      assertThat(first.details()).containsEntry("backend", "postgres").containsEntry("schemaVersion", "4");

      clock.advance(Duration.ofMillis(4_999));
      assertThat(health.report()).as("within the period: the same report, no new probe").isSameAs(first);

      clock.advance(Duration.ofMillis(1));
      HeartbeatStoreHealth.Report second = health.report();
      assertThat(second).as("after the period: a new probe").isNotSameAs(first);
      assertThat(second).isEqualTo(first);
    }
  }

  /** The schema version comes from a background check; the clock stands still, so no other one starts. */
  private static HeartbeatStoreHealth.Report awaitSchemaVersion(HeartbeatStoreHealth health) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HeartbeatStoreHealth.Report report = health.report();
    while (!report.details().containsKey("schemaVersion") && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      report = health.report();
    }
    return report;
  }

  @Test
  @DisplayName("is DOWN once the store is closed, saying why")
  void downWhenTheStoreFails() {
    HeartbeatStoreConfig config = HeartbeatStoreConfig.builder()
        .databaseUrl(TestPostgres.isolatedSchema("boot_health_down"))
        .build();
    HeartbeatStore store = HeartbeatStores.open(config);
    store.close();
    try (HeartbeatStoreHealth health = new HeartbeatStoreHealth(store, config)) {
      HeartbeatStoreHealth.Report report = health.report();
      assertThat(report.up()).isFalse();
      assertThat(report.details()).containsEntry("backend", "postgres")
          .hasEntrySatisfying("error", e -> assertThat((String) e).startsWith("IllegalStateException"));
    }
  }
}
