package dev.heartbeatstore.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.testsupport.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What is particular to PostgreSQL; the shared contract kit (it-tests) covers the contract's semantics. */
@DisplayName("The PostgreSQL backend")
class PostgresHeartbeatStoreTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

  private static IsolatedSchema schema;
  private static TestClock clock;
  private static HeartbeatStore store;

  @BeforeAll
  static void open() {
    schema = IsolatedSchema.create();
    clock = new TestClock(T0);
    store = HeartbeatStores.open(schema.config().clock(clock).build());
  }

  @AfterAll
  static void close() {
    if (store != null) {
      store.close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  private static String newUser() {
    return "user-" + UUID.randomUUID();
  }

  private static Heartbeat heartbeat(String userId, Instant at, String version) {
    return new Heartbeat(UUID.randomUUID(), "phone", version, true, userId, at);
  }

  @Nested
  @DisplayName("stores instants")
  class Instants {

    @Test
    @DisplayName("with microseconds, in UTC, through store and storeAll alike, across the whole range")
    void roundTrip() {
      for (String at : List.of("2026-03-01T10:00:00.123456Z", "1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00Z",
          "0001-01-01T00:00:00Z", "0000-06-15T12:30:45.000001Z", "-4000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z",
          "+20000-01-01T00:00:00.5Z")) {
        Instant instant = Instant.parse(at);
        String single = newUser();
        String bulk = newUser();
        store.heartbeats().store(heartbeat(single, instant.plusNanos(789), "1"));
        store.heartbeats().storeAll(List.of(heartbeat(bulk, instant.plusNanos(789), "1"), heartbeat(bulk, T0, "0")));

        assertThat(store.heartbeats().last(single, "phone").orElseThrow().timestamp()).as(at).isEqualTo(instant);
        assertThat(store.heartbeats().index(bulk, "phone", IndexParams.first(10)))
            .extracting(Heartbeat::timestamp).as(at).contains(instant);
      }
    }
  }

  @Nested
  @DisplayName("storeAll")
  class StoreAll {

    @Test
    @DisplayName("stores nothing when one id in the middle of the batch already exists")
    void duplicateInTheMiddle() {
      String user = newUser();
      Heartbeat existing = heartbeat(user, T0, "1");
      store.heartbeats().store(existing);
      List<Heartbeat> batch = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        batch.add(heartbeat(user, T0.plusSeconds(i + 1), "2"));
      }
      batch.add(50, existing);

      assertThatThrownBy(() -> store.heartbeats().storeAll(batch))
          .isInstanceOf(DuplicateRecordException.class)
          .hasMessageContaining("heartbeats.storeAll")
          .hasMessageContaining(existing.id().toString());
      assertThat(store.heartbeats().index(user, "phone", IndexParams.first(1000))).containsExactly(existing);
    }

    @Test
    @DisplayName("stores strings that mean something in array literals exactly as given")
    void arrayMetacharacters() {
      String user = newUser();
      List<String> versions = List.of("", "NULL", "null", "{1,2}", "a,b", "\"quoted\"", "back\\slash", " padded ",
          "tab\tand\nnewline", "'; DROP TABLE heartbeats; --", "emoji 📱✅", "ü€");
      List<Heartbeat> batch = new ArrayList<>();
      for (int i = 0; i < versions.size(); i++) {
        batch.add(new Heartbeat(UUID.randomUUID(), "own{er}," + i, versions.get(i), false, user, T0.plusSeconds(i)));
      }
      store.heartbeats().storeAll(batch);

      for (Heartbeat h : batch) {
        assertThat(store.heartbeats().last(user, h.owner())).contains(h);
      }
    }

    @Test
    @DisplayName("stores nothing when the batch repeats an id")
    void duplicateWithinTheBatch() {
      String user = newUser();
      Heartbeat h = heartbeat(user, T0, "1");

      assertThatThrownBy(() -> store.heartbeats().storeAll(List.of(heartbeat(user, T0, "0"), h, h)))
          .isInstanceOf(DuplicateRecordException.class);
      assertThat(store.heartbeats().last(user, "phone")).isEmpty();
    }

    @Test
    @DisplayName("stores 10,000 heartbeats in one statement, newest first on the way back")
    void largeBatch() {
      String user = newUser();
      List<Heartbeat> batch = IntStream.range(0, 10_000)
          .mapToObj(i -> heartbeat(user, T0.plusMillis(i), "v" + i)).collect(Collectors.toList());
      store.heartbeats().storeAll(batch);

      List<Heartbeat> newestFirst = new ArrayList<>(batch);
      newestFirst.sort(Comparator.comparing(Heartbeat::timestamp).reversed());
      assertThat(store.heartbeats().index(user, "phone", new IndexParams(100, 1000, null)))
          .containsExactlyElementsOf(newestFirst.subList(100, 1100));
    }
  }

  @Nested
  @DisplayName("index")
  class Index {

    @Test
    @DisplayName("orders by timestamp desc, then id desc as PostgreSQL compares uuids")
    void ties() {
      String user = newUser();
      List<Heartbeat> sameInstant = IntStream.range(0, 20).mapToObj(i -> heartbeat(user, T0, "1"))
          .collect(Collectors.toList());
      Heartbeat newer = heartbeat(user, T0.plusNanos(1000), "1");
      store.heartbeats().storeAll(sameInstant);
      store.heartbeats().store(newer);

      List<Heartbeat> expected = new ArrayList<>(sameInstant);
      // PostgreSQL compares uuids as unsigned bytes, which is their canonical text order.
      expected.sort(Comparator.comparing((Heartbeat h) -> h.id().toString()).reversed());
      expected.add(0, newer);
      assertThat(store.heartbeats().index(user, "phone", IndexParams.first(100))).containsExactlyElementsOf(expected);
      assertThat(store.heartbeats().last(user, "phone")).contains(newer);
    }

    @Test
    @DisplayName("matches the query as a literal substring: % and _ match only themselves")
    void literalQuery() {
      String user = newUser();
      Heartbeat percent = heartbeat(user, T0, "1.0%beta");
      Heartbeat underscore = heartbeat(user, T0.plusSeconds(1), "1_0");
      Heartbeat plain = heartbeat(user, T0.plusSeconds(2), "100");
      store.heartbeats().storeAll(List.of(percent, underscore, plain));

      assertThat(store.heartbeats().index(user, "phone", new IndexParams(0, 10, "%"))).containsExactly(percent);
      assertThat(store.heartbeats().index(user, "phone", new IndexParams(0, 10, "_"))).containsExactly(underscore);
      assertThat(store.heartbeats().index(user, "phone", new IndexParams(0, 10, "1"))).containsExactly(plain, underscore, percent);
      assertThat(store.heartbeats().index(user, "phone", new IndexParams(0, 10, "  "))).hasSize(3);
      assertThat(store.heartbeats().index(user, "phone", new IndexParams(0, 10, "x"))).isEmpty();
    }
  }

  @Nested
  @DisplayName("monitors")
  class Monitors {

    @Test
    @DisplayName("updates set updatedAt from the configured clock, and updatePhoneOnline only for the owning user")
    void updates() {
      String user = newUser();
      HeartbeatMonitor m = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "", "phone", false, T0, T0);
      store.monitors().store(m);

      Instant later = clock.advance(Duration.ofSeconds(30).plusNanos(1999));
      store.monitors().updateQueueId(m.id(), "queue-1");
      assertThat(store.monitors().load(user, "phone").orElseThrow())
          .returns("queue-1", HeartbeatMonitor::queueId)
          .returns(later.minusNanos(999), HeartbeatMonitor::updatedAt)
          .returns(T0, HeartbeatMonitor::createdAt);

      clock.advance(Duration.ofSeconds(1));
      store.monitors().updatePhoneOnline("someone-else", m.id(), true);
      assertThat(store.monitors().load(user, "phone").orElseThrow().phoneOnline()).isFalse();

      Instant latest = clock.advance(Duration.ofSeconds(1));
      store.monitors().updatePhoneOnline(user, m.id(), true);
      assertThat(store.monitors().load(user, "phone").orElseThrow())
          .returns(true, HeartbeatMonitor::phoneOnline)
          .returns(latest.truncatedTo(java.time.temporal.ChronoUnit.MICROS), HeartbeatMonitor::updatedAt);
      assertThat(store.monitors().exists(user, m.id())).isTrue();
      assertThat(store.monitors().exists("someone-else", m.id())).isFalse();

      store.monitors().delete(user, "phone");
      assertThat(store.monitors().load(user, "phone")).isEmpty();
      // Nothing left to match: silent success.
      store.monitors().updateQueueId(m.id(), "queue-2");
      store.monitors().updatePhoneOnline(user, m.id(), false);
      store.monitors().delete(user, "phone");
      store.monitors().deleteAllForUser(user);
    }

    @Test
    @DisplayName("a repeated id is DuplicateRecordException and leaves the first monitor unchanged")
    void duplicate() {
      String user = newUser();
      HeartbeatMonitor m = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "q", "phone", true, T0, T0);
      store.monitors().store(m);

      assertThatThrownBy(() -> store.monitors().store(
          new HeartbeatMonitor(m.id(), UUID.randomUUID(), user, "other", "phone", false, T0, T0)))
          .isInstanceOf(DuplicateRecordException.class)
          .hasMessageContaining("heartbeat_monitors.store")
          .hasMessageContaining(m.id().toString());
      assertThat(store.monitors().load(user, "phone")).contains(m);
    }
  }

  @Test
  @DisplayName("names its connections heartbeat-store in pg_stat_activity, unless the URL names them")
  void applicationName() throws Exception {
    String own = "hb-test-" + UUID.randomUUID().toString().substring(0, 8);
    try (HeartbeatStore named = HeartbeatStores.open(schema.config().databaseUrl(schema.url() + "&ApplicationName=" + own).build())) {
      assertThat(connectionsNamed(own)).isPositive();
    }
    // Other stores (this class's, other suites' on a shared server) open and close connections under the
    // default name meanwhile: look for a backend that was not there before, not at a count.
    java.util.Set<Integer> before = backendsNamed("heartbeat-store");
    try (HeartbeatStore unnamed = schema.open()) {
      assertThat(backendsNamed("heartbeat-store")).anyMatch(pid -> !before.contains(pid));
    }
  }

  private static long connectionsNamed(String applicationName) throws java.sql.SQLException {
    return backendsNamed(applicationName).size();
  }

  /** The server processes of this database's connections with that application_name. */
  private static java.util.Set<Integer> backendsNamed(String applicationName) throws java.sql.SQLException {
    try (java.sql.Connection c = schema.connect();
         java.sql.PreparedStatement ps = c.prepareStatement(
             "SELECT pid FROM pg_stat_activity WHERE application_name = ? AND datname = current_database()")) {
      ps.setString(1, applicationName);
      java.util.Set<Integer> pids = new java.util.HashSet<>();
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          pids.add(rs.getInt(1));
        }
      }
      return pids;
    }
  }

  @Test
  @DisplayName("deleteAllForUser removes only that user's heartbeats")
  void deleteAllForUser() {
    String user = newUser();
    String other = newUser();
    store.heartbeats().storeAll(List.of(heartbeat(user, T0, "1"), heartbeat(user, T0, "2"), heartbeat(other, T0, "3")));

    store.heartbeats().deleteAllForUser(user);

    assertThat(store.heartbeats().last(user, "phone")).isEmpty();
    assertThat(store.heartbeats().last(other, "phone")).isPresent();
  }

  @Test
  @DisplayName("is thread-safe: 8 threads × 50 stores on a pool of 4, none lost")
  void concurrentStores() throws Exception {
    String user = newUser();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          for (int i = 0; i < 50; i++) {
            store.heartbeats().store(heartbeat(user, T0.plusMillis(i), "1"));
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
    assertThat(store.heartbeats().index(user, "phone", IndexParams.first(1000))).hasSize(400);
  }
}
