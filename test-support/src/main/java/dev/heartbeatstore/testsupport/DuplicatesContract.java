package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: store of an id that already exists throws DuplicateRecordException and changes nothing.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class DuplicatesContract extends ContractTopic {

  DuplicatesContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @DisplayName("a heartbeat with an existing id, whatever its other fields, is refused; the original stays")
    void duplicateHeartbeat() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat original = heartbeat(user, owner, T0, "1.0.0");
      heartbeats().store(original);
      Heartbeat sameId = new Heartbeat(original.id(), owner, "6.6.6", !original.charging(), user, T0.plusSeconds(60));

      assertThatThrownBy(() -> heartbeats().store(sameId)).isInstanceOf(DuplicateRecordException.class);

      assertThat(all(user, owner)).containsExactly(original);
    }

    @Test
    @DisplayName("a heartbeat with an existing id is refused even for another user and owner")
    void duplicateHeartbeatElsewhere() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat original = heartbeat(user, owner, T0);
      heartbeats().store(original);
      String otherUser = newUserId();
      String otherOwner = newOwner();

      assertThatThrownBy(() -> heartbeats().store(withOwner(withUserId(original, otherUser), otherOwner)))
          .isInstanceOf(DuplicateRecordException.class);

      assertThat(all(otherUser, otherOwner)).isEmpty();
      assertThat(all(user, owner)).containsExactly(original);
    }

    @Test
    @DisplayName("a monitor with an existing id, whatever its other fields, is refused; the original stays")
    void duplicateMonitor() {
      String user = newUserId();
      String owner = newOwner();
      HeartbeatMonitor original = monitor(user, owner);
      monitors().store(original);
      HeartbeatMonitor sameId = new HeartbeatMonitor(original.id(), UUID.randomUUID(), user, "other-queue", owner,
          !original.phoneOnline(), T0.plusSeconds(5), T0.plusSeconds(6));

      assertThatThrownBy(() -> monitors().store(sameId)).isInstanceOf(DuplicateRecordException.class);

      assertThat(monitors().load(user, owner)).contains(original);
    }

    @Test
    @DisplayName("a monitor with an existing id is refused even for another user and owner")
    void duplicateMonitorElsewhere() {
      String user = newUserId();
      String owner = newOwner();
      HeartbeatMonitor original = monitor(user, owner);
      monitors().store(original);
      String otherUser = newUserId();
      String otherOwner = newOwner();

      assertThatThrownBy(() -> monitors().store(withOwner(withUserId(original, otherUser), otherOwner)))
          .isInstanceOf(DuplicateRecordException.class);

      assertThat(monitors().load(otherUser, otherOwner)).isEmpty();
      assertThat(monitors().exists(otherUser, original.id())).isFalse();
      assertThat(monitors().load(user, owner)).contains(original);
    }

    @Test
    @DisplayName("the store keeps working after a duplicate is refused")
    void usableAfterDuplicate() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat original = heartbeat(user, owner, T0);
      heartbeats().store(original);
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> heartbeats().store(original)).isInstanceOf(DuplicateRecordException.class);
      }
      Heartbeat next = heartbeat(user, owner, T0.plusSeconds(1));

      heartbeats().store(next);

      assertThat(all(user, owner)).containsExactly(next, original);
    }
}
