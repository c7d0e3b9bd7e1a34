package dev.heartbeatstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.spi.ReplicationAccess;
import dev.heartbeatstore.testsupport.servers.FreezingTcpProxy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scenario that once lost data: the service writes with PostgreSQL as primary, and the operator,
 * flipping to Turso, runs {@code verify --repair} with Turso as primary while a monitor exists on
 * PostgreSQL and not yet on Turso. Repair must not delete it; nor must the rollback's repair delete
 * from Turso what instances with Turso as primary wrote. Each service reaches its secondary through a
 * frozen proxy, so its writes stay "in flight" (in its journal) for as long as the operator's tools run.
 */
@DisplayName("verify --repair during a flip and its rollback loses no row on either side")
class RepairDuringFlipTest {

  private static final Instant OLD = Instant.parse("2025-06-05T10:00:00Z");

  @ParameterizedTest(name = "hedging {0}")
  @EnumSource(HedgingMode.class)
  void flipAndRollback(HedgingMode mode) throws Exception {
    try (IsolatedSchema postgres = IsolatedSchema.create();
        dev.heartbeatstore.testsupport.servers.Sqld sqld = dev.heartbeatstore.testsupport.servers.TestSqld.startDedicated();
        FreezingTcpProxy toTurso = new FreezingTcpProxy("127.0.0.1", sqld.port());
        FreezingTcpProxy toPostgres = proxyTo(postgres.url())) {
      HeartbeatStoreConfig direct = HeartbeatStoreConfig.builder().backend("hedging")
          .databaseUrl(postgres.url()).tursoDatabaseUrl(sqld.url()).build();
      MigrationFixture.seed(postgres.config().build(), 1_000, 30, 23);
      Backfill.builder(direct).build().run();

      // 1. Instances on PostgreSQL as primary; Turso answers nobody from the service for now.
      toTurso.freeze();
      HeartbeatStore onPostgres = HeartbeatStores.open(direct.toBuilder().hedgingPrimary("postgres").hedgingMode(mode)
          .hedgingSecondaryTimeout(Duration.ofMillis(300)).tursoDatabaseUrl("http://127.0.0.1:" + toTurso.port()).build());
      Written first = write(onPostgres, "flip", MigrationFixture.user(3));
      assertOnlyOn(direct, "postgres", first);

      // The operator flips: HEARTBEAT_HEDGING_PRIMARY=turso heartbeat verify --repair.
      Verifier.Report flip = Verifier.builder(direct.toBuilder().hedgingPrimary("turso").build()).repair(true)
          .build().run();
      assertThat(flip.identical()).as("writes in flight are not differences: %s", flip).isTrue();
      assertThat(flip.monitorCandidates().pendingInJournal()).as("%s", flip).isPositive();
      assertThat(flip.heartbeatCandidates().pendingInJournal()).as("%s", flip).isPositive();
      assertThat(flip.repairs()).isEqualTo(Verifier.Repairs.NONE);
      assertOnlyOn(direct, "postgres", first);

      // 2. Instances on Turso as primary; PostgreSQL answers nobody from them for now.
      toPostgres.freeze();
      HeartbeatStore onTurso = HeartbeatStores.open(direct.toBuilder().hedgingPrimary("turso").hedgingMode(mode)
          .hedgingSecondaryTimeout(Duration.ofMillis(300)).databaseUrl(viaProxy(postgres.url(), toPostgres.port())).build());
      Written second = write(onTurso, "rollback", MigrationFixture.user(6));
      assertOnlyOn(direct, "turso", second);

      // The rollback: HEARTBEAT_HEDGING_PRIMARY=postgres heartbeat verify --repair.
      Verifier.Report rollback = Verifier.builder(direct.toBuilder().hedgingPrimary("postgres").build()).repair(true)
          .build().run();
      assertThat(rollback.identical()).as("writes in flight are not differences: %s", rollback).isTrue();
      assertThat(rollback.repairs()).isEqualTo(Verifier.Repairs.NONE);
      assertOnlyOn(direct, "turso", second);
      assertOnlyOn(direct, "postgres", first);

      // Both sides reachable again: the journals drain, and nothing is missing anywhere.
      toTurso.thaw();
      toPostgres.thaw();
      try {
        Journals.awaitDrained(direct, Duration.ofSeconds(120));
      } finally {
        onPostgres.close();
        onTurso.close();
      }
      for (String side : List.of("postgres", "turso")) {
        assertPresent(direct, side, first);
        assertPresent(direct, side, second);
        try (ReplicationAccess access = Backends.openReplicationAccess(direct, side)) {
          assertThat(access.heartbeatIdsOfUser(first.deletedUser())).as("deleted on " + side).isEmpty();
          assertThat(access.heartbeatIdsOfUser(second.deletedUser())).as("deleted on " + side).isEmpty();
        }
      }
      Verifier.Report after = Verifier.builder(direct).settle(Duration.ZERO).build().run();
      assertThat(after.identical()).as("%s", after).isTrue();
    }
  }

  /**
   * What one service wrote: a monitor created now, one created with old timestamps, an old heartbeat;
   * and the user whose (old) heartbeats it deleted.
   */
  record Written(HeartbeatMonitor fresh, HeartbeatMonitor old, Heartbeat oldHeartbeat, String deletedUser) {}

  private static Written write(HeartbeatStore service, String user, String deletedUser) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    HeartbeatMonitor fresh = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "", "+15551110001",
        true, now, now);
    // Imported with its original dates: only the journal tells it from a stale row.
    HeartbeatMonitor old = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "q", "+15551110002",
        false, OLD, OLD.plusSeconds(60));
    Heartbeat oldHeartbeat = new Heartbeat(UUID.randomUUID(), "+15551110002", "v9", true, user, OLD.plusSeconds(30));
    service.monitors().store(fresh);
    service.monitors().store(old);
    service.heartbeats().store(oldHeartbeat);
    // A repair must not copy them back from the side that has not seen the delete yet.
    service.heartbeats().deleteAllForUser(deletedUser);
    return new Written(fresh, old, oldHeartbeat, deletedUser);
  }

  private static void assertOnlyOn(HeartbeatStoreConfig config, String side, Written w) {
    assertPresent(config, side, w);
    String other = side.equals("postgres") ? "turso" : "postgres";
    try (TableAccess access = Backends.openTableAccess(config, other)) {
      assertThat(Rows.monitor(access, w.fresh().id())).as("not yet on " + other).isNull();
    }
  }

  private static void assertPresent(HeartbeatStoreConfig config, String side, Written w) {
    try (TableAccess access = Backends.openTableAccess(config, side)) {
      assertThat(Rows.monitor(access, w.fresh().id())).as("fresh monitor on " + side).isEqualTo(w.fresh());
      assertThat(Rows.monitor(access, w.old().id())).as("old monitor on " + side).isEqualTo(w.old());
      assertThat(Rows.heartbeat(access, w.oldHeartbeat())).as("old heartbeat on " + side).isEqualTo(w.oldHeartbeat());
    }
  }

  private static FreezingTcpProxy proxyTo(String postgresUrl) throws java.io.IOException {
    Matcher m = HOST_PORT.matcher(postgresUrl);
    if (!m.find()) {
      throw new IllegalStateException("no host:port in the test database URL");
    }
    return new FreezingTcpProxy(m.group(2), Integer.parseInt(m.group(3)));
  }

  private static String viaProxy(String postgresUrl, int port) {
    Matcher m = HOST_PORT.matcher(postgresUrl);
    m.find();
    String userInfo = m.group(1) == null ? "" : m.group(1);
    return postgresUrl.substring(0, m.start()) + "//" + userInfo + "127.0.0.1:" + port + "/"
        + postgresUrl.substring(m.end());
  }

  private static final Pattern HOST_PORT = Pattern.compile("//([^@/]*@)?([^/:@]+):(\\d+)/");
}
