package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract kit on one topic: One caller's bad data never fails another caller's call.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class IsolationContract extends ContractTopic {

  IsolationContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("8 threads interleave good writes with duplicates (store, storeAll, monitors): every good write "
        + "succeeds, every duplicate is refused, every good row is there")
    void goodWritesBesideBadOnes() throws Exception {
      String owner = newOwner();
      Heartbeat existing = heartbeat(newUserId(), owner, T0);
      HeartbeatMonitor existingMonitor = monitor(newUserId(), owner);
      heartbeats().store(existing);
      monitors().store(existingMonitor);
      int threads = 8;
      int rounds = 15;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<String> users = new ArrayList<>();
      try {
        List<Future<List<Heartbeat>>> written = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          String user = newUserId();
          users.add(user);
          written.add(pool.submit(() -> {
            start.await();
            List<Heartbeat> mine = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
              Heartbeat good = heartbeat(user, owner, T0.plusSeconds(r));
              heartbeats().store(good);
              mine.add(good);
              assertThatThrownBy(() -> heartbeats().store(existing)).isInstanceOf(DuplicateRecordException.class);
              List<Heartbeat> goodBatch = List.of(heartbeat(user, owner, T0.plusSeconds(r).plusMillis(1)),
                  heartbeat(user, owner, T0.plusSeconds(r).plusMillis(2)));
              Heartbeat doomed = heartbeat(user, owner, T0.plusSeconds(r).plusMillis(3));
              assertThatThrownBy(() -> heartbeats().storeAll(List.of(doomed, withOwner(withUserId(existing, user), owner))))
                  .isInstanceOf(DuplicateRecordException.class);
              heartbeats().storeAll(goodBatch);
              mine.addAll(goodBatch);
              monitors().store(monitor(user, newOwner()));
              assertThatThrownBy(() -> monitors().store(existingMonitor)).isInstanceOf(DuplicateRecordException.class);
            }
            return mine;
          }));
        }
        start.countDown();
        for (int t = 0; t < threads; t++) {
          List<Heartbeat> mine = written.get(t).get(100, TimeUnit.SECONDS);
          assertThat(all(users.get(t), owner)).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(mine));
        }
      } finally {
        pool.shutdownNow();
      }
    }
}
