package dev.heartbeatstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Core's one wrapper, over a backend that only records what reaches it. */
@DisplayName("CheckedHeartbeatStore")
class CheckedHeartbeatStoreTest {

  private static final Instant T = Instant.parse("2026-11-29T12:00:00.123456Z");

  private final RecordingBackend backend = new RecordingBackend();
  private final CheckedHeartbeatStore store =
      new CheckedHeartbeatStore(backend, OperationTelemetry.create(OpenTelemetry.noop(), "test"));

  private static Heartbeat heartbeat(String owner) {
    return new Heartbeat(UUID.randomUUID(), owner, "1.0", false, "user", T);
  }

  @Nested
  @DisplayName("refuses before the backend sees anything")
  class BeforeAnyIo {

    @Test
    @DisplayName("a lone surrogate or NUL in any text field, naming the field")
    void invalidText() {
      assertThatThrownBy(() -> store.heartbeats().store(heartbeat("phone\uD800")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("heartbeat.owner");
      assertThatThrownBy(() -> store.heartbeats().last("user", "\uDC00"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("owner");
      assertThatThrownBy(() -> store.monitors().updateQueueId(UUID.randomUUID(), "q\u0000"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("queueId");
      assertThatThrownBy(() -> store.heartbeats().storeAll(List.of(heartbeat("a"), heartbeat("b\uD83D"))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("heartbeats[1].owner");
      assertThatThrownBy(() -> new IndexParams(0, 10, "1.\uD800"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("params.query");

      assertThat(backend.calls).isEmpty();
    }

    @Test
    @DisplayName("more than 10,000 heartbeats in one storeAll, naming heartbeats, without reading the elements")
    void tooBigABatch() {
      List<Heartbeat> tooMany = Collections.nCopies(10_001, null);

      assertThatThrownBy(() -> store.heartbeats().storeAll(tooMany))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("heartbeats must hold at most 10000");

      assertThat(backend.calls).isEmpty();
    }

    @Test
    @DisplayName("an empty storeAll is a no-op that reaches no backend")
    void emptyBatch() {
      store.heartbeats().storeAll(List.of());

      assertThat(backend.calls).isEmpty();
    }
  }

  @Test
  @DisplayName("passes 255 emoji (510 UTF-16 units), exactly 10,000 heartbeats, and a 255-emoji query")
  void codePointsAndTheLargestBatch() {
    List<Heartbeat> batch = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      batch.add(heartbeat("p"));
    }

    store.heartbeats().store(heartbeat("📱".repeat(255)));
    store.heartbeats().storeAll(batch);
    store.heartbeats().index("user", "phone", new IndexParams(0, 10, "🔋".repeat(255)));

    assertThat(backend.calls).containsExactly("store", "storeAll", "index");
  }

  @Nested
  @DisplayName("close()")
  class Close {

    @Test
    @DisplayName("is idempotent and refuses later calls with IllegalStateException")
    void refusesLaterCalls() {
      store.close();
      store.close();

      assertThat(backend.closed).isEqualTo(1);
      assertThatThrownBy(() -> store.heartbeats().last("user", "phone")).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> store.monitors().exists("user", UUID.randomUUID()))
          .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("turns whatever a torn-down backend throws at a call in flight into StoreUnavailableException")
    void callInFlight() throws Exception {
      for (RuntimeException teardown : List.of(new NullPointerException("resetConnectionState"),
          new RejectedExecutionException("executor shut down"), new IllegalStateException("client closed"))) {
        RecordingBackend inner = new RecordingBackend();
        CheckedHeartbeatStore closing = new CheckedHeartbeatStore(inner, OperationTelemetry.create(OpenTelemetry.noop(), "t"));
        inner.failWith = teardown;
        CompletableFuture<Void> call = CompletableFuture.runAsync(() -> closing.heartbeats().store(heartbeat("p")));
        assertThat(inner.entered.await(10, TimeUnit.SECONDS)).isTrue();

        closing.close();
        inner.release.countDown();

        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("heartbeats.store")
            .hasMessageContaining("closed")
            .hasCause(teardown);
      }
    }

    @Test
    @DisplayName("keeps the contract's own exception of a call in flight as it is")
    void contractExceptionKept() throws Exception {
      backend.failWith = new StoreTimeoutException("too slow");
      CompletableFuture<Void> call = CompletableFuture.runAsync(() -> store.heartbeats().store(heartbeat("p")));
      assertThat(backend.entered.await(10, TimeUnit.SECONDS)).isTrue();

      store.close();
      backend.release.countDown();

      assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).cause().isSameAs(backend.failWith);
    }

    @Test
    @DisplayName("leaves failures of an open store as they are")
    void openStoreUnchanged() {
      backend.failWith = new IllegalStateException("a bug, not a close");
      backend.release.countDown();

      assertThatThrownBy(() -> store.heartbeats().store(heartbeat("p"))).isSameAs(backend.failWith);
      assertThatCode(store::close).doesNotThrowAnyException();
    }
  }

  /** A backend that records each call; {@code store} can wait for a signal and then fail. */
  private static final class RecordingBackend implements HeartbeatStore {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile RuntimeException failWith;
    int closed;

    private <T> T call(String name, Supplier<T> result) {
      calls.add(name);
      return result.get();
    }

    @Override
    public HeartbeatRepository heartbeats() {
      return new HeartbeatRepository() {
        @Override
        public void store(Heartbeat heartbeat) {
          calls.add("store");
          if (failWith != null) {
            entered.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw failWith;
          }
        }

        @Override
        public void storeAll(List<Heartbeat> heartbeats) {
          calls.add("storeAll");
        }

        @Override
        public List<Heartbeat> index(String userId, String owner, IndexParams params) {
          return call("index", List::of);
        }

        @Override
        public Optional<Heartbeat> last(String userId, String owner) {
          return call("last", Optional::empty);
        }

        @Override
        public void deleteAllForUser(String userId) {
          calls.add("deleteAllForUser");
        }
      };
    }

    @Override
    public HeartbeatMonitorRepository monitors() {
      return new HeartbeatMonitorRepository() {
        @Override
        public void store(HeartbeatMonitor monitor) {
          calls.add("monitors.store");
        }

        @Override
        public Optional<HeartbeatMonitor> load(String userId, String owner) {
          return call("load", Optional::empty);
        }

        @Override
        public boolean exists(String userId, UUID monitorId) {
          return call("exists", () -> false);
        }

        @Override
        public void updateQueueId(UUID monitorId, String queueId) {
          calls.add("updateQueueId");
        }

        @Override
        public void delete(String userId, String owner) {
          calls.add("delete");
        }

        @Override
        public void updatePhoneOnline(String userId, UUID monitorId, boolean online) {
          calls.add("updatePhoneOnline");
        }

        @Override
        public void deleteAllForUser(String userId) {
          calls.add("monitors.deleteAllForUser");
        }
      };
    }

    @Override
    public String backendName() {
      return "test";
    }

    @Override
    public void close() {
      closed++;
    }
  }
}
