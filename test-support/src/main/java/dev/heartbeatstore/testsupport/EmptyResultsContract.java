package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.IndexParams;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: Reads that match nothing return empty results.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class EmptyResultsContract extends ContractTopic {

  EmptyResultsContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @DisplayName("index of an unknown user returns an empty list")
    void indexOfUnknownUser() {
      assertThat(heartbeats().index(newUserId(), newOwner(), IndexParams.first(20))).isNotNull().isEmpty();
    }

    @Test
    @DisplayName("index of a known user for an owner without heartbeats returns an empty list")
    void indexOfOtherOwner() {
      String user = newUserId();
      heartbeats().store(heartbeat(user, newOwner(), T0));

      assertThat(heartbeats().index(user, newOwner(), IndexParams.first(20))).isNotNull().isEmpty();
    }

    @Test
    @DisplayName("last returns Optional.empty() when there is no heartbeat")
    void lastIsEmpty() {
      String user = newUserId();
      String owner = newOwner();
      heartbeats().store(heartbeat(newUserId(), owner, T0));

      assertThat(heartbeats().last(user, owner)).isNotNull().isEmpty();
    }

    @Test
    @DisplayName("load returns Optional.empty() when there is no monitor")
    void loadIsEmpty() {
      String user = newUserId();
      String owner = newOwner();
      monitors().store(monitor(newUserId(), owner));

      assertThat(monitors().load(user, owner)).isNotNull().isEmpty();
    }

    @Test
    @DisplayName("exists is false for an unknown monitor id")
    void existsIsFalse() {
      assertThat(monitors().exists(newUserId(), UUID.randomUUID())).isFalse();
    }
}
