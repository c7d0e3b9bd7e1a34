package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.IndexParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract kit on one topic: close() is idempotent, returns within the deadline, ends calls in flight and leaks nothing.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class ClosingContract extends ContractTopic {

  ClosingContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @DisplayName("every call after close() throws IllegalStateException")
    void callsAfterClose() {
      HeartbeatStore closed = openAnotherStore(b -> b);
      closed.heartbeats().last(newUserId(), newOwner());
      closed.close();
      String user = newUserId();
      String owner = newOwner();
      HeartbeatMonitor m = monitor(user, owner);
      List<ThrowingCallable> calls = List.of(
          () -> closed.heartbeats().store(heartbeat(user, owner, T0)),
          () -> closed.heartbeats().storeAll(List.of(heartbeat(user, owner, T0))),
          () -> closed.heartbeats().index(user, owner, IndexParams.first(1)),
          () -> closed.heartbeats().last(user, owner),
          () -> closed.heartbeats().deleteAllForUser(user),
          () -> closed.monitors().store(m),
          () -> closed.monitors().load(user, owner),
          () -> closed.monitors().exists(user, m.id()),
          () -> closed.monitors().updateQueueId(m.id(), "q"),
          () -> closed.monitors().delete(user, owner),
          () -> closed.monitors().updatePhoneOnline(user, m.id(), true),
          () -> closed.monitors().deleteAllForUser(user));

      for (ThrowingCallable call : calls) {
        assertThatThrownBy(call).isInstanceOf(IllegalStateException.class);
      }
      assertThat(heartbeats().last(user, owner)).isEmpty();
    }

    @Test
    @DisplayName("close() from two threads at once, and again after, returns and throws nothing")
    void concurrentClose() throws Exception {
      HeartbeatStore closing = openAnotherStore(b -> b);
      closing.heartbeats().last(newUserId(), newOwner());
      ExecutorService pool = Executors.newFixedThreadPool(2);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<?>> closes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          closes.add(pool.submit(() -> {
            go.await();
            closing.close();
            return null;
          }));
        }
        go.countDown();
        for (Future<?> close : closes) {
          close.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThatCode(closing::close).doesNotThrowAnyException();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("with calls in flight, close() returns within the deadline; each call succeeds or throws an exception "
        + "of the contract (never hangs, never an NPE), and the calls after it IllegalStateException")
    void callsInFlight() throws Exception {
      Duration deadline = Duration.ofSeconds(2);
      long graceMillis = 1_000; // a loaded machine's scheduling, not the store's
      HeartbeatStore closing = openAnotherStore(b -> b.timeout(deadline));
      String user = newUserId();
      String owner = newOwner();
      closing.heartbeats().last(user, owner);
      int threads = 4;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch running = new CountDownLatch(threads);
      try {
        List<Future<List<Throwable>>> loops = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          boolean batches = t == 0;
          loops.add(pool.submit(() -> callUntilRefused(closing, user, owner, batches, running)));
        }
        assertThat(running.await(60, TimeUnit.SECONDS)).as("every thread made a call").isTrue();

        long start = System.nanoTime();
        closing.close();
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(closeMillis).as("close() took, in ms").isLessThanOrEqualTo(deadline.toMillis() + graceMillis);
        List<Throwable> failures = new ArrayList<>();
        for (Future<List<Throwable>> loop : loops) {
          failures.addAll(loop.get(deadline.toMillis() + 5_000, TimeUnit.MILLISECONDS));
        }
        assertThat(failures).allSatisfy(failure -> assertThat(failure).isInstanceOf(HeartbeatStoreException.class));
      } finally {
        pool.shutdownNow();
        heartbeats().deleteAllForUser(user);
      }
    }

    /** Calls {@code store} (or {@code storeAll} of 2,000) until the store refuses; returns the other failures. */
    private List<Throwable> callUntilRefused(HeartbeatStore store, String user, String owner, boolean batches,
        CountDownLatch running) {
      List<Throwable> failures = new ArrayList<>();
      boolean counted = false;
      for (int i = 0; i < 100_000; i++) {
        try {
          if (batches) {
            store.heartbeats().storeAll(IntStream.range(0, 2_000)
                .mapToObj(j -> heartbeat(user, owner, T0.plusNanos(j * 1000L)))
                .collect(Collectors.toList()));
          } else {
            store.heartbeats().store(heartbeat(user, owner, T0));
          }
        } catch (IllegalStateException refused) {
          return failures; // the call came after close()
        } catch (RuntimeException | Error e) {
          failures.add(e);
        }
        if (!counted) {
          running.countDown();
          counted = true;
        }
      }
      failures.add(new AssertionError("the store still served 100,000 calls after close()"));
      return failures;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    @DisplayName("opening and closing a store 30 times, with a call each time, leaves no threads behind")
    void noThreadsLeak() throws Exception {
      try (HeartbeatStore warmUp = openAnotherStore(b -> b)) {
        warmUp.heartbeats().last(newUserId(), newOwner()); // JVM-wide threads a driver starts once
      }
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      for (int i = 0; i < 30; i++) {
        try (HeartbeatStore cycle = openAnotherStore(b -> b)) {
          cycle.heartbeats().store(heartbeat(newUserId(), newOwner(), T0));
        }
      }
      List<String> left = List.of();
      // Threads end a little after close() returns; wait for them, but never ask for a garbage collection.
      for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15); System.nanoTime() < until; Thread.sleep(100)) {
        left = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && !before.contains(t))
            .map(Thread::getName)
            .sorted()
            .collect(Collectors.toList());
        if (left.size() <= 3) {
          break;
        }
      }
      // A few may be the JVM's own (a common-pool worker); a leak of one per store would be 30.
      assertThat(left).as("threads started since, still alive").hasSizeLessThanOrEqualTo(3);
    }
}
