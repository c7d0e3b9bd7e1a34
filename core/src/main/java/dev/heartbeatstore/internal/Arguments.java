package dev.heartbeatstore.internal;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import java.time.Instant;
import java.util.UUID;

/**
 * The contract §2 argument checks, shared by every backend; each message names the parameter.
 *
 * <p>Text is checked as Unicode text, not as UTF-16 units: at most {@value #MAX_TEXT} code points (an
 * emoji is one character, though Java stores it in two {@code char}s), no NUL (PostgreSQL's {@code text}
 * cannot hold it) and no lone surrogate (half of a pair, which no database can store as UTF-8: pgjdbc
 * would silently write {@code ?} instead, sqlite a replacement character).
 */
public final class Arguments {

  static final int MAX_TEXT = 255;
  /** More heartbeats than this in one {@code storeAll}: refused (contract §2), whatever the backend could take. */
  static final int MAX_BATCH = 10_000;

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
    content(name, value);
  }

  /** Not null, may be empty, at most 255 characters: version, queueId and {@code IndexParams.query}. */
  public static void optionalText(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null (use an empty string)");
    }
    content(name, value);
  }

  /**
   * The oldest and newest instants every backend can store: from PostgreSQL's oldest {@code timestamptz}
   * (4713 BC) to the end of the last whole year libSQL's 64-bit microseconds since 1970 reach (294246).
   */
  static final Instant MIN_INSTANT = Instant.parse("-4712-01-01T00:00:00Z");
  static final Instant MAX_INSTANT = Instant.parse("+294246-12-31T23:59:59.999999Z");

  /** The naming form of {@link #validContent}: the first problem found, in the order of the text. */
  private static void content(String name, String value) {
    if (validContent(value)) {
      return;
    }
    int n = value.length();
    int codePoints = 0;
    for (int i = 0; i < n; i++, codePoints++) {
      char c = value.charAt(i);
      if (c == '\u0000') {
        // PostgreSQL text cannot hold NUL; refusing it everywhere keeps every backend alike.
        throw new IllegalArgumentException(name + " must not contain the NUL character (U+0000), found at index " + i);
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++; // a pair: one character
        } else {
          throw new IllegalArgumentException(name + " must be valid Unicode text, but holds a lone surrogate (U+"
              + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + ") at index " + i);
        }
      }
    }
    throw new IllegalArgumentException(
        name + " must be at most " + MAX_TEXT + " characters (code points), was " + codePoints);
  }

  /** Not null, at most {@value #MAX_BATCH} heartbeats; an empty list is allowed (a no-op). */
  static void batch(String name, java.util.List<?> list) {
    notNull(name, list);
    if (list.size() > MAX_BATCH) {
      throw new IllegalArgumentException(name + " must hold at most " + MAX_BATCH + " heartbeats per call, was "
          + list.size() + "; split the list");
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
    return value != null && !value.isBlank() && validContent(value);
  }

  private static boolean validOptionalText(String value) {
    return value != null && validContent(value);
  }

  /**
   * At most {@value #MAX_TEXT} code points, no NUL, no lone surrogate: one pass, no allocation. More than
   * twice {@value #MAX_TEXT} UTF-16 units cannot be {@value #MAX_TEXT} code points, so long text is refused
   * without reading it.
   */
  static boolean validContent(String value) {
    int n = value.length();
    if (n > 2 * MAX_TEXT) {
      return false;
    }
    int pairs = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == '\u0000') {
        return false;
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          pairs++;
        } else {
          return false;
        }
      }
    }
    return n - pairs <= MAX_TEXT;
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
