package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: index and last order by timestamp descending, then id descending.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class OrderingContract extends ContractTopic {

  OrderingContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @DisplayName("heartbeats stored in any order are listed newest first")
    void newestFirst() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> stored = IntStream.range(0, 12)
          .mapToObj(i -> heartbeat(user, owner, T0.plus(Duration.ofMinutes(i * 7L).plusNanos(i * 1000L))))
          .collect(Collectors.toList());
      shuffled(stored).forEach(heartbeats()::store);

      assertThat(all(user, owner)).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(stored));
    }

    @Test
    @DisplayName("heartbeats one microsecond apart are ordered by that microsecond")
    void microsecondApart() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat earlier = withId(heartbeat(user, owner, T0), idStartingWith('f'));
      Heartbeat later = withId(heartbeat(user, owner, T0.plusNanos(1000)), idStartingWith('0'));
      heartbeats().store(earlier);
      heartbeats().store(later);

      assertThat(all(user, owner)).containsExactly(later, earlier);
      assertThat(heartbeats().last(user, owner)).contains(later);
    }

    @Test
    @DisplayName("a whole second sorts correctly against the fractions around it")
    void wholeSecondsAgainstFractions() {
      String user = newUserId();
      String owner = newOwner();
      Instant second = Instant.parse("2024-05-01T10:00:00Z");
      List<Heartbeat> stored = List.of(
          heartbeat(user, owner, second.minusNanos(1000)),
          heartbeat(user, owner, second),
          heartbeat(user, owner, second.plusNanos(1000)),
          heartbeat(user, owner, second.plusMillis(500)),
          heartbeat(user, owner, second.plusSeconds(1)));
      shuffled(stored).forEach(heartbeats()::store);

      assertThat(all(user, owner)).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(stored));
    }

    @Test
    @DisplayName("equal timestamps are ordered by id descending, as the canonical UUID text sorts")
    void tiesByIdDescending() {
      String user = newUserId();
      String owner = newOwner();
      // Ids on both sides of the sign bit: a signed comparison (java.util.UUID#compareTo) would put 8… and f… last.
      List<Heartbeat> stored = new ArrayList<>();
      for (char c : "0378af".toCharArray()) {
        stored.add(withId(heartbeat(user, owner, T0), idStartingWith(c)));
      }
      Heartbeat older = withId(heartbeat(user, owner, T0.minusSeconds(1)), idStartingWith('f'));
      stored.add(older);
      shuffled(stored).forEach(heartbeats()::store);

      List<Heartbeat> listed = all(user, owner);

      assertThat(listed).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(stored));
      assertThat(listed.get(0).id().toString()).startsWith("f");
      assertThat(listed.get(listed.size() - 1)).isEqualTo(older);
    }

    @Test
    @DisplayName("last returns the first heartbeat index would list, ties included")
    void lastIsTheFirstOfIndex() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat tieLow = withId(heartbeat(user, owner, T0), idStartingWith('7'));
      Heartbeat tieHigh = withId(heartbeat(user, owner, T0), idStartingWith('9'));
      Heartbeat older = heartbeat(user, owner, T0.minusMillis(1));
      heartbeats().store(tieHigh);
      heartbeats().store(older);
      heartbeats().store(tieLow);

      assertThat(heartbeats().last(user, owner)).contains(tieHigh);
      assertThat(all(user, owner).get(0)).isEqualTo(tieHigh);
    }

    @Test
    @DisplayName("index and last see only the given user's heartbeats for the given owner")
    void scopedToUserAndOwner() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat mine = heartbeat(user, owner, T0);
      heartbeats().store(mine);
      heartbeats().store(heartbeat(user, newOwner(), T0.plusSeconds(10)));
      heartbeats().store(heartbeat(newUserId(), owner, T0.plusSeconds(20)));

      assertThat(all(user, owner)).containsExactly(mine);
      assertThat(heartbeats().last(user, owner)).contains(mine);
    }
}
