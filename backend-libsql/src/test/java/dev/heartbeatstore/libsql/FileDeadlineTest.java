package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Deadlines.limit;
import static dev.heartbeatstore.libsql.Deadlines.someTryEndsByItsDeadline;
import static dev.heartbeatstore.libsql.Deadlines.withinTries;
import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.monitor;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreTimeoutException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The file backend ends every call by its deadline plus 100 ms")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileDeadlineTest {

  @TempDir
  Path dir;

  private Path file() {
    return dir.resolve("heartbeats.db");
  }

  private HeartbeatStore open(Duration deadline) {
    return Fixtures.open("file:" + file(), deadline);
  }

  @Nested
  @DisplayName("while another process holds the file's write lock")
  class ForeignLock {

    @ParameterizedTest(name = "deadline {0} ms")
    @ValueSource(longs = {50, 200, 1000})
    @DisplayName("writes give up at their deadline with StoreTimeoutException, reads go on, and the same store writes again once the lock is released")
    void writesWaitUntilTheirDeadline(long millis) throws Exception {
      Duration deadline = Duration.ofMillis(millis);
      String user = newUser();
      Heartbeat before = heartbeat(user, "o", T0);
      HeartbeatMonitor monitor = monitor(user, "o");
      try (HeartbeatStore store = open(deadline)) {
        store.heartbeats().store(before);
        store.monitors().store(monitor);
        try (ForeignWriteLock lock = ForeignWriteLock.hold(file())) {
          someTryEndsByItsDeadline(deadline, StoreTimeoutException.class,
              () -> store.heartbeats().store(heartbeat(user, "o", T0.plusSeconds(1))));
          someTryEndsByItsDeadline(deadline, StoreTimeoutException.class,
              () -> store.heartbeats().storeAll(batch(user, 100)));
          someTryEndsByItsDeadline(deadline, StoreTimeoutException.class,
              () -> store.monitors().updateQueueId(monitor.id(), "queue-2"));
          assertThat(store.heartbeats().last(user, "o")).contains(before);
        }
        Heartbeat after = heartbeat(user, "o", T0.plusSeconds(10_000));
        // A 50 ms call on a loaded machine may miss its deadline for want of CPU: a few tries each.
        withinTries(() -> store.heartbeats().store(after));
        withinTries(() -> store.heartbeats().storeAll(batch(user, 100)));
        assertThat(withinTries(() -> store.heartbeats().last(user, "o"))).contains(after);
      }
    }

    @Test
    @DisplayName("a write queued behind another write of the same store ends by its own deadline, not after both waits")
    void queuedWriteEndsByItsOwnDeadline() throws Exception {
      Duration deadline = Duration.ofMillis(300);
      String user = newUser();
      try (HeartbeatStore store = open(deadline)) {
        store.heartbeats().store(heartbeat(user, "o", T0));
        try (ForeignWriteLock lock = ForeignWriteLock.hold(file())) {
          // The first write holds the store's single writer while it waits for the file lock; the second
          // waits for the writer. Measured from its own start, the second must end by its own deadline.
          Deadlines.someTryWithin(limit(deadline), () -> {
            CountDownLatch firstStarted = new CountDownLatch(1);
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
              firstStarted.countDown();
              store.heartbeats().store(heartbeat(user, "o", T0.plusSeconds(1)));
            });
            firstStarted.await();
            Thread.sleep(100);
            Duration second = Deadlines.failureTime(StoreTimeoutException.class,
                () -> store.heartbeats().store(heartbeat(user, "o", T0.plusSeconds(2))));
            assertThat(first.handle((ok, e) -> e).get()).isInstanceOf(java.util.concurrent.CompletionException.class)
                .hasCauseInstanceOf(StoreTimeoutException.class);
            return second;
          });
        }
      }
    }
  }

  @Nested
  @DisplayName("with a statement that runs longer than the deadline")
  class LongStatements {

    private static final int ROWS = 300_000;

    /** One user with {@value #ROWS} heartbeats, written directly (the store writes at most 10,000 at once). */
    private String userWithManyHeartbeats() throws SQLException {
      String user = newUser();
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
          PreparedStatement ps = c.prepareStatement(
              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ")"
                  + " INSERT INTO heartbeats (id, owner, version, charging, user_id, \"timestamp\")"
                  + " SELECT printf('00000000-0000-4000-8000-%012x', i), 'o', '1.0', 0, ?, i FROM n")) {
        ps.setString(1, user);
        ps.executeUpdate();
      }
      return user;
    }

    private long count(String user) throws SQLException {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
          PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM heartbeats WHERE user_id = ?")) {
        ps.setString(1, user);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }

    @Test
    @DisplayName("deleting 300,000 rows with a 50 ms deadline is stopped at the deadline and rolled back; the store then deletes them with time enough")
    void longDeleteIsInterrupted() throws Exception {
      Duration deadline = Duration.ofMillis(50);
      open(deadline).close();
      String user = userWithManyHeartbeats();
      try (HeartbeatStore store = open(deadline)) {
        someTryEndsByItsDeadline(deadline, StoreTimeoutException.class, () -> store.heartbeats().deleteAllForUser(user));
        assertThat(count(user)).isEqualTo(ROWS);
        withinTries(() -> store.heartbeats().store(heartbeat(user, "o2", T0)));
        withinTries(() -> store.heartbeats().deleteAllForUser(newUser())); // the same statement, prepared again
      }
      try (HeartbeatStore patient = open(Duration.ofSeconds(60))) {
        patient.heartbeats().deleteAllForUser(user);
      }
      assertThat(count(user)).isZero();
    }

    @Test
    @DisplayName("a read that walks 300,000 rows with a 50 ms deadline is stopped at the deadline; the same reader then serves")
    void longReadIsInterrupted() throws Exception {
      Duration deadline = Duration.ofMillis(50);
      open(deadline).close();
      String user = userWithManyHeartbeats();
      try (HeartbeatStore store = open(deadline)) {
        IndexParams pastEverything = new IndexParams(ROWS, 10, "no such version");
        someTryEndsByItsDeadline(deadline, StoreTimeoutException.class,
            () -> store.heartbeats().index(user, "o", pastEverything));
        for (int i = 0; i < 8; i++) { // every reader connection, each having been interrupted
          assertThat(withinTries(() -> store.heartbeats().index(user, "o", IndexParams.first(1)))).hasSize(1);
        }
      }
    }
  }

  private static List<Heartbeat> batch(String user, int size) {
    List<Heartbeat> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      batch.add(heartbeat(user, "o", T0.plusSeconds(100 + i)));
    }
    return batch;
  }
}
