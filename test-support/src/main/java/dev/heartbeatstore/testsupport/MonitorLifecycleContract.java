package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.HeartbeatMonitor;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: A monitor's lifecycle: store, load, exists, update, delete.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class MonitorLifecycleContract extends ContractTopic {

  MonitorLifecycleContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    private final String user = newUserId();
    private final String owner = newOwner();
    private final HeartbeatMonitor stored = monitor(user, owner);

    private HeartbeatMonitor loaded() {
      return monitors().load(user, owner).orElseThrow();
    }

    @Test
    @DisplayName("a stored monitor loads back equal, field for field")
    void storeAndLoad() {
      HeartbeatMonitor online = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "q-1", owner, true,
          T0, T0.plusSeconds(30));

      monitors().store(online);

      assertThat(monitors().load(user, owner)).contains(online);
    }

    @Test
    @DisplayName("exists is true for the owning user and false for any other user")
    void existsIsScopedByUser() {
      monitors().store(stored);

      assertThat(monitors().exists(user, stored.id())).isTrue();
      assertThat(monitors().exists(newUserId(), stored.id())).isFalse();
      assertThat(monitors().exists(user, stored.phoneId())).isFalse();
    }

    @Test
    @DisplayName("load is scoped by user: another user with the same owner sees nothing")
    void loadIsScopedByUser() {
      monitors().store(stored);

      assertThat(monitors().load(newUserId(), owner)).isEmpty();
    }

    @Test
    @DisplayName("updateQueueId sets the queue id and updatedAt = now, keeping createdAt and every other field")
    void updateQueueId() {
      monitors().store(stored);
      Instant now = Instant.parse("2025-02-03T04:05:06.789012Z");
      clock().set(now);

      monitors().updateQueueId(stored.id(), "queue-next");

      assertThat(loaded()).isEqualTo(new HeartbeatMonitor(stored.id(), stored.phoneId(), user, "queue-next", owner,
          stored.phoneOnline(), stored.createdAt(), now));
    }

    @Test
    @DisplayName("updateQueueId to an empty queue id is allowed")
    void updateQueueIdToEmpty() {
      monitors().store(stored);
      Instant now = Instant.parse("2025-02-03T04:05:07Z");
      clock().set(now);

      monitors().updateQueueId(stored.id(), "");

      assertThat(loaded().queueId()).isNotNull().isEmpty();
      assertThat(loaded().updatedAt()).isEqualTo(now);
    }

    @Test
    @DisplayName("updatePhoneOnline sets phoneOnline and updatedAt = now, keeping createdAt and every other field")
    void updatePhoneOnline() {
      monitors().store(stored);
      Instant wentOnline = Instant.parse("2025-03-01T08:00:00.000001Z");
      clock().set(wentOnline);

      monitors().updatePhoneOnline(user, stored.id(), true);

      assertThat(loaded()).isEqualTo(new HeartbeatMonitor(stored.id(), stored.phoneId(), user, stored.queueId(),
          owner, true, stored.createdAt(), wentOnline));

      Instant wentOffline = wentOnline.plusSeconds(90);
      clock().set(wentOffline);
      monitors().updatePhoneOnline(user, stored.id(), false);

      assertThat(loaded().phoneOnline()).isFalse();
      assertThat(loaded().updatedAt()).isEqualTo(wentOffline);
      assertThat(loaded().createdAt()).isEqualTo(stored.createdAt());
    }

    @Test
    @DisplayName("updatePhoneOnline with another user's id changes nothing, not even updatedAt")
    void updatePhoneOnlineIsScopedByUser() {
      monitors().store(stored);
      clock().set(Instant.parse("2025-04-01T00:00:00Z"));

      monitors().updatePhoneOnline(newUserId(), stored.id(), true);

      assertThat(loaded()).isEqualTo(stored);
    }

    @Test
    @DisplayName("updatedAt = now is the store's clock, truncated (not rounded) to the microsecond")
    void updatedAtIsTruncated() {
      monitors().store(stored);
      clock().set(Instant.parse("2025-05-05T05:05:05.999999999Z"));

      monitors().updatePhoneOnline(user, stored.id(), true);

      assertThat(loaded().updatedAt()).isEqualTo(Instant.parse("2025-05-05T05:05:05.999999Z"));
    }

    @Test
    @DisplayName("updates touch only the targeted monitor")
    void updatesAreTargeted() {
      HeartbeatMonitor sibling = monitor(user, newOwner());
      monitors().store(stored);
      monitors().store(sibling);
      clock().set(Instant.parse("2025-06-01T00:00:00Z"));

      monitors().updateQueueId(stored.id(), "only-me");
      monitors().updatePhoneOnline(user, stored.id(), true);

      assertThat(monitors().load(user, sibling.owner())).contains(sibling);
    }

    @Test
    @DisplayName("delete removes the user's monitor for that owner; load is empty and exists false afterwards")
    void delete() {
      HeartbeatMonitor sibling = monitor(user, newOwner());
      monitors().store(stored);
      monitors().store(sibling);

      monitors().delete(user, owner);

      assertThat(monitors().load(user, owner)).isEmpty();
      assertThat(monitors().exists(user, stored.id())).isFalse();
      assertThat(monitors().load(user, sibling.owner())).contains(sibling);
    }

    @Test
    @DisplayName("delete by another user with the same owner leaves the monitor")
    void deleteIsScopedByUser() {
      monitors().store(stored);

      monitors().delete(newUserId(), owner);

      assertThat(monitors().load(user, owner)).contains(stored);
    }

    @Test
    @DisplayName("the whole life: store, schedule, go online, go offline, delete, store again")
    void wholeLife() {
      Instant created = Instant.parse("2025-07-01T09:00:00.000100Z");
      HeartbeatMonitor fresh = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "", owner, false,
          created, created);
      monitors().store(fresh);
      assertThat(monitors().exists(user, fresh.id())).isTrue();

      Instant scheduled = Instant.parse("2025-07-01T09:00:01.000200Z");
      clock().set(scheduled);
      monitors().updateQueueId(fresh.id(), "job-1");
      assertThat(loaded()).isEqualTo(new HeartbeatMonitor(fresh.id(), fresh.phoneId(), user, "job-1", owner, false,
          created, scheduled));

      Instant online = clock().advance(Duration.ofMinutes(5));
      monitors().updatePhoneOnline(user, fresh.id(), true);
      assertThat(loaded()).isEqualTo(new HeartbeatMonitor(fresh.id(), fresh.phoneId(), user, "job-1", owner, true,
          created, online));

      monitors().delete(user, owner);
      assertThat(monitors().load(user, owner)).isEmpty();
      assertThat(monitors().exists(user, fresh.id())).isFalse();

      HeartbeatMonitor again = monitor(user, owner);
      monitors().store(again);
      assertThat(monitors().load(user, owner)).contains(again);
    }
}
