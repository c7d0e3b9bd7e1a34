package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.IndexParams;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract kit on one topic: Strings are valid Unicode text: a NUL or a lone surrogate is refused before any I/O, and lengths count characters (code points).
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class UnicodeTextContract extends ContractTopic {

  UnicodeTextContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    private final String user = newUserId();
    private final String owner = newOwner();
    /** 📱 is one character, two UTF-16 units: 255 of them are 510 units. */
    private final String longestEmoji = "📱".repeat(255);
    private final String tooManyEmoji = "📱".repeat(256);

    private DynamicTest refusedBeforeIo(String parameter, String what, String collection, String operation,
        ThrowingCallable call) {
      return dynamicTest(what + " is refused before any I/O, naming " + parameter, () -> {
        long recorded = recordedOperations(collection, operation);

        Throwable thrown = catchThrowable(call);

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage()).containsPattern("\\b" + Pattern.quote(parameter) + "\\b");
        assertThat(recordedOperations(collection, operation)).as("operations that reached the backend")
            .isEqualTo(recorded);
      });
    }

    @TestFactory
    @DisplayName("a lone surrogate or a NUL in any text")
    Stream<DynamicTest> invalidText() {
      Heartbeat h = heartbeat(user, owner, T0);
      HeartbeatMonitor m = monitor(user, owner);
      String hb = "heartbeats";
      String mon = "heartbeat_monitors";
      return Stream.of(
          refusedBeforeIo("owner", "an owner holding a lone high surrogate (U+D800)", hb, "store",
              () -> heartbeats().store(withOwner(h, "phone\uD800"))),
          refusedBeforeIo("owner", "an owner holding a lone low surrogate (U+DC00)", hb, "store",
              () -> heartbeats().store(withOwner(h, "\uDC00phone"))),
          refusedBeforeIo("userId", "a userId holding a surrogate pair the wrong way round", hb, "store",
              () -> heartbeats().store(withUserId(h, "u\uDCF1\uD83D"))),
          refusedBeforeIo("version", "a version ending in half an emoji", hb, "store",
              () -> heartbeats().store(withVersion(h, "1.0 \uD83D"))),
          refusedBeforeIo("version", "a version holding NUL", hb, "store",
              () -> heartbeats().store(withVersion(h, "1\u00000"))),
          refusedBeforeIo("owner", "storeAll of a heartbeat whose owner holds a lone surrogate", hb, "BATCH store",
              () -> heartbeats().storeAll(List.of(heartbeat(user, owner, T0), withOwner(h, "\uD800")))),
          refusedBeforeIo("owner", "index with an owner holding a lone surrogate", hb, "index",
              () -> heartbeats().index(user, "\uD800", IndexParams.first(1))),
          refusedBeforeIo("userId", "last with a userId holding NUL", hb, "last",
              () -> heartbeats().last("u\u0000", owner)),
          refusedBeforeIo("userId", "deleteAllForUser with a lone surrogate", hb, "deleteAllForUser",
              () -> heartbeats().deleteAllForUser("\uDBFF")),
          refusedBeforeIo("queueId", "a monitor whose queueId holds a lone surrogate", mon, "store",
              () -> monitors().store(withQueueId(m, "queue-\uD800"))),
          refusedBeforeIo("owner", "a monitor whose owner holds NUL", mon, "store",
              () -> monitors().store(withOwner(m, "\u0000"))),
          refusedBeforeIo("queueId", "updateQueueId with a lone surrogate", mon, "updateQueueId",
              () -> monitors().updateQueueId(m.id(), "\uDC00")),
          refusedBeforeIo("owner", "load with an owner holding a lone surrogate", mon, "load",
              () -> monitors().load(user, "\uD83D")),
          refusedBeforeIo("userId", "exists with a userId holding a lone surrogate", mon, "exists",
              () -> monitors().exists("\uD800", m.id())),
          refusedBeforeIo("query", "an index query holding a lone surrogate", hb, "index",
              () -> heartbeats().index(user, owner, new IndexParams(0, 10, "1.\uD800"))));
    }

    @Test
    @DisplayName("nothing of a refused heartbeat or monitor is stored (no driver got to replace the surrogate with '?')")
    void refusedLeavesNothing() {
      Heartbeat h = heartbeat(user, owner, T0, "1.0 \uD83D");
      HeartbeatMonitor m = withQueueId(monitor(user, owner), "q\uD800");

      assertThatThrownBy(() -> heartbeats().store(h)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> monitors().store(m)).isInstanceOf(IllegalArgumentException.class);

      assertThat(heartbeats().last(user, owner)).isEmpty();
      assertThat(monitors().exists(user, m.id())).isFalse();
    }

    @Test
    @DisplayName("255 emoji (510 UTF-16 units) are 255 characters: accepted in every text field and returned whole")
    void codePointsNotUnits() {
      String emojiUser = "📱".repeat(200) + UUID.randomUUID();
      String emojiOwner = "🔋".repeat(200) + UUID.randomUUID();
      Heartbeat h = new Heartbeat(UUID.randomUUID(), emojiOwner, longestEmoji, true, emojiUser, T0);
      HeartbeatMonitor m = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), emojiUser, longestEmoji,
          emojiOwner, true, T0, T0);

      heartbeats().store(h);
      monitors().store(m);

      assertThat(heartbeats().last(emojiUser, emojiOwner)).contains(h);
      assertThat(heartbeats().index(emojiUser, emojiOwner, new IndexParams(0, 10, longestEmoji))).containsExactly(h);
      assertThat(monitors().load(emojiUser, emojiOwner)).contains(m);
      monitors().updateQueueId(m.id(), longestEmoji.substring(2) + "🔋");
      assertThat(monitors().load(emojiUser, emojiOwner).orElseThrow().queueId()).isEqualTo(longestEmoji.substring(2) + "🔋");
    }

    @TestFactory
    @DisplayName("256 emoji are 256 characters: refused")
    Stream<DynamicTest> tooManyCharacters() {
      Heartbeat h = heartbeat(user, owner, T0);
      return Stream.of(
          refusedBeforeIo("version", "a version of 256 emoji", "heartbeats", "store",
              () -> heartbeats().store(withVersion(h, tooManyEmoji))),
          refusedBeforeIo("owner", "an owner of 256 emoji", "heartbeats", "store",
              () -> heartbeats().store(withOwner(h, tooManyEmoji))),
          refusedBeforeIo("queueId", "a queueId of 256 emoji", "heartbeat_monitors", "updateQueueId",
              () -> monitors().updateQueueId(UUID.randomUUID(), tooManyEmoji)),
          refusedBeforeIo("query", "a query of 256 emoji", "heartbeats", "index",
              () -> heartbeats().index(user, owner, new IndexParams(0, 10, tooManyEmoji))));
    }
}
