package dev.heartbeatstore.migration;

import dev.heartbeatstore.HeartbeatStoreConfig;
import java.time.Duration;
import java.util.Locale;

/** Checks shared by the migration tools' builders. */
final class MigrationArguments {

  static final int MAX_BATCH = 10_000;
  static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofMinutes(5);
  static final Duration DEFAULT_SETTLE = Duration.ofMinutes(1);

  private MigrationArguments() {}

  static String backend(String parameter, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("libsql")) {
      v = HeartbeatStoreConfig.TURSO;
    }
    if (!v.equals(HeartbeatStoreConfig.POSTGRES) && !v.equals(HeartbeatStoreConfig.TURSO)) {
      throw new IllegalArgumentException(parameter + " must be postgres or turso, was '" + value + "'");
    }
    return v;
  }

  static int batchSize(int size) {
    if (size < 1 || size > MAX_BATCH) {
      throw new IllegalArgumentException("batchSize must be between 1 and " + MAX_BATCH + ", was " + size);
    }
    return size;
  }

  static long rate(long rowsPerSecond) {
    if (rowsPerSecond < 0) {
      throw new IllegalArgumentException("the rate must be 0 (no limit) or a number of rows per second, was "
          + rowsPerSecond);
    }
    return rowsPerSecond;
  }

  static Duration giveUpAfter(Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("give-up-after must be a duration of 0 or more, was " + d);
    }
    return d;
  }

  static Duration window(String name, Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be a duration of 0 or more, was " + d);
    }
    return d;
  }
}
