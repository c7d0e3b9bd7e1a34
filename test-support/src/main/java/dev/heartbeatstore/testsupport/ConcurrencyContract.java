package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract kit on one topic: One store is shared by many threads.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class ConcurrencyContract extends ContractTopic {

  ConcurrencyContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("16 threads storing 50 heartbeats each lose none")
    void concurrentStores() throws Exception {
      String user = newUserId();
      String owner = newOwner();
      int threads = 16;
      int perThread = 50;
      List<Heartbeat> all = IntStream.range(0, threads * perThread)
          .mapToObj(i -> heartbeat(user, owner, T0.plusNanos(i * 1000L)))
          .collect(Collectors.toList());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          List<Heartbeat> mine = all.subList(t * perThread, (t + 1) * perThread);
          done.add(pool.submit(() -> {
            start.await();
            mine.forEach(heartbeats()::store);
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get(100, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      List<Heartbeat> listed = all(user, owner);
      assertThat(listed).hasSize(threads * perThread);
      assertThat(listed).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(all));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("16 threads reading and writing monitors at once see their own writes")
    void concurrentMonitors() throws Exception {
      int threads = 16;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<Boolean>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            start.await();
            String user = newUserId();
            String owner = newOwner();
            HeartbeatMonitor m = monitor(user, owner);
            monitors().store(m);
            monitors().updatePhoneOnline(user, m.id(), true);
            return monitors().load(user, owner).orElseThrow().phoneOnline() && monitors().exists(user, m.id());
          }));
        }
        start.countDown();
        for (Future<Boolean> f : done) {
          assertThat(f.get(100, TimeUnit.SECONDS)).isTrue();
        }
      } finally {
        pool.shutdownNow();
      }
    }
}
