package dev.heartbeatstore.spring;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code heartbeatStore} health indicator on Spring Boot 4.x, whose health API is
 * {@code org.springframework.boot.health.contributor} (module {@code spring-boot-health}, which Actuator
 * brings). Boot 3.x has {@link HeartbeatStoreHealthContributorAutoConfiguration} instead. Turned off with
 * {@code management.health.heartbeatstore.enabled=false}.
 */
@AutoConfiguration(after = HeartbeatStoreAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(HeartbeatStore.class)
@ConditionalOnEnabledHealthIndicator("heartbeatstore")
public class HeartbeatStoreHealthAutoConfiguration {

  /** Instantiated by Spring Boot's auto-configuration. */
  public HeartbeatStoreHealthAutoConfiguration() {}

  /**
   * The health indicator, unless the application defines a bean named {@code heartbeatStoreHealthIndicator}.
   * UP when a read through {@code store} succeeds (read at most once per 5 seconds, within the store's
   * deadline); the details come from background checks. Closed with the application context, which stops them.

   *
   * @param store  the store to check
   * @param config the store's settings when there is exactly one such bean, to describe the backend; else none
   * @return the Boot 4 indicator
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(name = "heartbeatStoreHealthIndicator")
  public HeartbeatStoreHealthIndicator heartbeatStoreHealthIndicator(HeartbeatStore store,

      ObjectProvider<HeartbeatStoreConfig> config) {
    return new HeartbeatStoreHealthIndicator(new HeartbeatStoreHealth(store, config.getIfUnique()));
  }

  /** Boot 4's health indicator over {@link HeartbeatStoreHealth}. */
  public static final class HeartbeatStoreHealthIndicator implements HealthIndicator, AutoCloseable {

    private final HeartbeatStoreHealth health;

    HeartbeatStoreHealthIndicator(HeartbeatStoreHealth health) {
      this.health = health;
    }

    @Override
    public Health health() {
      HeartbeatStoreHealth.Report report = health.report();
      return (report.up() ? Health.up() : Health.down()).withDetails(report.details()).build();
    }

    @Override
    public void close() {
      health.close();
    }
  }
}
