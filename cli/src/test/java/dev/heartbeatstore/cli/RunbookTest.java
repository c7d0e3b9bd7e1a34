package dev.heartbeatstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.testsupport.servers.Sqld;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/migration-runbook.md, step by step, with the {@code heartbeat} commands it gives run as real processes
 * and a service of two instances writing the whole time (heartbeats of shared users, monitor updates), restarted
 * one by one at every configuration change, so that mixed settings run side by side as the runbook says they
 * will. It ends with both sides identical and every acknowledged write where it belongs.
 *
 * <p>Only one thing differs from the runbook: besides {@code verify --settle 1m}, each verify also runs with
 * {@code --settle 3s}, so that the rows this test wrote seconds earlier are compared too.
 */
@DisplayName("the migration runbook, followed with a service writing the whole time, loses nothing")
class RunbookTest {

  private static final int HISTORY_USERS = 30;
  private static final int HISTORY_ROWS_PER_USER = 100;

  @TempDir
  Path dir;

  @Test
  void followTheRunbook() throws Exception {
    try (IsolatedSchema postgres = IsolatedSchema.create(); Sqld turso = Sqld.start()) {
      Map<String, String> base = Map.of("DATABASE_URL", postgres.url(), "TURSO_DATABASE_URL", turso.url());
      List<String> historyUsers = seedHistory(postgres);

      // 0. Where you start: PostgreSQL alone.
      Map<String, String> start = with(base, "HEARTBEAT_DB_BACKEND", "postgres");
      try (Service service = new Service(start)) {
        service.awaitWrites(200);

        // 1. Create the Turso database and check both sides.
        Map<String, String> hedging = with(base, "HEARTBEAT_DB_BACKEND", "hedging");
        Cli.Result doctor = cli(hedging, "doctor");
        assertThat(doctor.out()).contains("postgres", "turso");
        ok(cli(hedging, "migrate"));
        assertThat(ok(cli(hedging, "doctor")).out())
            .contains("journal of postgres: depth 0", "journal of turso: depth 0");

        // 2. Turn on hedging (dual writes), rolling restart.
        Map<String, String> dual = with(hedging, "HEARTBEAT_HEDGING_PRIMARY", "postgres",
            "HEARTBEAT_HEDGING_MODE", "async", "HEARTBEAT_HEDGING_SECONDARY_TIMEOUT", "1s");
        service.rollingRestart(dual);

        // 3. Copy the history (backfill), while the service writes.
        ok(cli(dual, "backfill", "--rate", "5000"));

        // 4. Prove both sides agree (verify), while the service writes.
        ok(cli(dual, "journal"));
        verifies(dual);
        ok(cli(dual, "verify", "--settle", "1m", "--repair"));

        // 5. Flip the primary, rolling restart (mixed primaries while it runs).
        Map<String, String> flipped = with(dual, "HEARTBEAT_HEDGING_PRIMARY", "turso");
        service.rollingRestart(flipped);
        ok(cli(flipped, "journal", "--drain", "--timeout", "5m"));
        verifies(flipped);

        // 5, rollback: the same mixed state in the other direction, then drain and verify.
        service.rollingRestart(dual);
        ok(cli(dual, "journal", "--drain"));
        verifies(dual);

        // 5 again, for good.
        service.rollingRestart(flipped);
        ok(cli(flipped, "journal", "--drain", "--timeout", "5m"));
        verifies(flipped);

        // Both sides identical: the writers pause only while the two are read and compared.
        service.paused(() -> {
          ok(cli(flipped, "journal", "--drain"));
          assertIdentical(base, historyUsers, service);
        });

        // 6. Turso alone.
        ok(cli(flipped, "journal", "--drain"));
        Written beforeTursoAlone = service.written();
        service.rollingRestart(with(base, "HEARTBEAT_DB_BACKEND", "turso"));
        service.awaitWrites(200);
        service.close();

        assertThat(service.failures()).as("writes that failed other than by a timeout").isEmpty();
        try (HeartbeatStore onTurso = open(base, "turso"); HeartbeatStore onPostgres = open(base, "postgres")) {
          assertHolds(onTurso, service.written(), "turso", true);
          // Writes acknowledged after the snapshot may reach PostgreSQL too (hedging until each restart): monitors
          // there are at least as new as the snapshot, not necessarily equal to it.
          assertHolds(onPostgres, beforeTursoAlone, "postgres", false);
        }
      }
    }
  }

  private void verifies(Map<String, String> env) throws Exception {
    ok(cli(env, "verify", "--settle", "1m"));
    ok(cli(env, "verify", "--settle", "3s"));
  }

  private Cli.Result cli(Map<String, String> env, String... args) throws Exception {
    return Cli.run(dir, Cli.env(env), args);
  }

  private static Cli.Result ok(Cli.Result result) {
    assertThat(result.exit()).as("exit code; out:%n%s%nerr:%n%s", result.out(), result.err()).isZero();
    return result;
  }

  private static Map<String, String> with(Map<String, String> env, String... pairs) {
    Map<String, String> copy = new HashMap<>(env);
    for (int i = 0; i < pairs.length; i += 2) {
      copy.put(pairs[i], pairs[i + 1]);
    }
    return Map.copyOf(copy);
  }

  private static HeartbeatStore open(Map<String, String> base, String backend) {
    return HeartbeatStores.fromEnvironment(with(base, "HEARTBEAT_DB_BACKEND", backend));
  }

  /** The history the backfill copies: heartbeats and monitors written on PostgreSQL long before the migration. */
  private static List<String> seedHistory(IsolatedSchema postgres) {
    List<String> users = new ArrayList<>();
    Instant old = Instant.parse("2025-03-01T00:00:00Z");
    try (HeartbeatStore store = postgres.open()) {
      for (int u = 0; u < HISTORY_USERS; u++) {
        String user = "runbook-history-" + u + "-" + UUID.randomUUID();
        users.add(user);
        List<Heartbeat> rows = new ArrayList<>();
        for (int i = 0; i < HISTORY_ROWS_PER_USER; i++) {
          rows.add(new Heartbeat(UUID.randomUUID(), "phone-old", "1.0", i % 2 == 0, user, old.plusSeconds(u * 1000L + i)));
        }
        store.heartbeats().storeAll(rows);
        store.monitors().store(new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "", "phone-old",
            true, old, old));
      }
    }
    return users;
  }

  private static void assertIdentical(Map<String, String> base, List<String> historyUsers, Service service) {
    try (HeartbeatStore onPostgres = open(base, "postgres"); HeartbeatStore onTurso = open(base, "turso")) {
      for (String user : historyUsers) {
        assertThat(all(onTurso, user, "phone-old")).as("history of %s", user)
            .isEqualTo(all(onPostgres, user, "phone-old")).hasSize(HISTORY_ROWS_PER_USER);
        assertThat(onTurso.monitors().load(user, "phone-old")).isEqualTo(onPostgres.monitors().load(user, "phone-old"))
            .isPresent();
      }
      for (Service.Key key : service.keys()) {
        assertThat(all(onTurso, key.user(), key.owner())).as("heartbeats of %s", key)
            .isEqualTo(all(onPostgres, key.user(), key.owner()));
        assertThat(onTurso.monitors().load(key.user(), key.owner())).as("monitor of %s", key)
            .isEqualTo(onPostgres.monitors().load(key.user(), key.owner()));
      }
      assertHolds(onPostgres, service.written(), "postgres", true);
      assertHolds(onTurso, service.written(), "turso", true);
    }
  }

  /** Every acknowledged heartbeat is there; every monitor shows its last acknowledged update. */
  private static void assertHolds(HeartbeatStore store, Written written, String side, boolean exactMonitors) {
    Map<Service.Key, Set<UUID>> byKey = new TreeMap<>();
    for (Heartbeat h : written.heartbeats()) {
      byKey.computeIfAbsent(new Service.Key(h.userId(), h.owner()), k -> new TreeSet<>()).add(h.id());
    }
    byKey.forEach((key, ids) -> assertThat(all(store, key.user(), key.owner()))
        .as("acknowledged heartbeats of %s on %s", key, side).containsAll(ids));
    written.monitors().forEach((key, monitor) -> {
      Optional<HeartbeatMonitor> stored = store.monitors().load(key.user(), key.owner());
      assertThat(stored).as("monitor of %s on %s", key, side).isPresent();
      if (exactMonitors) {
        assertThat(stored.get().phoneOnline()).as("last acknowledged phoneOnline of %s on %s", key, side)
            .isEqualTo(monitor.phoneOnline());
      }
      assertThat(stored.get().updatedAt()).as("updatedAt of %s on %s", key, side)
          .isAfterOrEqualTo(monitor.updatedAt());
    });
  }

  private static Set<UUID> all(HeartbeatStore store, String user, String owner) {
    Set<UUID> ids = new TreeSet<>();
    for (int skip = 0; ; skip += IndexParams.MAX_LIMIT) {
      List<Heartbeat> page = store.heartbeats().index(user, owner, new IndexParams(skip, IndexParams.MAX_LIMIT, null));
      page.forEach(h -> ids.add(h.id()));
      if (page.size() < IndexParams.MAX_LIMIT) {
        return ids;
      }
    }
  }

  /** What the service had acknowledged at one moment. */
  record Written(List<Heartbeat> heartbeats, Map<Service.Key, HeartbeatMonitor> monitors) {}

  /**
   * Two instances of a service, each one writer thread and one store opened from the environment as the service
   * would ({@link HeartbeatStores#fromEnvironment(Map)}). A restart swaps one instance's store while the other keeps
   * writing; the writer of the restarting instance waits for its new store, as requests to a restarting instance
   * go to the other one.
   */
  static final class Service implements AutoCloseable {

    record Key(String user, String owner) implements Comparable<Key> {
      @Override
      public int compareTo(Key o) {
        int c = user.compareTo(o.user);
        return c != 0 ? c : owner.compareTo(o.owner);
      }
    }

    private static final int INSTANCES = 2;
    private static final int USERS = 6;

    private final List<String> users = new ArrayList<>();
    private final Instance[] instances = new Instance[INSTANCES];
    private final List<Heartbeat> heartbeats = new ArrayList<>();
    private final Map<Key, HeartbeatMonitor> monitors = new TreeMap<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final Object pause = new Object();
    private boolean paused;
    private volatile boolean stopped;

    Service(Map<String, String> env) {
      for (int u = 0; u < USERS; u++) {
        users.add("runbook-live-" + u + "-" + UUID.randomUUID());
      }
      for (int i = 0; i < INSTANCES; i++) {
        instances[i] = new Instance(i, HeartbeatStores.fromEnvironment(env));
      }
      for (Instance instance : instances) {
        instance.thread.start();
      }
    }

    /** Restarts the instances one by one with {@code env}, each after the other has written a while. */
    void rollingRestart(Map<String, String> env) throws InterruptedException {
      for (Instance instance : instances) {
        awaitWrites(100);
        instance.restart(env);
      }
      awaitWrites(100);
    }

    /** Waits until the service has acknowledged {@code count} more writes. */
    void awaitWrites(int count) throws InterruptedException {
      long target;
      synchronized (this) {
        target = heartbeats.size() + count;
      }
      long giveUp = System.nanoTime() + 120_000_000_000L;
      while (true) {
        synchronized (this) {
          if (heartbeats.size() >= target) {
            return;
          }
          assertThat(failures).as("writes that failed other than by a timeout").isEmpty();
        }
        assertThat(System.nanoTime()).as("the service did not write %d more times in 120 s", count).isLessThan(giveUp);
        Thread.sleep(20);
      }
    }

    interface Action {
      void run() throws Exception;
    }

    void paused(Action action) throws Exception {
      synchronized (pause) {
        paused = true;
      }
      try {
        for (Instance instance : instances) {
          instance.idle();
        }
        action.run();
      } finally {
        synchronized (pause) {
          paused = false;
          pause.notifyAll();
        }
      }
    }

    private boolean isPaused() {
      synchronized (pause) {
        return paused;
      }
    }

    synchronized Written written() {
      return new Written(List.copyOf(heartbeats), Map.copyOf(monitors));
    }

    synchronized List<Throwable> failures() {
      return List.copyOf(failures);
    }

    synchronized Set<Key> keys() {
      Set<Key> keys = new TreeSet<>(monitors.keySet());
      heartbeats.forEach(h -> keys.add(new Key(h.userId(), h.owner())));
      return keys;
    }

    @Override
    public void close() throws InterruptedException {
      if (stopped) {
        return;
      }
      stopped = true;
      for (Instance instance : instances) {
        instance.thread.join();
        instance.store.close();
      }
    }

    private final class Instance {
      private final int number;
      private final Thread thread;
      private HeartbeatStore store;
      private boolean busy;
      private final Map<Key, UUID> monitorIds = new HashMap<>();
      private long operations;

      Instance(int number, HeartbeatStore store) {
        this.number = number;
        this.store = store;
        this.thread = new Thread(this::write, "runbook-service-" + number);
        this.thread.setDaemon(true);
      }

      synchronized void restart(Map<String, String> env) {
        store.close();
        store = HeartbeatStores.fromEnvironment(env);
      }

      synchronized void idle() {
        // Holding the monitor means no write of this instance is in flight; the writer then sees the pause.
      }

      private void write() {
        while (!stopped) {
          synchronized (pause) {
            while (paused) {
              try {
                pause.wait();
              } catch (InterruptedException e) {
                return;
              }
            }
          }
          synchronized (this) {
            if (isPaused()) {
              continue;
            }
            try {
              operation();
            } catch (StoreTimeoutException e) {
              // An unknown outcome, not an acknowledged write: nothing to check.
            } catch (Throwable e) {
              synchronized (Service.this) {
                failures.add(e);
              }
            }
          }
          try {
            Thread.sleep(3);
          } catch (InterruptedException e) {
            return;
          }
        }
      }

      private void operation() {
        long n = operations++;
        String user = users.get((int) (n % USERS));
        Key key = new Key(user, "phone-" + number + "-" + (n % 3));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (n % 10 == 9) {
          UUID id = monitorIds.get(key);
          HeartbeatMonitor monitor;
          if (id == null) {
            monitor = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "", key.owner(), true, now,
                now);
            store.monitors().store(monitor);
            monitorIds.put(key, monitor.id());
          } else {
            boolean online = n % 20 == 9;
            store.monitors().updatePhoneOnline(user, id, online);
            HeartbeatMonitor before;
            synchronized (Service.this) {
              before = monitors.get(key);
            }
            monitor = new HeartbeatMonitor(id, before.phoneId(), user, "", key.owner(), online, before.createdAt(),
                now);
          }
          synchronized (Service.this) {
            monitors.put(key, monitor);
          }
        } else {
          Heartbeat heartbeat = new Heartbeat(UUID.randomUUID(), key.owner(), "2.0", n % 2 == 0, user, now);
          store.heartbeats().store(heartbeat);
          synchronized (Service.this) {
            heartbeats.add(heartbeat);
          }
        }
      }
    }
  }
}
