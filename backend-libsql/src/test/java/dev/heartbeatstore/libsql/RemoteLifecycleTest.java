package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.monitor;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.libsql.HttpFaultProxy.Mode;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Opening and closing remote stores (real sqld)")
class RemoteLifecycleTest {

  /** What a call in flight ended with, and whether it left its thread interrupted. */
  private record Ending(Throwable error, boolean leftInterrupted, long endedAtNanos) {}

  @Test
  @Timeout(60)
  @DisplayName("close() with 12 calls in flight returns at once and ends each with StoreUnavailableException saying the store was"
      + " closed; later calls throw IllegalStateException; closing again does nothing")
  void closeEndsCallsInFlight() throws Exception {
    try (HttpFaultProxy proxy = new HttpFaultProxy(TestSqld.url())) {
      HeartbeatStore store = Fixtures.open(proxy.url(), Duration.ofSeconds(10));
      String user = newUser();
      proxy.mode(Mode.HANG);
      ExecutorService pool = Executors.newFixedThreadPool(12);
      try {
        List<Runnable> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          calls.add(() -> store.heartbeats().last(user, "o"));
          calls.add(() -> store.heartbeats().store(heartbeat(user, "o", T0)));
        }
        calls.add(() -> store.heartbeats().storeAll(List.of(heartbeat(user, "o", T0))));
        calls.add(() -> store.heartbeats().storeAll(List.of(heartbeat(user, "o", T0))));
        calls.add(() -> store.monitors().store(monitor(user, "o")));
        calls.add(() -> store.monitors().load(user, "o"));
        List<Future<Ending>> inFlight = new ArrayList<>();
        for (Runnable call : calls) {
          inFlight.add(pool.submit(() -> {
            Throwable error = null;
            try {
              call.run();
            } catch (Throwable e) {
              error = e;
            }
            return new Ending(error, Thread.currentThread().isInterrupted(), System.nanoTime());
          }));
        }
        Thread.sleep(500); // every call is now sending, or waiting for the write lane or a slot

        long closing = System.nanoTime();
        store.close();
        long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
        assertThat(closeMs).as("close() returns at once (ms)").isLessThan(1000L);

        for (Future<Ending> f : inFlight) {
          Ending ending = f.get(10, TimeUnit.SECONDS);
          assertThat(ending.error()).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("closed");
          assertThat(ending.leftInterrupted()).as("the call's thread is left interrupted").isFalse();
          assertThat(TimeUnit.NANOSECONDS.toMillis(ending.endedAtNanos() - closing)).as("ended after close() (ms)")
              .isLessThan(1000L);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThatThrownBy(() -> store.heartbeats().last(user, "o")).isInstanceOf(IllegalStateException.class);
      assertThatCode(store::close).doesNotThrowAnyException();
    }
  }

  @Test
  @Timeout(120)
  @DisplayName("100 open/store/close cycles leave the threads and file descriptors where they were, without a GC")
  void noLeaks() throws Exception {
    Path fds = Path.of("/proc/self/fd");
    Assumptions.assumeTrue(Files.isDirectory(fds), "counts file descriptors in /proc (Linux)");
    String user = newUser();
    cycle(user, 0); // the process-wide HTTP client and the deadline thread exist from here on
    int threadsBefore = threads();
    long fdsBefore = count(fds);
    for (int i = 1; i <= 100; i++) {
      cycle(user, i);
    }
    int threadsAfter = threads();
    long fdsAfter = count(fds);
    assertThat(threadsAfter).as("live threads, %d before", threadsBefore).isLessThanOrEqualTo(threadsBefore + 4);
    assertThat(fdsAfter).as("open file descriptors, %d before", fdsBefore).isLessThanOrEqualTo(fdsBefore + 4);
  }

  private static void cycle(String user, int i) {
    try (HeartbeatStore store = Fixtures.open(TestSqld.url())) {
      store.heartbeats().store(heartbeat(user, "o", T0.plusSeconds(i)));
    }
  }

  private static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static long count(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.count();
    }
  }
}
