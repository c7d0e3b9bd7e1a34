package dev.heartbeatstore.internal;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import java.time.Instant;
import java.util.UUID;

/** The SPEC §2 argument checks, shared by every backend; each message names the parameter. */
final class Arguments {

  static final int MAX_TEXT = 255;

  private Arguments() {}

  static void notNull(String name, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
  }

  /** Not null, not blank, at most 255 characters: ids and owners. */
  static void text(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    length(name, value);
  }

  /** Not null, may be empty, at most 255 characters: version and queueId. */
  static void optionalText(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null (use an empty string)");
    }
    length(name, value);
  }

  /**
   * The oldest and newest instants every backend can store: from PostgreSQL's oldest {@code timestamptz}
   * (4713 BC) to the end of the last whole year libSQL's 64-bit microseconds since 1970 reach (294246).
   */
  static final Instant MIN_INSTANT = Instant.parse("-4712-01-01T00:00:00Z");
  static final Instant MAX_INSTANT = Instant.parse("+294246-12-31T23:59:59.999999Z");

  private static void length(String name, String value) {
    if (value.length() > MAX_TEXT) {
      throw new IllegalArgumentException(
          name + " must be at most " + MAX_TEXT + " characters, was " + value.length());
    }
    // PostgreSQL text cannot hold NUL; refusing it everywhere keeps every backend alike.
    if (value.indexOf('\u0000') >= 0) {
      throw new IllegalArgumentException(name + " must not contain the NUL character (U+0000)");
    }
  }

  static void uuid(String name, UUID value) {
    notNull(name, value);
  }

  static void instant(String name, Instant value) {
    notNull(name, value);
    if (value.isBefore(MIN_INSTANT) || value.isAfter(MAX_INSTANT)) {
      throw new IllegalArgumentException(name + " must be between " + MIN_INSTANT + " and " + MAX_INSTANT
          + ", was " + value);
    }
  }

  /** The checks of {@link #heartbeat(String, Heartbeat)} for element {@code index} of a list named {@code listName}. */
  static void heartbeat(String listName, int index, Heartbeat h) {
    if (!valid(h)) {
      heartbeat(listName + "[" + index + "]", h); // names the problem; built only when there is one
    }
  }

  // The same checks as the naming methods, without building a parameter name: the hot path of every call.

  private static boolean valid(Heartbeat h) {
    return h != null && h.id() != null && validText(h.owner()) && validOptionalText(h.version())
        && validText(h.userId()) && validInstant(h.timestamp());
  }

  private static boolean valid(HeartbeatMonitor m) {
    return m != null && m.id() != null && m.phoneId() != null && validText(m.userId())
        && validOptionalText(m.queueId()) && validText(m.owner()) && validInstant(m.createdAt())
        && validInstant(m.updatedAt());
  }

  private static boolean validText(String value) {
    return value != null && !value.isBlank() && validLength(value);
  }

  private static boolean validOptionalText(String value) {
    return value != null && validLength(value);
  }

  private static boolean validLength(String value) {
    return value.length() <= MAX_TEXT && value.indexOf('\u0000') < 0;
  }

  private static boolean validInstant(Instant value) {
    return value != null && !value.isBefore(MIN_INSTANT) && !value.isAfter(MAX_INSTANT);
  }

  static void heartbeat(String name, Heartbeat h) {
    if (valid(h)) {
      return;
    }
    notNull(name, h);
    uuid(name + ".id", h.id());
    text(name + ".owner", h.owner());
    optionalText(name + ".version", h.version());
    text(name + ".userId", h.userId());
    instant(name + ".timestamp", h.timestamp());
  }

  static void monitor(String name, HeartbeatMonitor m) {
    if (valid(m)) {
      return;
    }
    notNull(name, m);
    uuid(name + ".id", m.id());
    uuid(name + ".phoneId", m.phoneId());
    text(name + ".userId", m.userId());
    optionalText(name + ".queueId", m.queueId());
    text(name + ".owner", m.owner());
    instant(name + ".createdAt", m.createdAt());
    instant(name + ".updatedAt", m.updatedAt());
  }
}
