package dev.heartbeatstore.spring;

import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A {@link HeartbeatStore} from {@code heartbeat.store.*} properties over the contract §3 environment
 * variables, and its two repositories. Every bean backs off when the application defines its own:
 * a {@link HeartbeatStoreConfig} bean replaces the properties, a {@link HeartbeatStore} bean replaces the
 * store (and then no configuration is read at all).
 *
 * <p>Metrics go to the application's {@link OpenTelemetry} bean when it has one, else to
 * {@link GlobalOpenTelemetry} (what {@link HeartbeatStores#fromEnvironment()} uses too, and what the
 * OpenTelemetry Java agent fills in); with neither, they are dropped.
 */
@AutoConfiguration
@EnableConfigurationProperties(HeartbeatStoreProperties.class)
public class HeartbeatStoreAutoConfiguration {

  /** Instantiated by Spring Boot's auto-configuration. */
  public HeartbeatStoreAutoConfiguration() {}

  /**
   * The settings: the §3 variables as the Spring {@link Environment} sees them (the process environment,
   * or any property source that defines the same names), overridden by {@code heartbeat.store.*}.
   *
   * @param properties    the bound {@code heartbeat.store.*} properties
   * @param environment   where the §3 variables are read
   * @param openTelemetry the application's OpenTelemetry bean, if any
   * @return the validated settings
   * @throws dev.heartbeatstore.ConfigurationException naming the first bad or missing property or variable
   */
  @Bean
  @ConditionalOnMissingBean({HeartbeatStoreConfig.class, HeartbeatStore.class})
  public HeartbeatStoreConfig heartbeatStoreConfig(HeartbeatStoreProperties properties, Environment environment,
      ObjectProvider<OpenTelemetry> openTelemetry) {
    HeartbeatStoreConfig.Builder builder = PropertiesConfig.builder(properties, environment::getProperty);
    builder.openTelemetry(openTelemetry.getIfAvailable(GlobalOpenTelemetry::get));
    return PropertiesConfig.build(builder);
  }

  /**
   * Opened at start (schema applied or checked), closed when the application context closes.
   *
   * @param config the settings
   * @return the open store
   * @throws dev.heartbeatstore.StoreUnavailableException when the database cannot be reached at start
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public HeartbeatStore heartbeatStore(HeartbeatStoreConfig config) {
    return HeartbeatStores.open(config);
  }

  /**
   * The store's heartbeat repository, as a bean of its own.
   *
   * @param store the store
   * @return {@code store.heartbeats()}
   */
  @Bean
  @ConditionalOnMissingBean
  public HeartbeatRepository heartbeatRepository(HeartbeatStore store) {
    return store.heartbeats();
  }

  /**
   * The store's monitor repository, as a bean of its own.
   *
   * @param store the store
   * @return {@code store.monitors()}
   */
  @Bean
  @ConditionalOnMissingBean
  public HeartbeatMonitorRepository heartbeatMonitorRepository(HeartbeatStore store) {

    return store.monitors();
  }
}
