package dev.heartbeatstore.spring;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * {@code heartbeat.store.*} over the contract §3 variables: starts from
 * {@link HeartbeatStoreConfig#builderFromEnvironment(Map)} and lets every property that is set override its
 * variable. A bad value fails with the library's {@link ConfigurationException}, its message naming the
 * property (or, for a value that came from the environment, the variable).
 */
final class PropertiesConfig {

  /** Each contract §3 variable and the property that overrides it. */
  static final Map<String, String> PROPERTY_OF_VARIABLE = propertyOfVariable();

  private PropertiesConfig() {}

  private static Map<String, String> propertyOfVariable() {
    String p = HeartbeatStoreProperties.PREFIX + '.';
    Map<String, String> m = new LinkedHashMap<>();
    m.put(HeartbeatStoreConfig.BACKEND, p + "backend");
    m.put(HeartbeatStoreConfig.DATABASE_URL, p + "database-url");
    m.put(HeartbeatStoreConfig.TURSO_DATABASE_URL, p + "turso.database-url");
    m.put(HeartbeatStoreConfig.TURSO_AUTH_TOKEN, p + "turso.auth-token");
    m.put(HeartbeatStoreConfig.HEDGING_PRIMARY, p + "hedging.primary");
    m.put(HeartbeatStoreConfig.HEDGING_MODE, p + "hedging.mode");
    m.put(HeartbeatStoreConfig.HEDGING_SECONDARY_TIMEOUT, p + "hedging.secondary-timeout");
    m.put(HeartbeatStoreConfig.HEDGING_QUEUE_SIZE, p + "hedging.queue-size");
    m.put(HeartbeatStoreConfig.HEDGING_VERIFY_READS, p + "hedging.verify-reads");
    m.put(HeartbeatStoreConfig.TIMEOUT, p + "timeout");
    m.put(HeartbeatStoreConfig.MIGRATE, p + "migrate");
    m.put(HeartbeatStoreConfig.POOL_SIZE, p + "pool-size");
    m.put(HeartbeatStoreConfig.TELEMETRY, p + "telemetry");
    return Map.copyOf(m);
  }

  /**
   * The builder for {@code properties} over {@code environment} (a variable's value, or null when unset).
   * The OpenTelemetry instance is left to the caller.
   *
   * @throws ConfigurationException naming the first bad property or variable
   */
  static HeartbeatStoreConfig.Builder builder(HeartbeatStoreProperties properties, UnaryOperator<String> environment) {
    Map<String, String> env = new HashMap<>();
    for (String variable : PROPERTY_OF_VARIABLE.keySet()) {
      String value = environment.apply(variable);
      if (value != null) {
        env.put(variable, value);
      }
    }
    HeartbeatStoreConfig.Builder b = HeartbeatStoreConfig.builderFromEnvironment(env);
    HeartbeatStoreProperties.Turso turso = properties.getTurso();
    HeartbeatStoreProperties.Hedging hedging = properties.getHedging();
    set(HeartbeatStoreConfig.BACKEND, properties.getBackend(), b::backend);
    set(HeartbeatStoreConfig.DATABASE_URL, properties.getDatabaseUrl(), b::databaseUrl);
    set(HeartbeatStoreConfig.TURSO_DATABASE_URL, turso.getDatabaseUrl(), b::tursoDatabaseUrl);
    set(HeartbeatStoreConfig.TURSO_AUTH_TOKEN, turso.getAuthToken(), b::tursoAuthToken);
    set(HeartbeatStoreConfig.HEDGING_PRIMARY, hedging.getPrimary(), b::hedgingPrimary);
    set(HeartbeatStoreConfig.HEDGING_MODE, hedging.getMode(), b::hedgingMode);
    set(HeartbeatStoreConfig.HEDGING_SECONDARY_TIMEOUT, hedging.getSecondaryTimeout(), b::hedgingSecondaryTimeout);
    set(HeartbeatStoreConfig.HEDGING_QUEUE_SIZE, hedging.getQueueSize(), b::hedgingQueueSize);
    set(HeartbeatStoreConfig.HEDGING_VERIFY_READS, hedging.getVerifyReads(), b::hedgingVerifyReads);
    set(HeartbeatStoreConfig.TIMEOUT, properties.getTimeout(), b::timeout);
    set(HeartbeatStoreConfig.MIGRATE, properties.getMigrate(), b::migrate);
    set(HeartbeatStoreConfig.POOL_SIZE, properties.getPoolSize(), b::poolSize);
    set(HeartbeatStoreConfig.TELEMETRY, properties.getTelemetry(), b::telemetry);
    return b;
  }

  /**
   * {@code builder.build()}, with a missing setting named as a property too: "DATABASE_URL is not set"
   * becomes "heartbeat.store.database-url (DATABASE_URL) is not set".
   */
  static HeartbeatStoreConfig build(HeartbeatStoreConfig.Builder builder) {
    try {
      return builder.build();
    } catch (ConfigurationException e) {
      String message = e.getMessage();
      for (Map.Entry<String, String> names : PROPERTY_OF_VARIABLE.entrySet()) {
        if (message.startsWith(names.getKey() + ' ')) {
          throw new ConfigurationException(
              names.getValue() + " (" + names.getKey() + ")" + message.substring(names.getKey().length()), e);
        }
      }
      throw e;
    }
  }

  /** Applies a property that is set; its error names the property, not the variable it overrides. */
  private static <T> void set(String variable, T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (ConfigurationException e) {
      // Not chained: the cause would only repeat the message under the variable's name.
      throw new ConfigurationException(e.getMessage().replace(variable, PROPERTY_OF_VARIABLE.get(variable)));
    }
  }
}
