package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.heartbeatstore.Heartbeat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: storeAll takes at most 10,000 heartbeats.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class BatchLimitContract extends ContractTopic {

  BatchLimitContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @DisplayName("10,001 heartbeats are refused before any I/O, naming heartbeats; none is stored")
    void overTheLimit() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> batch = IntStream.range(0, 10_001)
          .mapToObj(i -> heartbeat(user, owner, T0.plusNanos(i * 1000L)))
          .collect(Collectors.toList());
      long recorded = recordedOperations("heartbeats", "BATCH store");

      Throwable thrown = catchThrowable(() -> heartbeats().storeAll(batch));

      assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
      assertThat(thrown.getMessage()).containsPattern("\\bheartbeats\\b").contains("10000");
      assertThat(recordedOperations("heartbeats", "BATCH store")).isEqualTo(recorded);
      assertThat(heartbeats().last(user, owner)).isEmpty();
    }

    // Exactly 10,000 is StoreAll.largestBatch.
}
