package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract kit on one topic: The store's own lifecycle.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class StoreLifecycleContract extends ContractTopic {

  StoreLifecycleContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @DisplayName("backendName() is the configured backend")
    void backendName() {
      assertThat(store().backendName()).isEqualTo(config().backend());
      assertThat(store().backendName()).isIn(HeartbeatStoreConfig.POSTGRES, HeartbeatStoreConfig.TURSO,
          HeartbeatStoreConfig.HEDGING);
    }

    @Test
    @DisplayName("a second store over the same database sees the first one's writes")
    void secondStoreSeesWrites() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat h = heartbeat(user, owner, T0);
      heartbeats().store(h);

      try (HeartbeatStore second = openAnotherStore(b -> b)) {
        assertThat(second.heartbeats().last(user, owner)).contains(h);
      }
    }

    @Test
    @DisplayName("close() can be called twice")
    void closeIsIdempotent() {
      HeartbeatStore second = openAnotherStore(b -> b);
      second.heartbeats().last(newUserId(), newOwner());

      assertThatCode(() -> {
        second.close();
        second.close();
      }).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("closing one store leaves another store over the same database working")
    void closeIsLocal() {
      String user = newUserId();
      String owner = newOwner();
      openAnotherStore(b -> b).close();

      Heartbeat h = heartbeat(user, owner, T0);
      heartbeats().store(h);

      assertThat(heartbeats().last(user, owner)).contains(h);
    }

    @Test
    @DisplayName("neither the store's toString nor an error's messages show a configured password or token")
    void noSecretsShown() {
      List<String> secrets = configuredSecrets();
      Assumptions.assumeFalse(secrets.isEmpty(), "this run's configuration holds no password or token");
      Heartbeat h = heartbeat(newUserId(), newOwner(), T0);
      heartbeats().store(h);
      Throwable duplicate = catchThrowable(() -> heartbeats().store(h));
      assertThat(duplicate).isInstanceOf(DuplicateRecordException.class);

      for (String secret : secrets) {
        assertThat(store().toString()).doesNotContain(secret);
        assertThat(config().toString()).doesNotContain(secret);
        for (Throwable t = duplicate; t != null; t = t.getCause()) {
          assertThat(String.valueOf(t)).doesNotContain(secret);
        }
      }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("past the deadline an operation throws StoreTimeoutException, and an atomic batch stores none of it")
    void deadline() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> batch = IntStream.range(0, 10_000)
          .mapToObj(i -> heartbeat(user, owner, T0.plusNanos(i * 1000L)))
          .collect(Collectors.toList());

      try (HeartbeatStore hurried = openAnotherStore(b -> b.timeout(Duration.ofMillis(1)))) {
        assertThatThrownBy(() -> hurried.heartbeats().storeAll(batch)).isInstanceOf(StoreTimeoutException.class);
      }

      assertThat(heartbeats().index(user, owner, IndexParams.first(10))).isEmpty();
    }
}
