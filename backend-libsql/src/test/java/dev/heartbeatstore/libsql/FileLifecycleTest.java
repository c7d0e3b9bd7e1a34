package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Opening and closing file stores")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileLifecycleTest {

  private static final int ROUNDS = 100;

  @TempDir
  Path dir;

  @Test
  @DisplayName("100 stores opened, used and closed leave no thread and no file handle behind")
  void openAndCloseLeavesNothing() throws IOException {
    String url = "file:" + dir.resolve("heartbeats.db");
    String user = newUser();
    use(url, user); // loads classes and the native library, whose handles stay by design
    Set<String> fdsBefore = openFiles();
    Set<String> threadsBefore = liveThreads();
    for (int i = 0; i < ROUNDS; i++) {
      use(url, user);
    }
    assertThat(openFiles()).as("open file descriptors").isSubsetOf(fdsBefore);
    assertThat(liveThreads()).as("live threads").isSubsetOf(threadsBefore);
  }

  @Test
  @DisplayName("100 starts refused (a missing file with migrate=false) leave no thread and no file handle behind")
  void refusedStartsLeaveNothing() throws IOException {
    String url = "file:" + dir.resolve("missing.db");
    assertThatThrownBy(() -> Fixtures.open(url, b -> b.migrate(false))).isInstanceOf(ConfigurationException.class);
    Set<String> fdsBefore = openFiles();
    Set<String> threadsBefore = liveThreads();
    for (int i = 0; i < ROUNDS; i++) {
      assertThatThrownBy(() -> Fixtures.open(url, b -> b.migrate(false))).isInstanceOf(ConfigurationException.class);
    }
    assertThat(openFiles()).as("open file descriptors").isSubsetOf(fdsBefore);
    assertThat(liveThreads()).as("live threads").isSubsetOf(threadsBefore);
  }

  @Test
  @DisplayName("close() ends writes in flight (one waiting for another process's lock, one queued behind it) at once, with StoreUnavailableException")
  void closeEndsCallsInFlight() throws Exception {
    Path file = dir.resolve("heartbeats.db");
    String user = newUser();
    HeartbeatStore store = Fixtures.open("file:" + file, Duration.ofSeconds(30));
    store.heartbeats().store(heartbeat(user, "o", T0));
    try (ForeignWriteLock lock = ForeignWriteLock.hold(file)) {
      CompletableFuture<Void> waitingForTheLock =
          CompletableFuture.runAsync(() -> store.heartbeats().store(heartbeat(user, "o", T0.plusSeconds(1))));
      CompletableFuture<Void> queued =
          CompletableFuture.runAsync(() -> store.heartbeats().deleteAllForUser(user));
      Thread.sleep(200);
      assertThat(waitingForTheLock).isNotDone();
      assertThat(queued).isNotDone();
      long start = System.nanoTime();
      store.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      for (CompletableFuture<Void> call : List.of(waitingForTheLock, queued)) {
        assertThatThrownBy(() -> call.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(StoreUnavailableException.class);
      }
    }
    try (HeartbeatStore reopened = Fixtures.open("file:" + file)) {
      assertThat(reopened.heartbeats().index(user, "o", IndexParams.first(10))).hasSize(1);
    }
  }

  private static void use(String url, String user) {
    try (HeartbeatStore store = Fixtures.open(url)) {
      store.heartbeats().store(heartbeat(user, "o", T0));
      store.heartbeats().storeAll(List.of(heartbeat(user, "o", T0), heartbeat(user, "o", T0)));
      assertThat(store.heartbeats().index(user, "o", IndexParams.first(1))).hasSize(1);
    }
  }

  /**
   * Each descriptor as "number -> target", so that a number reused for another file counts as new; without
   * the listing's own descriptor, and without one closed while listed.
   */
  private static Set<String> openFiles() throws IOException {
    Set<String> open = new TreeSet<>();
    try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          Path target = Files.readSymbolicLink(fd);
          if (!target.startsWith("/proc")) {
            open.add(fd.getFileName() + " -> " + target);
          }
        } catch (IOException closedMeanwhile) {
          // not open any more
        }
      }
    }
    return open;
  }

  private static Set<String> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(t -> t.getId() + " " + t.getName()).collect(Collectors.toCollection(TreeSet::new));
  }
}
