package dev.heartbeatstore.spring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.json.BasicJsonParser;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Starts real Spring Boot applications for the tests: the application's own code is only
 * {@code @EnableAutoConfiguration} (plus whatever configuration a test adds), so what runs is the starter as
 * a service would get it.
 */
final class TestApps {

  private TestApps() {}

  /** The application: auto-configuration and nothing else. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  /** How to start one. */
  static final class Launch {
    private final List<Class<?>> sources = new ArrayList<>(List.of(App.class));
    private final List<String> arguments = new ArrayList<>(List.of("--spring.main.banner-mode=off"));
    private Map<String, Object> environment = Map.of();
    private boolean web;

    /**
     * The process environment the application sees, instead of this JVM's real one: the §3 variables as a
     * deployment would set them (and no DATABASE_URL that happens to be set where the tests run).
     */
    Launch environment(Map<String, Object> variables) {
      this.environment = Map.copyOf(variables);
      return this;
    }

    /** An application property, {@code name=value}, as on the command line. */
    Launch property(String nameAndValue) {
      arguments.add("--" + nameAndValue);
      return this;
    }

    /** Adds the application's own configuration classes. */
    Launch with(Class<?>... configuration) {
      sources.addAll(List.of(configuration));
      return this;
    }

    /** With the embedded web server on a free port, health details shown. */
    Launch web() {
      web = true;
      arguments.add("--server.port=0");
      arguments.add("--server.address=127.0.0.1");
      arguments.add("--management.endpoint.health.show-details=always");
      return this;
    }

    ConfigurableApplicationContext run() {
      SpringApplication application = new SpringApplication(sources.toArray(new Class<?>[0]));
      application.setWebApplicationType(web ? WebApplicationType.SERVLET : WebApplicationType.NONE);
      application.addInitializers(context -> context.getEnvironment().getPropertySources().replace(
          StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
          new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment)));
      return application.run(arguments.toArray(new String[0]));
    }
  }

  static Launch launch() {
    return new Launch();
  }

  /** GET {@code path} on the application's web server: status and body. */
  static HttpResponse<String> get(ConfigurableApplicationContext context, String path) {
    String port = context.getEnvironment().getProperty("local.server.port");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60))
        .GET()
        .build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The {@code heartbeatStore} component of {@code /actuator/health}, fetched over HTTP. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> healthComponent(ConfigurableApplicationContext context) {
    HttpResponse<String> response = get(context, "/actuator/health");
    Map<String, Object> health = new BasicJsonParser().parseMap(response.body());
    Map<String, Object> components = (Map<String, Object>) health.get("components");
    if (components == null || !components.containsKey("heartbeatStore")) {
      throw new AssertionError("no heartbeatStore component in /actuator/health (HTTP " + response.statusCode()
          + "): " + response.body());
    }
    return (Map<String, Object>) components.get("heartbeatStore");
  }

  /**
   * The {@code heartbeatStore} component once {@code condition} holds: the details of each database come from
   * a background check, which a test waits for (on the condition, never for a fixed time).
   */
  static Map<String, Object> awaitHealth(ConfigurableApplicationContext context,
      java.util.function.Predicate<Map<String, Object>> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      Map<String, Object> component = healthComponent(context);
      if (condition.test(component)) {
        return component;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the heartbeatStore health never matched; last: " + component);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** The value at {@code path} (keys separated by dots) in nested maps, or null. */
  @SuppressWarnings("unchecked")
  static Object at(Map<String, Object> map, String path) {
    Object current = map;
    for (String key : path.split("\\.")) {
      if (!(current instanceof Map)) {
        return null;
      }
      current = ((Map<String, Object>) current).get(key);
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> details(Map<String, Object> component) {
    return (Map<String, Object>) component.get("details");
  }
}
