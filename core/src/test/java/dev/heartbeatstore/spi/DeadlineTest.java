package dev.heartbeatstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.StoreTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Deadline (SPI for backends)")
class DeadlineTest {

  @Test
  @DisplayName("a null or negative budget is refused before anything, naming the parameter")
  void badBudget() {
    assertThatThrownBy(() -> Deadline.after(null)).isInstanceOf(NullPointerException.class).hasMessage("budget");
    assertThatThrownBy(() -> Deadline.after(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("budget");
  }

  @Test
  @DisplayName("a zero budget has expired at once, with nothing (never less) remaining")
  void zero() {
    Deadline d = Deadline.after(Duration.ZERO);
    assertThat(d.expired()).isTrue();
    assertThat(d.remaining()).isEqualTo(Duration.ZERO);
    assertThat(d.remainingNanos()).isNotPositive();
  }

  @Test
  @DisplayName("a long budget has not expired, keeps its budget, and ends after a shorter one made at the same time")
  void ordering() {
    Deadline hour = Deadline.after(Duration.ofHours(1));
    Deadline now = Deadline.after(Duration.ZERO);
    assertThat(hour.expired()).isFalse();
    assertThat(hour.budget()).isEqualTo(Duration.ofHours(1));
    assertThat(hour.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
    assertThat(hour.endsAfter(now)).isTrue();
    assertThat(now.endsAfter(hour)).isFalse();
    assertThat(hour.endNanosPlus(Duration.ofMillis(10)) - hour.endNanosPlus(Duration.ZERO))
        .isEqualTo(Duration.ofMillis(10).toNanos());
  }

  @Test
  @DisplayName("its timeout names the operation, the budget and what was going on")
  void timeout() {
    StoreTimeoutException e = Deadline.after(Duration.ofMillis(250)).timeout("heartbeats.store", "it was not sent");
    assertThat(e).hasMessage("heartbeats.store did not finish within its deadline of 250 ms (it was not sent)");
  }
}
