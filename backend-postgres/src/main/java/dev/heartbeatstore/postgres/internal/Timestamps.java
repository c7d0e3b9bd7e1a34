package dev.heartbeatstore.postgres.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants to and from PostgreSQL {@code timestamptz}: always UTC, microsecond precision. */
final class Timestamps {

  private Timestamps() {}

  /** For {@code PreparedStatement.setObject}; core has already truncated to microseconds. */
  static OffsetDateTime toDatabase(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** Null for the {@code infinity} values pgjdbc maps to {@link OffsetDateTime#MAX}/{@code MIN}: no Instant means those. */
  static Instant fromDatabase(OffsetDateTime value) {
    if (value == null || OffsetDateTime.MAX.equals(value) || OffsetDateTime.MIN.equals(value)) {
      return null;
    }
    return value.toInstant();
  }

  /**
   * The {@code timestamptz} input text of {@code instant}, e.g. {@code 2026-11-23 12:54:22.123456+00},
   * for the bulk insert's {@code text → timestamptz[]} array. Years before 1 are written the
   * PostgreSQL way, with {@code BC}.
   */
  static String toText(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    int year = t.getYear();
    boolean bc = year <= 0;
    StringBuilder sb = new StringBuilder(40);
    pad(sb, bc ? 1 - year : year, 4).append('-');
    pad(sb, t.getMonthValue(), 2).append('-');
    pad(sb, t.getDayOfMonth(), 2).append(' ');
    pad(sb, t.getHour(), 2).append(':');
    pad(sb, t.getMinute(), 2).append(':');
    pad(sb, t.getSecond(), 2).append('.');
    pad(sb, t.getNano() / 1000, 6).append("+00");
    if (bc) {
      sb.append(" BC");
    }
    return sb.toString();
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    for (int limit = 10, digits = 1; digits < width; limit *= 10, digits++) {
      if (value < limit) {
        sb.append('0');
      }
    }
    return sb.append(value);
  }
}
