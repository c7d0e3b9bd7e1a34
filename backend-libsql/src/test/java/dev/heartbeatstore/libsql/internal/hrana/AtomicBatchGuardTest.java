package dev.heartbeatstore.libsql.internal.hrana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.libsql.internal.LibsqlLocation;
import dev.heartbeatstore.libsql.internal.Statement;
import dev.heartbeatstore.spi.Deadline;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The guards of {@link AtomicBatch} against a real sqld: each step needs the one before it to succeed and, over v3,
 * the stream to be inside the transaction ({@code not is_autocommit}), so a batch never ends half-written.
 */
@DisplayName("An atomic batch against sqld: all of it or nothing, even when a step ends the transaction")
class AtomicBatchGuardTest {

  private HranaSession session;
  private String table;

  @BeforeEach
  void open() {
    session = new HranaSession(LibsqlLocation.parse(TestSqld.url(), null), 4);
    session.connect(soon());
    table = "batch_guard_" + UUID.randomUUID().toString().replace("-", "");
    session.execute("test", Statement.of("CREATE TABLE " + table + " (id TEXT PRIMARY KEY)"), soon());
  }

  @AfterEach
  void close() {
    session.execute("test", Statement.of("DROP TABLE " + table), soon());
    session.close();
  }

  @Test
  @DisplayName("a statement that fails mid-way (a repeated key): DuplicateRecordException, and nothing is written")
  void stepFailsMidWay() {
    List<Statement> batch = List.of(insert("a"), insert("b"), insert("a"), insert("c"));
    assertThatThrownBy(() -> session.executeAtomically("test", "one of the keys", batch, soon()))
        .isInstanceOf(DuplicateRecordException.class)
        .hasMessageContaining("one of the keys already exists; nothing was written");
    assertThat(count()).isZero();
  }

  @Test
  @DisplayName("a statement that ends the transaction (ROLLBACK) stops the batch: the statements after it do not run"
      + " on their own, so nothing is written")
  void stepEndsTheTransaction() {
    assertThat(session.speaksV3()).as("sqld serves /v3/pipeline").isTrue();
    List<Statement> batch = List.of(insert("a"), Statement.of("ROLLBACK"), insert("b"), insert("c"));
    assertThatThrownBy(() -> session.executeAtomically("test", batch, soon()))
        .isInstanceOf(HeartbeatStoreException.class)
        .hasMessageContaining("statement 2 of the 4 in the batch ended its transaction before COMMIT");
    assertThat(count()).isZero();
  }

  @Test
  @DisplayName("a batch whose steps all succeed commits, and reports each statement's change count")
  void commits() {
    long[] changes = session.executeAtomically("test", List.of(insert("a"), insert("b"),
        Statement.of("UPDATE " + table + " SET id = id || '!' WHERE id IN ('a', 'b', 'z')")), soon());
    assertThat(changes).containsExactly(1, 1, 2);
    assertThat(count()).isEqualTo(2);
  }

  private Statement insert(String id) {
    return Statement.of("INSERT INTO " + table + " (id) VALUES (?)", id);
  }

  private long count() {
    return (Long) session.query("test", Statement.of("SELECT count(*) FROM " + table), soon()).get(0)[0];
  }

  /** A deadline that only a hang misses. */
  private static Deadline soon() {
    return Deadline.after(Duration.ofSeconds(30));
  }
}
