package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.spi.TableAccess.HeartbeatCursor;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Whole-table access for the migration tools, on a file and over HTTP")
class TableAccessTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("on a file: scans, insert-if-absent, upsert, delete, counts and schema version")
  void file() {
    exercise("file:" + dir.resolve("m.db"));
  }

  @Test
  @DisplayName("over HTTP against a fresh sqld: the same")
  void remote() {
    try (Sqld sqld = TestSqld.startDedicated()) {
      exercise(sqld.url());
    }
  }

  @Test
  @DisplayName("over HTTP: batches larger than one multi-row statement, inserted, skipped, upserted and deleted whole")
  void largeBatchesRemote() {
    try (Sqld sqld = TestSqld.startDedicated();
         TableAccess access = Backends.openTableAccess(Fixtures.config(sqld.url()).build(), "turso")) {
      largeBatches(access);
    }
  }

  @Test
  @DisplayName("on a file: the same large batches")
  void largeBatchesFile() {
    try (TableAccess access = Backends.openTableAccess(
        Fixtures.config("file:" + dir.resolve("large.db")).build(), "turso")) {
      largeBatches(access);
    }
  }

  private static void largeBatches(TableAccess access) {
    List<Heartbeat> rows = new ArrayList<>();
    for (int i = 0; i < 450; i++) {
      rows.add(new Heartbeat(UUID.randomUUID(), "o", "v", false, "u", T0.plusSeconds(i)));
    }
    assertThat(access.insertHeartbeatsIfAbsent(rows.subList(0, 210))).isEqualTo(210);
    assertThat(access.insertHeartbeatsIfAbsent(rows)).isEqualTo(240);
    assertThat(access.countHeartbeats()).isEqualTo(450);
    List<Heartbeat> changed = new ArrayList<>();
    for (Heartbeat h : rows) {
      changed.add(new Heartbeat(h.id(), h.owner(), "changed", true, h.userId(), h.timestamp()));
    }
    access.upsertHeartbeats(changed);
    assertThat(access.heartbeatsAfter(null, 1000)).containsExactlyElementsOf(changed);
    access.deleteHeartbeats(rows.stream().map(Heartbeat::id).toList());
    assertThat(access.countHeartbeats()).isZero();

    // Monitors have more columns, so longer multi-row statements.
    List<HeartbeatMonitor> monitors = new ArrayList<>();
    for (int i = 0; i < 650; i++) {
      monitors.add(new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), "u" + i, "q", "o" + i, true, T0, T0));
    }
    assertThat(access.insertMonitorsIfAbsent(monitors)).isEqualTo(650);
    assertThat(access.insertMonitorsIfAbsent(monitors)).isZero();
    assertThat(access.countMonitors()).isEqualTo(650);
  }

  private static void exercise(String url) {
    try (TableAccess access = Backends.openTableAccess(Fixtures.config(url).build(), "turso")) {
      assertThat(access.backendName()).isEqualTo("turso");
      assertThat(access.schemaVersion()).isEqualTo(access.expectedSchemaVersion()).isEqualTo("4");
      assertThat(access.countHeartbeats()).isZero();

      List<Heartbeat> rows = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        // pairs with equal timestamps, so the id breaks ties; some before 1970
        rows.add(new Heartbeat(UUID.randomUUID(), "o", "v" + i, i % 2 == 0, "u" + (i % 3),
            T0.minusSeconds(1_800_000_000L).plusSeconds(i / 2 * 100_000_000L)));
      }
      assertThat(access.insertHeartbeatsIfAbsent(rows.subList(0, 10))).isEqualTo(10);
      assertThat(access.insertHeartbeatsIfAbsent(rows)).isEqualTo(15);
      assertThat(access.insertHeartbeatsIfAbsent(rows)).isZero();
      assertThat(access.countHeartbeats()).isEqualTo(25);

      List<Heartbeat> expected = new ArrayList<>(rows);
      expected.sort(Comparator.comparing(Heartbeat::timestamp).thenComparing(h -> h.id().toString()));
      List<Heartbeat> scanned = new ArrayList<>();
      HeartbeatCursor cursor = null;
      while (true) {
        List<Heartbeat> page = access.heartbeatsAfter(cursor, 7);
        if (page.isEmpty()) {
          break;
        }
        scanned.addAll(page);
        Heartbeat lastRow = page.get(page.size() - 1);
        cursor = new HeartbeatCursor(lastRow.timestamp(), lastRow.id());
      }
      assertThat(scanned).containsExactlyElementsOf(expected);

      Heartbeat changed = new Heartbeat(rows.get(3).id(), "o2", "changed", true, "u9", T0);
      access.upsertHeartbeats(List.of(changed));
      access.deleteHeartbeats(List.of(rows.get(4).id(), rows.get(5).id()));
      assertThat(access.countHeartbeats()).isEqualTo(23);
      assertThat(access.heartbeatsAfter(null, 100)).contains(changed).doesNotContain(rows.get(3));

      List<HeartbeatMonitor> monitors = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        monitors.add(new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), "u", "", "o" + i, false, T0, T0));
      }
      assertThat(access.insertMonitorsIfAbsent(monitors)).isEqualTo(5);
      assertThat(access.insertMonitorsIfAbsent(monitors)).isZero();
      List<HeartbeatMonitor> byId = new ArrayList<>(monitors);
      byId.sort(Comparator.comparing(m -> m.id().toString()));
      assertThat(access.monitorsAfter(null, 2)).containsExactlyElementsOf(byId.subList(0, 2));
      assertThat(access.monitorsAfter(byId.get(1).id(), 10)).containsExactlyElementsOf(byId.subList(2, 5));
      HeartbeatMonitor online = new HeartbeatMonitor(byId.get(0).id(), byId.get(0).phoneId(), "u", "q", "o0", true,
          T0, T0.plusSeconds(5));
      access.upsertMonitors(List.of(online));
      access.deleteMonitors(List.of(byId.get(4).id()));
      assertThat(access.countMonitors()).isEqualTo(4);
      assertThat(access.monitorsAfter(null, 1)).containsExactly(online);
    }
  }
}
