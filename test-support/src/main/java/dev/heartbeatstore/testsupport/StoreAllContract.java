package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.IndexParams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract kit on one topic: storeAll is all-or-nothing.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class StoreAllContract extends ContractTopic {

  StoreAllContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @DisplayName("every heartbeat of a batch is stored, across users and owners")
    void storesEverything() {
      String user = newUserId();
      String owner = newOwner();
      String otherOwner = newOwner();
      String otherUser = newUserId();
      List<Heartbeat> mine = IntStream.range(0, 40)
          .mapToObj(i -> heartbeat(user, owner, T0.plusMillis(i)))
          .collect(Collectors.toList());
      Heartbeat mineElsewhere = heartbeat(user, otherOwner, T0);
      Heartbeat theirs = heartbeat(otherUser, owner, T0);
      List<Heartbeat> batch = new ArrayList<>(mine);
      batch.add(mineElsewhere);
      batch.add(theirs);

      heartbeats().storeAll(batch);

      assertThat(all(user, owner)).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(mine));
      assertThat(all(user, otherOwner)).containsExactly(mineElsewhere);
      assertThat(all(otherUser, owner)).containsExactly(theirs);
    }

    @Test
    @DisplayName("a batch holding an id that already exists throws DuplicateRecordException and stores none of it")
    void existingIdInBatch() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat existing = heartbeat(user, owner, T0);
      heartbeats().store(existing);
      List<Heartbeat> batch = List.of(
          heartbeat(user, owner, T0.plusSeconds(1)),
          heartbeat(user, owner, T0.plusSeconds(2)),
          withVersion(withTimestamp(existing, T0.plusSeconds(3)), "changed"),
          heartbeat(user, owner, T0.plusSeconds(4)));

      assertThatThrownBy(() -> heartbeats().storeAll(batch)).isInstanceOf(DuplicateRecordException.class);

      assertThat(all(user, owner)).containsExactly(existing);
    }

    @Test
    @DisplayName("a batch holding the same id twice throws DuplicateRecordException and stores none of it")
    void duplicateWithinBatch() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat first = heartbeat(user, owner, T0);
      List<Heartbeat> batch = List.of(
          first,
          heartbeat(user, owner, T0.plusSeconds(1)),
          withTimestamp(first, T0.plusSeconds(2)),
          heartbeat(user, owner, T0.plusSeconds(3)));

      assertThatThrownBy(() -> heartbeats().storeAll(batch)).isInstanceOf(DuplicateRecordException.class);

      assertThat(all(user, owner)).isEmpty();
      assertThat(heartbeats().last(user, owner)).isEmpty();
    }

    @Test
    @DisplayName("a batch with one invalid heartbeat is refused before any I/O: none of it is stored")
    void invalidElement() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> batch = List.of(
          heartbeat(user, owner, T0),
          heartbeat(user, owner, T0.plusSeconds(1)),
          heartbeat(user, " ", T0.plusSeconds(2)));

      assertThatThrownBy(() -> heartbeats().storeAll(batch)).isInstanceOf(IllegalArgumentException.class);

      assertThat(all(user, owner)).isEmpty();
    }

    @Test
    @DisplayName("an empty batch is a no-op that succeeds")
    void emptyBatch() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat existing = heartbeat(user, owner, T0);
      heartbeats().store(existing);

      assertThatCode(() -> heartbeats().storeAll(List.of())).doesNotThrowAnyException();
      assertThatCode(() -> heartbeats().storeAll(new ArrayList<>())).doesNotThrowAnyException();

      assertThat(all(user, owner)).containsExactly(existing);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("the largest batch, exactly 10,000 heartbeats (more than one statement's bind parameters allow), is stored whole")
    void largestBatch() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> batch = IntStream.range(0, 10_000)
          .mapToObj(i -> heartbeat(user, owner, T0.plusNanos(i * 1000L)))
          .collect(Collectors.toList());

      heartbeats().storeAll(batch);

      List<Heartbeat> expected = HeartbeatStoreContract.newestFirst(batch);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 1000, null)))
          .containsExactlyElementsOf(expected.subList(0, 1000));
      assertThat(heartbeats().index(user, owner, new IndexParams(9_500, 1000, null)))
          .containsExactlyElementsOf(expected.subList(9_500, 10_000));
      heartbeats().deleteAllForUser(user);
    }

    @Test
    @DisplayName("a batch of 1,000 heartbeats is stored whole")
    void largeBatch() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> batch = IntStream.range(0, 1000)
          .mapToObj(i -> heartbeat(user, owner, T0.plusNanos(i * 1000L)))
          .collect(Collectors.toList());

      heartbeats().storeAll(batch);

      assertThat(all(user, owner)).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(batch));
    }
}
