package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.libsql.internal.LibsqlMigrationAccess;
import dev.heartbeatstore.testsupport.Sqld;
import dev.heartbeatstore.testsupport.TestSqld;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The schema rules the file tests prove, over HTTP: remote and file share one migration code. */
@DisplayName("The libSQL schema over HTTP (a dedicated sqld per test)")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteSchemaTest {

  @Test
  @DisplayName("8 stores opened at once on an empty server all open, and the schema is applied once")
  void eightFirstOpens() throws Exception {
    try (Sqld sqld = TestSqld.startDedicated()) {
      int stores = 8;
      ExecutorService pool = Executors.newFixedThreadPool(stores);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<HeartbeatStore>> opening = new ArrayList<>();
      for (int i = 0; i < stores; i++) {
        opening.add(pool.submit(() -> {
          start.await();
          return Fixtures.open(sqld.url());
        }));
      }
      start.countDown();
      List<Throwable> failures = new ArrayList<>();
      String user = newUser();
      for (Future<HeartbeatStore> f : opening) {
        try (HeartbeatStore store = f.get()) {
          store.heartbeats().store(heartbeat(user, "o", T0));
        } catch (ExecutionException e) {
          failures.add(e.getCause());
        }
      }
      pool.shutdown();
      assertThat(failures).isEmpty();
      try (LibsqlMigrationAccess access = LibsqlMigrationAccess.open(
          Fixtures.config(sqld.url()).migrate(false).build(), Clock.systemUTC())) {
        assertThat(access.schemaVersion()).isEqualTo(Integer.toString(latestSchemaVersion()));
      }
    }
  }

  private static int latestSchemaVersion() {
    try (LibsqlMigrationAccess access = LibsqlMigrationAccess.open(Fixtures.config("file::memory:").build(),
        Clock.systemUTC())) {
      return Integer.parseInt(access.expectedSchemaVersion());
    }
  }
}
