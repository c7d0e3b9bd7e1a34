package dev.heartbeatstore.migration;

import dev.heartbeatstore.HeartbeatStoreConfig;
import java.util.Locale;

/** Checks shared by the migration tools' builders. */
final class MigrationArguments {

  static final int MAX_BATCH = 10_000;

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
}
