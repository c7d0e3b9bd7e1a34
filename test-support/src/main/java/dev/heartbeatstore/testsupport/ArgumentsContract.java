package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.IndexParams;
import java.time.Instant;
import java.util.Arrays;
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
 * The contract kit on one topic: Bad arguments throw IllegalArgumentException naming the parameter, before any I/O.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class ArgumentsContract extends ContractTopic {

  ArgumentsContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    private final String user = newUserId();
    private final String owner = newOwner();
    private final String tooLong = "x".repeat(256);
    private final String longest = "y".repeat(255);

    private DynamicTest rejects(String parameter, String what, ThrowingCallable call) {
      return dynamicTest(what + " is refused, naming " + parameter, () -> {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage()).containsPattern("\\b" + Pattern.quote(parameter) + "\\b");
      });
    }

    private Heartbeat valid() {
      return heartbeat(user, owner, T0);
    }

    private HeartbeatMonitor validMonitor() {
      return monitor(user, owner);
    }

    @TestFactory
    @DisplayName("HeartbeatRepository refuses")
    Stream<DynamicTest> heartbeatRepository() {
      Heartbeat h = valid();
      return Stream.of(
          rejects("heartbeat", "store(null)", () -> heartbeats().store(null)),
          rejects("id", "a null id", () -> heartbeats().store(withId(h, null))),
          rejects("owner", "a null owner", () -> heartbeats().store(withOwner(h, null))),
          rejects("owner", "an empty owner", () -> heartbeats().store(withOwner(h, ""))),
          rejects("owner", "a blank owner", () -> heartbeats().store(withOwner(h, " \t "))),
          rejects("owner", "a 256-character owner", () -> heartbeats().store(withOwner(h, tooLong))),
          rejects("userId", "a null userId", () -> heartbeats().store(withUserId(h, null))),
          rejects("userId", "a blank userId", () -> heartbeats().store(withUserId(h, "  "))),
          rejects("userId", "a 256-character userId", () -> heartbeats().store(withUserId(h, tooLong))),
          rejects("version", "a null version", () -> heartbeats().store(withVersion(h, null))),
          rejects("version", "a 256-character version", () -> heartbeats().store(withVersion(h, tooLong))),
          rejects("timestamp", "a null timestamp", () -> heartbeats().store(withTimestamp(h, null))),
          rejects("timestamp", "a timestamp before 4713 BC",
              () -> heartbeats().store(withTimestamp(h, Instant.parse("-5000-01-01T00:00:00Z")))),
          rejects("timestamp", "a timestamp after the year 294246",
              () -> heartbeats().store(withTimestamp(h, Instant.MAX))),
          rejects("owner", "an owner holding NUL", () -> heartbeats().store(withOwner(h, "a\u0000b"))),
          rejects("version", "a version holding NUL", () -> heartbeats().store(withVersion(h, "1\u0000"))),
          rejects("userId", "a userId holding NUL", () -> heartbeats().store(withUserId(h, "\u0000"))),
          rejects("heartbeats", "storeAll(null)", () -> heartbeats().storeAll(null)),
          rejects("heartbeats", "storeAll of a list holding null",
              () -> heartbeats().storeAll(Arrays.asList(valid(), null))),
          rejects("owner", "storeAll of a heartbeat with a blank owner",
              () -> heartbeats().storeAll(List.of(valid(), withOwner(valid(), "")))),
          rejects("userId", "index with a null userId", () -> heartbeats().index(null, owner, IndexParams.first(1))),
          rejects("userId", "index with a blank userId", () -> heartbeats().index(" ", owner, IndexParams.first(1))),
          rejects("owner", "index with a null owner", () -> heartbeats().index(user, null, IndexParams.first(1))),
          rejects("owner", "index with a blank owner", () -> heartbeats().index(user, "", IndexParams.first(1))),
          rejects("owner", "index with a 256-character owner",
              () -> heartbeats().index(user, tooLong, IndexParams.first(1))),
          rejects("params", "index with null params", () -> heartbeats().index(user, owner, null)),
          rejects("userId", "last with a null userId", () -> heartbeats().last(null, owner)),
          rejects("userId", "last with a blank userId", () -> heartbeats().last("\n", owner)),
          rejects("owner", "last with a null owner", () -> heartbeats().last(user, null)),
          rejects("owner", "last with a blank owner", () -> heartbeats().last(user, " ")),
          rejects("userId", "deleteAllForUser(null)", () -> heartbeats().deleteAllForUser(null)),
          rejects("userId", "deleteAllForUser(\"\")", () -> heartbeats().deleteAllForUser("")),
          rejects("userId", "deleteAllForUser of 256 characters", () -> heartbeats().deleteAllForUser(tooLong)));
    }

    @TestFactory
    @DisplayName("IndexParams refuses")
    Stream<DynamicTest> indexParams() {
      return Stream.of(
          rejects("skip", "skip -1", () -> new IndexParams(-1, 10, null)),
          rejects("limit", "limit 0", () -> new IndexParams(0, 0, null)),
          rejects("limit", "limit -5", () -> new IndexParams(0, -5, null)),
          rejects("limit", "limit 1001", () -> new IndexParams(0, 1001, null)),
          rejects("query", "a 256-character query", () -> new IndexParams(0, 10, tooLong)),
          rejects("query", "a query holding NUL", () -> new IndexParams(0, 10, "a\u0000")));
    }

    @TestFactory
    @DisplayName("HeartbeatMonitorRepository refuses")
    Stream<DynamicTest> monitorRepository() {
      HeartbeatMonitor m = validMonitor();
      UUID id = m.id();
      return Stream.of(
          rejects("monitor", "store(null)", () -> monitors().store(null)),
          rejects("id", "a null id", () -> monitors().store(withId(m, null))),
          rejects("phoneId", "a null phoneId", () -> monitors().store(withPhoneId(m, null))),
          rejects("userId", "a null userId", () -> monitors().store(withUserId(m, null))),
          rejects("userId", "a blank userId", () -> monitors().store(withUserId(m, " "))),
          rejects("userId", "a 256-character userId", () -> monitors().store(withUserId(m, tooLong))),
          rejects("owner", "a null owner", () -> monitors().store(withOwner(m, null))),
          rejects("owner", "a blank owner", () -> monitors().store(withOwner(m, ""))),
          rejects("owner", "a 256-character owner", () -> monitors().store(withOwner(m, tooLong))),
          rejects("queueId", "a null queueId", () -> monitors().store(withQueueId(m, null))),
          rejects("queueId", "a 256-character queueId", () -> monitors().store(withQueueId(m, tooLong))),
          rejects("createdAt", "a null createdAt", () -> monitors().store(withInstants(m, null, T0))),
          rejects("updatedAt", "a null updatedAt", () -> monitors().store(withInstants(m, T0, null))),
          rejects("userId", "load with a null userId", () -> monitors().load(null, owner)),
          rejects("userId", "load with a blank userId", () -> monitors().load(" ", owner)),
          rejects("owner", "load with a null owner", () -> monitors().load(user, null)),
          rejects("owner", "load with a blank owner", () -> monitors().load(user, "\t")),
          rejects("userId", "exists with a null userId", () -> monitors().exists(null, id)),
          rejects("userId", "exists with a blank userId", () -> monitors().exists("", id)),
          rejects("monitorId", "exists with a null monitorId", () -> monitors().exists(user, null)),
          rejects("monitorId", "updateQueueId with a null monitorId", () -> monitors().updateQueueId(null, "q")),
          rejects("queueId", "updateQueueId with a null queueId", () -> monitors().updateQueueId(id, null)),
          rejects("queueId", "updateQueueId with a 256-character queueId",
              () -> monitors().updateQueueId(id, tooLong)),
          rejects("userId", "delete with a null userId", () -> monitors().delete(null, owner)),
          rejects("userId", "delete with a blank userId", () -> monitors().delete("  ", owner)),
          rejects("owner", "delete with a null owner", () -> monitors().delete(user, null)),
          rejects("owner", "delete with a blank owner", () -> monitors().delete(user, "")),
          rejects("userId", "updatePhoneOnline with a null userId", () -> monitors().updatePhoneOnline(null, id, true)),
          rejects("userId", "updatePhoneOnline with a blank userId", () -> monitors().updatePhoneOnline(" ", id, true)),
          rejects("monitorId", "updatePhoneOnline with a null monitorId",
              () -> monitors().updatePhoneOnline(user, null, true)),
          rejects("userId", "deleteAllForUser(null)", () -> monitors().deleteAllForUser(null)),
          rejects("userId", "deleteAllForUser(\" \")", () -> monitors().deleteAllForUser(" ")));
    }

    @Test
    @DisplayName("a refused heartbeat leaves nothing behind")
    void refusedHeartbeatIsNotStored() {
      assertThatThrownBy(() -> heartbeats().store(withVersion(valid(), tooLong)))
          .isInstanceOf(IllegalArgumentException.class);

      assertThat(heartbeats().last(user, owner)).isEmpty();
    }

    @Test
    @DisplayName("a refused monitor leaves nothing behind")
    void refusedMonitorIsNotStored() {
      HeartbeatMonitor m = withQueueId(validMonitor(), tooLong);
      assertThatThrownBy(() -> monitors().store(m)).isInstanceOf(IllegalArgumentException.class);

      assertThat(monitors().load(user, owner)).isEmpty();
      assertThat(monitors().exists(user, m.id())).isFalse();
    }

    @Test
    @DisplayName("a refused queueId update changes nothing")
    void refusedUpdateChangesNothing() {
      HeartbeatMonitor m = validMonitor();
      monitors().store(m);

      assertThatThrownBy(() -> monitors().updateQueueId(m.id(), tooLong)).isInstanceOf(IllegalArgumentException.class);

      assertThat(monitors().load(user, owner)).contains(m);
    }

    @Test
    @DisplayName("255-character strings are accepted and come back whole")
    void longestStringsAccepted() {
      String longUser = "u".repeat(250) + UUID.randomUUID().toString().substring(0, 5);
      String longOwner = "o".repeat(250) + UUID.randomUUID().toString().substring(0, 5);
      Heartbeat h = new Heartbeat(UUID.randomUUID(), longOwner, longest, true, longUser, T0);
      HeartbeatMonitor m = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), longUser, longest, longOwner,
          true, T0, T0);

      heartbeats().store(h);
      monitors().store(m);

      assertThat(heartbeats().last(longUser, longOwner)).contains(h);
      assertThat(heartbeats().index(longUser, longOwner, new IndexParams(0, 10, longest))).containsExactly(h);
      assertThat(monitors().load(longUser, longOwner)).contains(m);
    }

    @Test
    @DisplayName("an empty version and an empty queueId are accepted and come back empty, not null")
    void emptyVersionAndQueueIdAccepted() {
      Heartbeat h = withVersion(valid(), "");
      HeartbeatMonitor m = withQueueId(validMonitor(), "");

      heartbeats().store(h);
      monitors().store(m);

      assertThat(heartbeats().last(user, owner)).contains(h);
      assertThat(heartbeats().last(user, owner).orElseThrow().version()).isEmpty();
      assertThat(monitors().load(user, owner)).contains(m);
      assertThat(monitors().load(user, owner).orElseThrow().queueId()).isNotNull().isEmpty();
    }
}
