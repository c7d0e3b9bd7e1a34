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

  private static void length(String name, String value) {
    if (value.length() > MAX_TEXT) {
      throw new IllegalArgumentException(
          name + " must be at most " + MAX_TEXT + " characters, was " + value.length());
    }
  }

  static void uuid(String name, UUID value) {
    notNull(name, value);
  }

  static void instant(String name, Instant value) {
    notNull(name, value);
  }

  static void heartbeat(String name, Heartbeat h) {
    notNull(name, h);
    uuid(name + ".id", h.id());
    text(name + ".owner", h.owner());
    optionalText(name + ".version", h.version());
    text(name + ".userId", h.userId());
    instant(name + ".timestamp", h.timestamp());
  }

  static void monitor(String name, HeartbeatMonitor m) {
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
