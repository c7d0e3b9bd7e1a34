package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.IndexParams;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: query is a literal substring of version; null or blank means no filter.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class QueryContract extends ContractTopic {

  QueryContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    private final String user = newUserId();
    private final String owner = newOwner();
    private final Heartbeat plain = heartbeat(user, owner, T0.plusSeconds(9), "1.0.0");
    private final Heartbeat percent = heartbeat(user, owner, T0.plusSeconds(8), "1.0%");
    private final Heartbeat underscore = heartbeat(user, owner, T0.plusSeconds(7), "1_0-beta");
    private final Heartbeat digits = heartbeat(user, owner, T0.plusSeconds(6), "100");
    private final Heartbeat backslash = heartbeat(user, owner, T0.plusSeconds(5), "build\\7");
    private final Heartbeat quote = heartbeat(user, owner, T0.plusSeconds(4), "it's 2.0");
    private final Heartbeat empty = heartbeat(user, owner, T0.plusSeconds(3), "");
    private final Heartbeat star = heartbeat(user, owner, T0.plusSeconds(2), "2.*");

    private List<Heartbeat> search(String query) {
      heartbeats().storeAll(List.of(plain, percent, underscore, digits, backslash, quote, empty, star));
      return heartbeats().index(user, owner, new IndexParams(0, 100, query));
    }

    @Test
    @DisplayName("a null query lists every heartbeat, including those with an empty version")
    void nullQuery() {
      assertThat(search(null)).containsExactly(plain, percent, underscore, digits, backslash, quote, empty, star);
    }

    @Test
    @DisplayName("an empty or blank query lists every heartbeat")
    void blankQuery() {
      List<Heartbeat> everything = search("");
      assertThat(everything).containsExactly(plain, percent, underscore, digits, backslash, quote, empty, star);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "   "))).isEqualTo(everything);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "\t"))).isEqualTo(everything);
    }

    @Test
    @DisplayName("a query matches anywhere in version")
    void substring() {
      assertThat(search("0.0")).containsExactly(plain);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1."))).containsExactly(plain, percent);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "beta"))).containsExactly(underscore);
    }

    @Test
    @DisplayName("% matches only a version that contains %")
    void percentIsLiteral() {
      assertThat(search("%")).containsExactly(percent);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1.0%"))).containsExactly(percent);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1%0"))).isEmpty();
    }

    @Test
    @DisplayName("_ matches only a version that contains _")
    void underscoreIsLiteral() {
      assertThat(search("_")).containsExactly(underscore);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1_0"))).containsExactly(underscore);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1_"))).containsExactly(underscore);
    }

    @Test
    @DisplayName("backslashes, quotes and * are matched literally too")
    void otherMetacharactersAreLiteral() {
      assertThat(search("\\")).containsExactly(backslash);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "d\\7"))).containsExactly(backslash);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "'"))).containsExactly(quote);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "*"))).containsExactly(star);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1.*"))).isEmpty();
    }

    @Test
    @DisplayName("matching is exact, case included, the same on every backend")
    void caseSensitive() {
      assertThat(search("beta")).containsExactly(underscore);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "BETA"))).isEmpty();
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "IT'S"))).isEmpty();
    }

    @Test
    @DisplayName("a query that matches nothing returns an empty list")
    void matchesNothing() {
      assertThat(search("9.9.9")).isEmpty();
    }

    @Test
    @DisplayName("skip and limit page through the matches, not through all heartbeats")
    void filterBeforePaging() {
      List<Heartbeat> matches = search("1");
      assertThat(matches).containsExactly(plain, percent, underscore, digits);

      assertThat(heartbeats().index(user, owner, new IndexParams(1, 2, "1"))).containsExactly(percent, underscore);
      assertThat(heartbeats().index(user, owner, new IndexParams(3, 10, "1"))).containsExactly(digits);
    }
}
