package dev.heartbeatstore.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Retry: transient failures are tried again until the side has been unreachable too long")
class RetryTest {

  @Test
  @DisplayName("timeouts and unavailability are tried again, and the call's result comes back")
  void triesTransientFailuresAgain() {
    Retry retry = new Retry(Duration.ofMinutes(5));
    AtomicInteger calls = new AtomicInteger();

    String result = retry.call("turso", "read", () -> {
      int n = calls.incrementAndGet();
      if (n == 1) {
        throw new StoreTimeoutException("slow");
      }
      if (n == 2) {
        throw new StoreUnavailableException("refused");
      }
      return "rows";
    });

    assertThat(result).isEqualTo("rows");
    assertThat(calls).hasValue(3);
    assertThat(retry.retries()).isEqualTo(2);
  }

  @Test
  @DisplayName("other errors are thrown at once: waiting does not fix them")
  void otherErrorsAreNotRetried() {
    Retry retry = new Retry(Duration.ofMinutes(5));
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> retry.call("postgres", "read", () -> {
      calls.incrementAndGet();
      throw new ConfigurationException("bad URL");
    })).isInstanceOf(ConfigurationException.class);
    assertThat(calls).hasValue(1);
    assertThat(retry.retries()).isZero();
  }

  @Test
  @DisplayName("past the give-up time it fails naming the side, the call and the last error")
  void givesUp() {
    Retry retry = new Retry(Duration.ZERO);
    assertThatThrownBy(() -> retry.call("turso", "insert 10 heartbeats", () -> {
      throw new StoreUnavailableException("connection refused");
    })).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("turso has been unreachable for")
        .hasMessageContaining("insert 10 heartbeats")
        .hasMessageContaining("connection refused");
  }

  @Test
  @DisplayName("the backoff doubles from 100 ms, is capped at 5 s, and is jittered within its upper half")
  void backoff() {
    for (int i = 0; i < 100; i++) {
      assertThat(Retry.backoff(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(Retry.backoff(3)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
      assertThat(Retry.backoff(40)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
    }
  }
}
