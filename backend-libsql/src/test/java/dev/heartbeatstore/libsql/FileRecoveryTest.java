package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.monitor;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The file backend serves again as soon as a fault ends")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileRecoveryTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("on a full disk (a 1 MiB tmpfs) writes fail with StoreUnavailableException; once space is freed, the same store's very next store and storeAll succeed")
  void recoversOnceDiskSpaceIsFreed() throws Exception {
    Path disk = Files.createDirectory(dir.resolve("small-disk"));
    try (Tmpfs mounted = Tmpfs.mount(disk, "1m")) {
      String user = newUser();
      try (HeartbeatStore store = Fixtures.open("file:" + disk.resolve("heartbeats.db"))) {
        Heartbeat first = heartbeat(user, "o", T0);
        store.heartbeats().store(first);
        HeartbeatMonitor monitor = monitor(user, "o");
        store.monitors().store(monitor);
        Path filler = disk.resolve("filler");
        fillTheDisk(filler);

        Throwable full = null;
        for (int i = 1; i <= 1000 && full == null; i++) {
          Heartbeat next = heartbeat(user, "o", T0.plusSeconds(i));
          full = catchThrowable(() -> store.heartbeats().store(next));
        }
        assertThat(full).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("full");
        assertThatThrownBy(() -> store.heartbeats().storeAll(batch(user, 2_000)))
            .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("full");
        assertThat(store.heartbeats().last(user, "o")).isPresent();

        Files.delete(filler);
        Heartbeat afterStore = heartbeat(user, "o2", T0);
        store.heartbeats().store(afterStore);
        // 1,000 rows: the freed space is what the filler took, and the rows must fit in it with their WAL.
        store.heartbeats().storeAll(batch(user, 1_000));
        store.monitors().updateQueueId(monitor.id(), "queue-2");
        store.monitors().store(monitor(user, "o2"));
        assertThat(store.heartbeats().last(user, "o2")).contains(afterStore);
        assertThat(store.heartbeats().index(user, "batch", IndexParams.first(1000))).hasSize(1000);
        assertThat(store.monitors().load(user, "o")).hasValueSatisfying(m -> assertThat(m.queueId()).isEqualTo("queue-2"));
      }
    }
  }

  /** Writes {@code filler} until the file system has no space left. */
  private static void fillTheDisk(Path filler) throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException expected) {
      if (!String.valueOf(expected.getMessage()).contains("space")) {
        throw expected;
      }
    }
  }

  private static List<Heartbeat> batch(String user, int size) {
    List<Heartbeat> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      batch.add(heartbeat(user, "batch", T0.plusSeconds(i)));
    }
    return batch;
  }
}
