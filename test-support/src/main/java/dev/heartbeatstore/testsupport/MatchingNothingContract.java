package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: Updates and deletes that match nothing succeed silently.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class MatchingNothingContract extends ContractTopic {

  MatchingNothingContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @DisplayName("updateQueueId of an unknown monitor id succeeds")
    void updateQueueIdUnknown() {
      UUID unknown = UUID.randomUUID();

      assertThatCode(() -> monitors().updateQueueId(unknown, "q")).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("updatePhoneOnline of an unknown monitor id succeeds and creates nothing")
    void updatePhoneOnlineUnknown() {
      String user = newUserId();
      UUID unknown = UUID.randomUUID();

      assertThatCode(() -> monitors().updatePhoneOnline(user, unknown, true)).doesNotThrowAnyException();

      assertThat(monitors().exists(user, unknown)).isFalse();
    }

    @Test
    @DisplayName("delete of an unknown user and owner succeeds")
    void deleteUnknown() {
      assertThatCode(() -> monitors().delete(newUserId(), newOwner())).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("deleteAllForUser of a user without rows succeeds, in both repositories")
    void deleteAllUnknown() {
      assertThatCode(() -> heartbeats().deleteAllForUser(newUserId())).doesNotThrowAnyException();
      assertThatCode(() -> monitors().deleteAllForUser(newUserId())).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("deleting twice succeeds the second time too")
    void deleteTwice() {
      String user = newUserId();
      String owner = newOwner();
      monitors().store(monitor(user, owner));
      heartbeats().store(heartbeat(user, owner, T0));

      monitors().delete(user, owner);
      heartbeats().deleteAllForUser(user);

      assertThatCode(() -> monitors().delete(user, owner)).doesNotThrowAnyException();
      assertThatCode(() -> monitors().deleteAllForUser(user)).doesNotThrowAnyException();
      assertThatCode(() -> heartbeats().deleteAllForUser(user)).doesNotThrowAnyException();
      assertThat(monitors().load(user, owner)).isEmpty();
      assertThat(heartbeats().last(user, owner)).isEmpty();
    }
}
