package dev.heartbeatstore.hedging;

import static dev.heartbeatstore.hedging.HedgingFixture.both;
import static dev.heartbeatstore.hedging.HedgingFixture.heartbeat;
import static dev.heartbeatstore.hedging.HedgingFixture.newUserId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import dev.heartbeatstore.testsupport.servers.Sqld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** close() gives back what the store opened (threads, sockets), without waiting for a garbage collection. */
class ResourcesTest {

  private static final int CYCLES = 100;

  @Test
  @DisplayName("100 open/store/close cycles of async hedging leave threads and file descriptors where they were")
  void openStoreCloseLeaksNothing() throws Exception {
    try (Sqld sqld = Sqld.start(); HedgingFixture fixture = new HedgingFixture()) {
      String user = newUserId();
      // One cycle first: classes, the JDK's own lazily started threads, the shared pools that live per process.
      cycle(fixture, sqld, user);
      await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10)).until(() -> true);
      int threadsBefore = Thread.activeCount();
      long fdsBefore = openFileDescriptors();
      for (int i = 0; i < CYCLES; i++) {
        cycle(fixture, sqld, user);
      }
      // Threads that close() stopped may take a moment to end; none is left for a GC to find.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(Thread.activeCount()).as("live threads").isLessThanOrEqualTo(threadsBefore + 2);
        assertThat(openFileDescriptors()).as("open file descriptors").isLessThanOrEqualTo(fdsBefore + 5);
      });
    }
  }

  private static void cycle(HedgingFixture fixture, Sqld sqld, String user) {
    try (HeartbeatStore store = fixture.hedging(both(sqld.url()).hedgingMode(HedgingMode.ASYNC))) {
      store.heartbeats().store(heartbeat(user, "+1555900"));
    }
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
