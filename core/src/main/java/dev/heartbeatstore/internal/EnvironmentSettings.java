package dev.heartbeatstore.internal;

import static dev.heartbeatstore.HeartbeatStoreConfig.BACKEND;
import static dev.heartbeatstore.HeartbeatStoreConfig.DATABASE_URL;
import static dev.heartbeatstore.HeartbeatStoreConfig.HEDGING_MODE;
import static dev.heartbeatstore.HeartbeatStoreConfig.HEDGING_PRIMARY;
import static dev.heartbeatstore.HeartbeatStoreConfig.HEDGING_QUEUE_SIZE;
import static dev.heartbeatstore.HeartbeatStoreConfig.HEDGING_SECONDARY_TIMEOUT;
import static dev.heartbeatstore.HeartbeatStoreConfig.HEDGING_VERIFY_READS;
import static dev.heartbeatstore.HeartbeatStoreConfig.MIGRATE;
import static dev.heartbeatstore.HeartbeatStoreConfig.POOL_SIZE;
import static dev.heartbeatstore.HeartbeatStoreConfig.TELEMETRY;
import static dev.heartbeatstore.HeartbeatStoreConfig.TIMEOUT;
import static dev.heartbeatstore.HeartbeatStoreConfig.TURSO_AUTH_TOKEN;
import static dev.heartbeatstore.HeartbeatStoreConfig.TURSO_DATABASE_URL;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the contract §3 variables into a {@link HeartbeatStoreConfig.Builder}: the body of
 * {@link HeartbeatStoreConfig#builderFromEnvironment(Map)}. Unset or blank variables keep their defaults.
 */
public final class EnvironmentSettings {

  private EnvironmentSettings() {}

  /**
   * A builder preset from {@code env}, the variables checked in a fixed order.
   *
   * @param env the variables, e.g. {@link System#getenv()}
   * @return the builder
   * @throws ConfigurationException naming the first bad variable
   */
  public static HeartbeatStoreConfig.Builder builder(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    HeartbeatStoreConfig.Builder b = HeartbeatStoreConfig.builder();
    String v;
    if ((v = get(env, BACKEND)) != null) {
      b.backend(v);
    }
    if ((v = get(env, DATABASE_URL)) != null) {
      b.databaseUrl(v);
    }
    if ((v = get(env, TURSO_DATABASE_URL)) != null) {
      b.tursoDatabaseUrl(v);
    }
    if ((v = get(env, TURSO_AUTH_TOKEN)) != null) {
      b.tursoAuthToken(v);
    }
    if ((v = get(env, HEDGING_PRIMARY)) != null) {
      b.hedgingPrimary(v);
    }
    if ((v = get(env, HEDGING_MODE)) != null) {
      b.hedgingMode(SettingValues.hedgingMode(v));
    }
    if ((v = get(env, HEDGING_SECONDARY_TIMEOUT)) != null) {
      b.hedgingSecondaryTimeout(SettingValues.duration(HEDGING_SECONDARY_TIMEOUT, v));
    }
    if ((v = get(env, HEDGING_QUEUE_SIZE)) != null) {
      b.hedgingQueueSize(SettingValues.wholeNumber(HEDGING_QUEUE_SIZE, v));
    }
    if ((v = get(env, HEDGING_VERIFY_READS)) != null) {
      b.hedgingVerifyReads(SettingValues.fraction(HEDGING_VERIFY_READS, v));
    }
    if ((v = get(env, TIMEOUT)) != null) {
      b.timeout(SettingValues.duration(TIMEOUT, v));
    }
    if ((v = get(env, MIGRATE)) != null) {
      b.migrate(SettingValues.bool(MIGRATE, v));
    }
    if ((v = get(env, POOL_SIZE)) != null) {
      b.poolSize(SettingValues.wholeNumber(POOL_SIZE, v));
    }
    if ((v = get(env, TELEMETRY)) != null) {
      b.telemetry(SettingValues.telemetry(TELEMETRY, v));
    }
    return b;
  }

  private static String get(Map<String, String> env, String name) {
    return SettingValues.blankToNull(env.get(name));
  }
}
