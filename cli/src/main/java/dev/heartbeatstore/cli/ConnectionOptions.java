package dev.heartbeatstore.cli;

import dev.heartbeatstore.HeartbeatStoreConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Flags that override the environment's contract §3 settings. */
final class ConnectionOptions {

  @Option(names = "--backend", paramLabel = "NAME",
      description = "postgres, turso (libsql) or hedging; overrides HEARTBEAT_DB_BACKEND")
  String backend;

  @Option(names = "--database-url", paramLabel = "URL", description = "PostgreSQL URL; overrides DATABASE_URL")
  String databaseUrl;

  @Option(names = "--turso-url", paramLabel = "URL",
      description = "libsql://, https://, http:// or file: URL; overrides TURSO_DATABASE_URL")
  String tursoUrl;

  @Option(names = "--primary", paramLabel = "NAME",
      description = "postgres or turso: the source of truth; overrides HEARTBEAT_HEDGING_PRIMARY")
  String primary;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "per-operation deadline, e.g. 5s; overrides HEARTBEAT_DB_TIMEOUT")
  String timeout;

  /** The environment with the flags on top (a flag wins). The token stays in the environment only. */
  HeartbeatStoreConfig.Builder builder(Map<String, String> env) {
    Map<String, String> merged = new java.util.HashMap<>(env);
    put(merged, HeartbeatStoreConfig.BACKEND, backend);
    put(merged, HeartbeatStoreConfig.DATABASE_URL, databaseUrl);
    put(merged, HeartbeatStoreConfig.TURSO_DATABASE_URL, tursoUrl);
    put(merged, HeartbeatStoreConfig.HEDGING_PRIMARY, primary);
    put(merged, HeartbeatStoreConfig.TIMEOUT, timeout);
    return HeartbeatStoreConfig.builderFromEnvironment(merged);
  }

  /** The backends a config names: one, or both for hedging (primary first). */
  static List<String> sides(HeartbeatStoreConfig config) {
    List<String> sides = new ArrayList<>();
    if (HeartbeatStoreConfig.HEDGING.equals(config.backend())) {
      sides.add(config.hedgingPrimary());
      sides.add(config.hedgingSecondary());
    } else {
      sides.add(config.backend());
    }
    return sides;
  }

  static String describe(HeartbeatStoreConfig config, String side) {
    return side + " (" + dev.heartbeatstore.spi.Secrets.redactUrl(
        HeartbeatStoreConfig.POSTGRES.equals(side) ? config.databaseUrl() : config.tursoDatabaseUrl()) + ")";
  }

  private static void put(Map<String, String> env, String name, String value) {
    if (value != null) {
      env.put(name, value);
    }
  }
}
