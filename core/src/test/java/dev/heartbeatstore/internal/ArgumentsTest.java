package dev.heartbeatstore.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The quick validity check of a list element finds exactly what the naming checks find, and names the element. */
class ArgumentsTest {

  private static final UUID ID = UUID.fromString("0b7e4d46-3a5c-4f0e-9a43-2b8f1c6d9e01");
  private static final Instant T = Instant.parse("2026-11-29T12:00:00.123456Z");

  static Stream<org.junit.jupiter.params.provider.Arguments> badHeartbeats() {
    return Stream.of(
        Arguments.of(null, "heartbeats[3] must not be null"),
        Arguments.of(new Heartbeat(null, "o", "v", true, "u", T), "heartbeats[3].id"),
        Arguments.of(new Heartbeat(ID, " ", "v", true, "u", T), "heartbeats[3].owner must not be blank"),
        Arguments.of(new Heartbeat(ID, "o", null, true, "u", T), "heartbeats[3].version"),
        Arguments.of(new Heartbeat(ID, "o", "v\u0000", true, "u", T), "heartbeats[3].version must not contain"),
        Arguments.of(new Heartbeat(ID, "o", "v", true, "u".repeat(256), T), "heartbeats[3].userId must be at most 255"),
        Arguments.of(new Heartbeat(ID, "o", "v", true, "u", null), "heartbeats[3].timestamp"),
        Arguments.of(new Heartbeat(ID, "o", "v", true, "u", Instant.parse("+300000-01-01T00:00:00Z")),
            "heartbeats[3].timestamp must be between"));
  }

  @ParameterizedTest
  @MethodSource("badHeartbeats")
  @DisplayName("a bad list element is named with its index and field")
  void namesTheElement(Heartbeat h, String message) {
    assertThatThrownBy(() -> dev.heartbeatstore.internal.Arguments.heartbeat("heartbeats", 3, h))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
  }

  @ParameterizedTest
  @MethodSource("badHeartbeats")
  @DisplayName("a single bad heartbeat is refused by the same checks")
  void singleIsRefused(Heartbeat h, String message) {
    String single = message.replace("heartbeats[3]", "heartbeat");
    assertThatThrownBy(() -> dev.heartbeatstore.internal.Arguments.heartbeat("heartbeat", h))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(single);
  }

  @ParameterizedTest
  @MethodSource("badMonitors")
  @DisplayName("a bad monitor is named with its field")
  void namesTheMonitorField(HeartbeatMonitor m, String field) {
    assertThatThrownBy(() -> dev.heartbeatstore.internal.Arguments.monitor("monitor", m))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("monitor." + field);
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> badMonitors() {
    return Stream.of(
        Arguments.of(new HeartbeatMonitor(null, ID, "u", "q", "o", true, T, T), "id"),
        Arguments.of(new HeartbeatMonitor(ID, null, "u", "q", "o", true, T, T), "phoneId"),
        Arguments.of(new HeartbeatMonitor(ID, ID, "", "q", "o", true, T, T), "userId"),
        Arguments.of(new HeartbeatMonitor(ID, ID, "u", null, "o", true, T, T), "queueId"),
        Arguments.of(new HeartbeatMonitor(ID, ID, "u", "q", "o\u0000", true, T, T), "owner"),
        Arguments.of(new HeartbeatMonitor(ID, ID, "u", "q", "o", true, null, T), "createdAt"),
        Arguments.of(new HeartbeatMonitor(ID, ID, "u", "q", "o", true, T, Instant.parse("-5000-01-01T00:00:00Z")),
            "updatedAt"));
  }

  @org.junit.jupiter.api.Test
  @DisplayName("valid values pass, including an empty version and queueId and the edges of the instant range")
  void validPasses() {
    assertThatCode(() -> dev.heartbeatstore.internal.Arguments.heartbeat("heartbeats", 0,
        new Heartbeat(ID, "o", "", false, "u", dev.heartbeatstore.internal.Arguments.MIN_INSTANT))).doesNotThrowAnyException();
    assertThatCode(() -> dev.heartbeatstore.internal.Arguments.monitor("monitor",
        new HeartbeatMonitor(ID, ID, "u", "", "o", false, T, dev.heartbeatstore.internal.Arguments.MAX_INSTANT)))
        .doesNotThrowAnyException();
  }
}
