package dev.heartbeatstore.spring;

import dev.heartbeatstore.spi.Secrets;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Keeps the token and database passwords out of Actuator's {@code /configprops} and {@code /env}, also when
 * an application shows their values ({@code management.endpoint.*.show-values=always}, which Boot
 * does not mask by key). {@link SanitizingFunction} is where it was in both Boot 3.5 and 4.0.
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
public class HeartbeatStoreSanitizingAutoConfiguration {

  /** Keys as Boot hands them over (property names, or bean paths such as heartbeat.store.turso.authToken). */
  private static final Set<String> TOKENS = Set.of("tursoauthtoken", "heartbeatstoretursoauthtoken");
  private static final Set<String> URLS = Set.of("databaseurl", "tursodatabaseurl", "heartbeatstoredatabaseurl",
      "heartbeatstoretursodatabaseurl");

  /** Instantiated by Spring Boot's auto-configuration. */
  public HeartbeatStoreSanitizingAutoConfiguration() {}

  /**
   * Masks the Turso token entirely and redacts the password and secret parameters of the database URLs
   * ({@link Secrets#redactUrl}); every other value passes through.
   *
   * @return the sanitizing function Actuator applies to {@code /configprops} and {@code /env}
   */
  @Bean
  public SanitizingFunction heartbeatStoreSanitizingFunction() {

    return data -> {
      String key = normalized(data.getKey());
      if (TOKENS.contains(key)) {
        return data.withValue(SanitizableData.SANITIZED_VALUE);
      }
      if (URLS.contains(key) && data.getValue() instanceof String url) {
        return data.withValue(Secrets.redactUrl(url));
      }
      return data;
    };
  }

  private static String normalized(String key) {
    return key == null ? "" : key.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
  }
}
