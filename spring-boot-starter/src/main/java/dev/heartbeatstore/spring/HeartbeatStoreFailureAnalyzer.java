package dev.heartbeatstore.spring;

import dev.heartbeatstore.ConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up failed on a bad or missing heartbeat-store setting: say which, and what is accepted. */
public class HeartbeatStoreFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationException> {

  /** Instantiated by Spring Boot from {@code META-INF/spring.factories}. */
  public HeartbeatStoreFailureAnalyzer() {}


  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationException cause) {
    return new FailureAnalysis("heartbeat-store is not configured correctly: " + cause.getMessage(),
        "Set the heartbeat.store.* property (or the environment variable) named above to an accepted value;"
            + " every setting is listed in the heartbeat-store README, section Spring Boot.",
        cause);
  }
}
