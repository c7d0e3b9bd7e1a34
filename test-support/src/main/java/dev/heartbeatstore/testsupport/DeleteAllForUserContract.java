package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: deleteAllForUser deletes one user's rows and nobody else's.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class DeleteAllForUserContract extends ContractTopic {

  DeleteAllForUserContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @DisplayName("heartbeats: every owner of the user is emptied; another user's heartbeats, same owner, stay")
    void heartbeatsScoped() {
      String user = newUserId();
      String other = newUserId();
      String owner = newOwner();
      String secondOwner = newOwner();
      heartbeats().storeAll(List.of(heartbeat(user, owner, T0), heartbeat(user, owner, T0.plusSeconds(1)),
          heartbeat(user, secondOwner, T0)));
      Heartbeat theirs = heartbeat(other, owner, T0);
      heartbeats().store(theirs);

      heartbeats().deleteAllForUser(user);

      assertThat(all(user, owner)).isEmpty();
      assertThat(all(user, secondOwner)).isEmpty();
      assertThat(heartbeats().last(user, owner)).isEmpty();
      assertThat(all(other, owner)).containsExactly(theirs);
    }

    @Test
    @DisplayName("monitors: every monitor of the user is deleted; another user's monitor, same owner, stays")
    void monitorsScoped() {
      String user = newUserId();
      String other = newUserId();
      String owner = newOwner();
      String secondOwner = newOwner();
      HeartbeatMonitor first = monitor(user, owner);
      HeartbeatMonitor second = monitor(user, secondOwner);
      HeartbeatMonitor theirs = monitor(other, owner);
      monitors().store(first);
      monitors().store(second);
      monitors().store(theirs);

      monitors().deleteAllForUser(user);

      assertThat(monitors().load(user, owner)).isEmpty();
      assertThat(monitors().load(user, secondOwner)).isEmpty();
      assertThat(monitors().exists(user, first.id())).isFalse();
      assertThat(monitors().exists(user, second.id())).isFalse();
      assertThat(monitors().load(other, owner)).contains(theirs);
      assertThat(monitors().exists(other, theirs.id())).isTrue();
    }

    @Test
    @DisplayName("each repository deletes only its own table: heartbeats' delete leaves monitors, and back")
    void repositoriesIndependent() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat h = heartbeat(user, owner, T0);
      HeartbeatMonitor m = monitor(user, owner);
      heartbeats().store(h);
      monitors().store(m);

      heartbeats().deleteAllForUser(user);
      assertThat(monitors().load(user, owner)).contains(m);

      heartbeats().store(heartbeat(user, owner, T0.plusSeconds(1)));
      monitors().deleteAllForUser(user);
      assertThat(heartbeats().last(user, owner)).isPresent();
    }

    @Test
    @DisplayName("a user id is matched exactly, not as a prefix or pattern")
    void exactMatch() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat longer = heartbeat(user + "x", owner, T0);
      HeartbeatMonitor longerMonitor = monitor(user + "x", owner);
      Heartbeat pattern = heartbeat("user%", owner, T0);
      heartbeats().store(longer);
      heartbeats().store(pattern);
      monitors().store(longerMonitor);

      heartbeats().deleteAllForUser(user);
      monitors().deleteAllForUser(user);
      heartbeats().deleteAllForUser("%");
      monitors().deleteAllForUser("%");

      assertThat(all(user + "x", owner)).containsExactly(longer);
      assertThat(all("user%", owner)).containsExactly(pattern);
      assertThat(monitors().load(user + "x", owner)).contains(longerMonitor);
      heartbeats().deleteAllForUser("user%");
    }
}
