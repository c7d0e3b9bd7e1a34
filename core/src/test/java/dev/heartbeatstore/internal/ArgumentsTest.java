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
        Arguments.of(new Heartbeat(ID, "o\uD800", "v", true, "u", T), "heartbeats[3].owner must be valid Unicode text"),
        Arguments.of(new Heartbeat(ID, "o", "\uDC00v", true, "u", T), "heartbeats[3].version must be valid Unicode text"),
        Arguments.of(new Heartbeat(ID, "o", "v", true, "\uDE00\uD83D", T), "heartbeats[3].userId must be valid Unicode text"),
        Arguments.of(new Heartbeat(ID, "📱".repeat(256), "v", true, "u", T), "heartbeats[3].owner must be at most 255"),
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
        Arguments.of(new HeartbeatMonitor(ID, ID, "u", "q\uD83D", "o", true, T, T), "queueId"),
        Arguments.of(new HeartbeatMonitor(ID, ID, "u", "🔋".repeat(256), "o", true, T, T), "queueId"),
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

  static Stream<String> texts() {
    return Stream.of("", "a", " ", "x".repeat(255), "x".repeat(256), "x".repeat(511), "x".repeat(100_000),
        "📱".repeat(255), "📱".repeat(256), "📱".repeat(254) + "xy", "📱".repeat(254) + "x\uD83D",
        "a\u0000", "\u0000", "\uD800", "\uDFFF", "a\uD83Db", "\uDCF1\uD83D", "\uD83D\uDCF1", "é日本語\uFFFF",
        "\u0000".repeat(600), "x".repeat(300) + "\uD800", "\uD83D\uDCF1".repeat(200) + "\u0000");
  }

  @ParameterizedTest
  @MethodSource("texts")
  @DisplayName("the quick text check passes exactly the strings the naming check passes")
  void quickCheckAgreesWithNamingCheck(String text) {
    Throwable naming = org.assertj.core.api.Assertions.catchThrowable(
        () -> dev.heartbeatstore.internal.Arguments.optionalText("t", text));
    org.assertj.core.api.Assertions.assertThat(dev.heartbeatstore.internal.Arguments.validContent(text))
        .as("quick check of a %d-unit string; naming check threw %s", text.length(), naming)
        .isEqualTo(naming == null);
    if (naming != null) {
      org.assertj.core.api.Assertions.assertThat(naming).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("t must");
    }
  }

  @org.junit.jupiter.api.Test
  @DisplayName("length counts code points: 255 emoji are 255 characters, the 256th is refused and counted as one")
  void lengthCountsCodePoints() {
    assertThatCode(() -> dev.heartbeatstore.internal.Arguments.text("owner", "📱".repeat(255)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> dev.heartbeatstore.internal.Arguments.text("owner", "📱".repeat(256)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("owner must be at most 255 characters (code points), was 256");
  }

  @org.junit.jupiter.api.Test
  @DisplayName("a lone surrogate is named with its code and index")
  void loneSurrogateNamed() {
    assertThatThrownBy(() -> dev.heartbeatstore.internal.Arguments.text("owner", "ab\uD800c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("owner must be valid Unicode text, but holds a lone surrogate (U+D800) at index 2");
  }

  @org.junit.jupiter.api.Test
  @DisplayName("a batch holds at most 10,000 heartbeats; an empty one is allowed")
  void batchSize() {
    java.util.List<Heartbeat> max = java.util.Collections.nCopies(10_000, null);
    java.util.List<Heartbeat> tooMany = java.util.Collections.nCopies(10_001, null);

    assertThatCode(() -> dev.heartbeatstore.internal.Arguments.batch("heartbeats", max)).doesNotThrowAnyException();
    assertThatCode(() -> dev.heartbeatstore.internal.Arguments.batch("heartbeats", java.util.List.of()))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> dev.heartbeatstore.internal.Arguments.batch("heartbeats", tooMany))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("heartbeats must hold at most 10000 heartbeats per call, was 10001");
    assertThatThrownBy(() -> dev.heartbeatstore.internal.Arguments.batch("heartbeats", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("heartbeats must not be null");
  }
}
