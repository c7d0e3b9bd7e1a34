package dev.heartbeatstore.libsql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.spi.Deadline;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The sqlite-jdbc session")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdbcSessionTest {

  private static final Duration GRACE = Duration.ofMillis(100);

  @TempDir
  Path dir;

  @Test
  @DisplayName("a transaction of 300,000 inserts with a 1 s deadline ends by the deadline plus 100 ms, and writes nothing")
  void longTransactionEndsByItsDeadline() {
    Duration deadline = Duration.ofSeconds(1);
    JdbcSession session = new JdbcSession(dir.resolve("heartbeats.db"), Deadline.after(Duration.ofSeconds(10)), 4, deadline);
    try {
      Migrations.migrate(session, Duration.ofSeconds(10), Clock.systemUTC());
      List<Statement> inserts = inserts(300_000);
      // At least one of a few tries: a loaded machine can keep one waiting for a CPU past the grace.
      Duration limit = deadline.plus(GRACE);
      List<Duration> tries = new ArrayList<>();
      while (tries.size() < 5 && tries.stream().noneMatch(took -> took.compareTo(limit) <= 0)) {
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> session.executeAtomically("heartbeats.storeAll", inserts, Deadline.after(deadline)));
        tries.add(Duration.ofNanos(System.nanoTime() - start));
        assertThat(thrown).isInstanceOf(StoreTimeoutException.class).hasMessageContaining("rolled back");
      }
      assertThat(tries).anySatisfy(took -> assertThat(took).isLessThanOrEqualTo(limit));
      assertThat(count(session)).isZero();
      session.executeAtomically("heartbeats.storeAll", inserts.subList(0, 1000), Deadline.after(deadline));
      assertThat(count(session)).isEqualTo(1000);
    } finally {
      session.close();
    }
  }

  @Test
  @DisplayName("after SQLITE_FULL (max_page_count reached), the same statements write again as soon as there is room")
  void recoversAfterTheDatabaseWasFull() {
    JdbcSession session = new JdbcSession(LibsqlLocation.MEMORY, Deadline.after(Duration.ofSeconds(5)), 4, Duration.ofSeconds(5));
    try {
      Migrations.migrate(session, Duration.ofSeconds(5), Clock.systemUTC());
      long pages = (Long) session.query("test", Statement.of("PRAGMA page_count"), soon()).get(0)[0];
      // One connection serves an in-memory database: this PRAGMA applies to the writer.
      session.query("test", Statement.of("PRAGMA max_page_count = " + pages), soon());
      List<Statement> inserts = inserts(3_000);
      Throwable full = null;
      int next = 0;
      while (full == null && next < 1_000) {
        Statement insert = inserts.get(next++);
        full = catchThrowable(() -> session.execute("heartbeats.store", insert, soon()));
      }
      assertThat(full).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("SQLITE_FULL");
      List<Statement> batch = inserts.subList(1_000, 3_000);
      assertThatThrownBy(() -> session.executeAtomically("heartbeats.storeAll", batch, soon()))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("SQLITE_FULL");

      session.query("test", Statement.of("PRAGMA max_page_count = 1000000"), soon());
      session.execute("heartbeats.store", inserts.get(next), soon());
      session.executeAtomically("heartbeats.storeAll", batch, soon());
      assertThat(count(session)).isEqualTo(next + batch.size());
    } finally {
      session.close();
    }
  }

  private static long count(JdbcSession session) {
    return (Long) session.query("test", Statement.of("SELECT count(*) FROM heartbeats"), soon()).get(0)[0];
  }

  /** A deadline that only a hang misses. */
  private static Deadline soon() {
    return Deadline.after(Duration.ofSeconds(5));
  }

  private static List<Statement> inserts(int n) {
    List<Statement> inserts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      inserts.add(Statement.of(SqliteSql.INSERT_HEARTBEAT, UUID.randomUUID().toString(), "o", "1.0", 0L, "u", (long) i));
    }
    return inserts;
  }
}
