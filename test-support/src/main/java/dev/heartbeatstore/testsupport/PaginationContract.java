package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.IndexParams;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: index pages with skip and limit, without overlap or gap.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class PaginationContract extends ContractTopic {

  PaginationContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    private final String user = newUserId();
    private final String owner = newOwner();
    private List<Heartbeat> expected;

    /** 25 heartbeats, with runs of equal timestamps so that pages cut through ties. */
    private void store25() {
      List<Heartbeat> stored = IntStream.range(0, 25)
          .mapToObj(i -> heartbeat(user, owner, T0.plusSeconds(i / 3)))
          .collect(Collectors.toList());
      heartbeats().storeAll(shuffled(stored));
      expected = HeartbeatStoreContract.newestFirst(stored);
    }

    @Test
    @DisplayName("pages of 10 at skip 0, 10 and 20 are 10, 10 and 5 rows that together are the whole list")
    void pagesCoverEverythingOnce() {
      store25();

      List<Heartbeat> page1 = heartbeats().index(user, owner, new IndexParams(0, 10, null));
      List<Heartbeat> page2 = heartbeats().index(user, owner, new IndexParams(10, 10, null));
      List<Heartbeat> page3 = heartbeats().index(user, owner, new IndexParams(20, 10, null));

      assertThat(page1).hasSize(10);
      assertThat(page2).hasSize(10);
      assertThat(page3).hasSize(5);
      List<Heartbeat> joined = new ArrayList<>(page1);
      joined.addAll(page2);
      joined.addAll(page3);
      assertThat(joined).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("pages of 7 (cutting through equal timestamps) add up to the whole list")
    void oddPages() {
      store25();

      List<Heartbeat> joined = new ArrayList<>();
      for (int skip = 0; skip < 25; skip += 7) {
        joined.addAll(heartbeats().index(user, owner, new IndexParams(skip, 7, "")));
      }

      assertThat(joined).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("limit 1 returns only the newest; limit 1000 returns all")
    void limitBounds() {
      store25();

      assertThat(heartbeats().index(user, owner, new IndexParams(0, 1, null))).containsExactly(expected.get(0));
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 1000, null))).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("skip at or past the end returns an empty list")
    void skipPastTheEnd() {
      store25();

      assertThat(heartbeats().index(user, owner, new IndexParams(24, 10, null))).containsExactly(expected.get(24));
      assertThat(heartbeats().index(user, owner, new IndexParams(25, 10, null))).isEmpty();
      assertThat(heartbeats().index(user, owner, new IndexParams(1000, 10, null))).isEmpty();
    }
}
