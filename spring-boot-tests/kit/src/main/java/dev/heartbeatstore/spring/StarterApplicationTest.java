package dev.heartbeatstore.spring;

import static dev.heartbeatstore.spring.TestApps.at;
import static dev.heartbeatstore.spring.TestApps.awaitHealth;
import static dev.heartbeatstore.spring.TestApps.details;
import static dev.heartbeatstore.spring.TestApps.launch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.testsupport.servers.JwtKeys;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestPostgres;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@DisplayName("A Spring Boot application with the starter")
class StarterApplicationTest {

  private static final String EXPECTED_BOOT = System.getProperty("expected.spring-boot.version");

  private static Heartbeat heartbeat() {
    // Whole microseconds: what every backend keeps.
    return new Heartbeat(UUID.randomUUID(), "+1555" + UUID.randomUUID().toString().substring(0, 8), "1.4.2", true,
        "user-" + UUID.randomUUID(), Instant.parse("2025-03-01T12:00:00.123456Z"));
  }

  @Test
  @DisplayName("runs on the Spring Boot version its module names, with that Boot's health API")
  void runsOnTheExpectedBoot() {
    assertThat(SpringBootVersion.getVersion()).as("Spring Boot on the classpath").isEqualTo(EXPECTED_BOOT);
  }

  @Nested
  @DisplayName("configured for PostgreSQL by properties over environment variables")
  class Postgres {

    /**
     * The README's recipe: Boot's own OpenTelemetry support builds the {@code OpenTelemetry} bean and puts the
     * application's {@link SdkMeterProvider} in it (a reader the test can look into, instead of an exporter).
     */
    @Configuration(proxyBeanMethods = false)
    static class MeterProviderOnly {
      static final InMemoryMetricReader READER = InMemoryMetricReader.create();

      @Bean
      SdkMeterProvider sdkMeterProvider() {
        return SdkMeterProvider.builder().registerMetricReader(READER).build();
      }
    }

    @Test
    @DisplayName("stores and reads through the beans, shows heartbeatStore in /actuator/health, records metrics"
        + " through Boot's OpenTelemetry bean with the application's meter provider, and closes the store on shutdown")
    void worksEndToEnd() {
      String url = TestPostgres.isolatedSchema("boot_pg");
      HeartbeatStore store;
      try (ConfigurableApplicationContext context = launch()
          .environment(Map.of(
              HeartbeatStoreConfig.DATABASE_URL, url,
              HeartbeatStoreConfig.TIMEOUT, "2s",
              HeartbeatStoreConfig.POOL_SIZE, "3"))
          .property("heartbeat.store.timeout=3s")
          .with(MeterProviderOnly.class)
          .web()
          .run()) {

        HeartbeatStoreConfig config = context.getBean(HeartbeatStoreConfig.class);
        assertThat(config.backend()).isEqualTo("postgres");
        assertThat(config.databaseUrl()).as("DATABASE_URL from the environment").isEqualTo(url);
        assertThat(config.poolSize()).as("HEARTBEAT_DB_POOL_SIZE from the environment").isEqualTo(3);
        assertThat(config.timeout()).as("heartbeat.store.timeout over HEARTBEAT_DB_TIMEOUT").isEqualTo(Duration.ofSeconds(3));

        store = context.getBean(HeartbeatStore.class);
        HeartbeatRepository heartbeats = context.getBean(HeartbeatRepository.class);
        assertThat(context.getBean(HeartbeatMonitorRepository.class)).isSameAs(store.monitors());
        Heartbeat beat = heartbeat();
        heartbeats.store(beat);
        assertThat(store.heartbeats().last(beat.userId(), beat.owner())).contains(beat);

        assertThat(context.getBean(OpenTelemetry.class)).as("Boot's own").isInstanceOf(OpenTelemetrySdk.class);
        assertRecorded(MeterProviderOnly.READER, "postgresql");

        Map<String, Object> health = awaitHealth(context, h -> at(h, "details.schemaVersion") != null);
        assertThat(health).containsEntry("status", "UP");
        assertThat(details(health)).containsEntry("backend", "postgres").containsEntry("schemaVersion", "4");
        assertThat(context.getBean("heartbeatStoreHealthIndicator").getClass().getInterfaces())
            .extracting(Class::getName)
            .contains(EXPECTED_BOOT.startsWith("3.")
                ? "org.springframework.boot.actuate.health.HealthIndicator"
                : "org.springframework.boot.health.contributor.HealthIndicator");
      }
      HeartbeatStore closed = store;
      assertThatThrownBy(() -> closed.heartbeats().last("user", "owner"))
          .as("the store is closed with the application")
          .isInstanceOf(IllegalStateException.class);
    }
  }

  /** A {@code last} was recorded on {@code db.client.operation.duration} with this {@code db.system.name}. */
  private static void assertRecorded(InMemoryMetricReader reader, String dbSystemName) {
    Collection<MetricData> metrics = reader.collectAllMetrics();
    assertThat(metrics).filteredOn(m -> m.getName().equals("db.client.operation.duration"))
        .singleElement()
        .satisfies(m -> assertThat(m.getHistogramData().getPoints())
            .anySatisfy(p -> {
              assertThat(p.getAttributes().get(AttributeKey.stringKey("db.system.name"))).isEqualTo(dbSystemName);
              assertThat(p.getAttributes().get(AttributeKey.stringKey("db.operation.name"))).isEqualTo("last");
            }));
  }

  @Nested
  @DisplayName("configured for libSQL (sqld) by properties only")
  class Libsql {

    /** The application's own OpenTelemetry bean: Boot's backs off, the starter takes this one. */
    @Configuration(proxyBeanMethods = false)
    static class OwnOpenTelemetry {
      static final InMemoryMetricReader READER = InMemoryMetricReader.create();

      @Bean
      OpenTelemetry openTelemetry() {
        return OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(READER).build())
            .build();
      }
    }

    @Test
    @DisplayName("stores and reads, records metrics on the application's own OpenTelemetry bean, and"
        + " /actuator/health shows the libSQL schema")
    void worksEndToEnd() {
      try (ConfigurableApplicationContext context = launch()
          .property("heartbeat.store.backend=libsql")
          .property("heartbeat.store.turso.database-url=" + TestSqld.url())
          .with(OwnOpenTelemetry.class)
          .web()
          .run()) {
        HeartbeatStore store = context.getBean(HeartbeatStore.class);
        assertThat(store.backendName()).isEqualTo("turso");
        Heartbeat beat = heartbeat();
        context.getBean(HeartbeatRepository.class).store(beat);
        assertThat(store.heartbeats().last(beat.userId(), beat.owner())).contains(beat);
        assertRecorded(OwnOpenTelemetry.READER, "sqlite");

        Map<String, Object> health = awaitHealth(context, h -> at(h, "details.schemaVersion") != null);
        assertThat(health).containsEntry("status", "UP");
        assertThat(details(health)).containsEntry("backend", "turso").containsEntry("schemaVersion", "4");
      }
    }
  }

  @Nested
  @DisplayName("configured for hedging")
  @ExtendWith(OutputCaptureExtension.class)
  class Hedging {

    @Test
    @DisplayName("shows both sides with their journals in /actuator/health, and the token nowhere: not in"
        + " /actuator/configprops or /actuator/env with their values shown, not in a toString, not in the log")
    @SuppressWarnings("unchecked")
    void bothSides(CapturedOutput output) {
      JwtKeys keys = JwtKeys.generate();
      String token = keys.token(Instant.now().plusSeconds(3600));
      try (Sqld sqld = TestSqld.startDedicated(Sqld.builder().env("SQLD_AUTH_JWT_KEY", keys.publicKey()));
           ConfigurableApplicationContext context = launch()
               .environment(Map.of(HeartbeatStoreConfig.TURSO_AUTH_TOKEN, token))
               .property("heartbeat.store.backend=hedging")
               .property("heartbeat.store.database-url=" + TestPostgres.isolatedSchema("boot_hedging"))
               .property("heartbeat.store.turso.database-url=" + sqld.url())
               .property("heartbeat.store.hedging.mode=async")
               .property("management.endpoints.web.exposure.include=health,configprops,env")
               // Values shown, as some teams do: Boot itself masks nothing by key then.
               .property("management.endpoint.configprops.show-values=always")
               .property("management.endpoint.env.show-values=always")
               .web()
               .run()) {
        HeartbeatStore store = context.getBean(HeartbeatStore.class);
        Heartbeat beat = heartbeat();
        store.heartbeats().store(beat);
        assertThat(store.heartbeats().last(beat.userId(), beat.owner())).contains(beat);

        Map<String, Object> health = awaitHealth(context,
            h -> !"UNKNOWN".equals(at(h, "details.primary.status")) && !"UNKNOWN".equals(at(h, "details.secondary.status")));
        assertThat(health).containsEntry("status", "UP");
        Map<String, Object> details = details(health);
        assertThat(details).containsEntry("backend", "hedging").containsEntry("mode", "async");
        Map<String, Object> primary = (Map<String, Object>) details.get("primary");
        Map<String, Object> secondary = (Map<String, Object>) details.get("secondary");
        assertThat(primary).containsEntry("backend", "postgres").containsEntry("status", "UP")
            .containsEntry("schemaVersion", "4");
        assertThat((Map<String, Object>) primary.get("journal")).containsKeys("depth", "lagSeconds", "deadLetters");
        assertThat(secondary).containsEntry("backend", "turso").containsEntry("status", "UP")
            .containsEntry("schemaVersion", "4");
        assertThat((Map<String, Object>) secondary.get("journal")).containsKeys("depth", "lagSeconds", "deadLetters");

        assertThat(context.getBean(HeartbeatStoreConfig.class).toString()).doesNotContain(token);
        assertThat(context.getBean(HeartbeatStoreProperties.class).toString()).doesNotContain(token);
        assertThat(TestApps.get(context, "/actuator/health").body()).doesNotContain(token);
        assertThat(TestApps.get(context, "/actuator/configprops").body())
            .as("values shown").contains(sqld.url())
            .doesNotContain(token);
        assertThat(TestApps.get(context, "/actuator/env").body())
            .as("values shown").contains(sqld.url())
            .doesNotContain(token);
      }
      assertThat(output.getAll()).doesNotContain(token);
    }

    @Test
    @DisplayName("after the flip, starts with the secondary down and reports it in the details without going DOWN")
    @SuppressWarnings("unchecked")
    void secondaryDown() {
      try (ConfigurableApplicationContext context = launch()
          .environment(Map.of(
              HeartbeatStoreConfig.BACKEND, "hedging",
              HeartbeatStoreConfig.HEDGING_PRIMARY, "turso",
              HeartbeatStoreConfig.TURSO_DATABASE_URL, TestSqld.url(),
              // Nothing listens on port 1: connections are refused at once.
              HeartbeatStoreConfig.DATABASE_URL, "postgres://nobody@127.0.0.1:1/nothing"))
          .web()
          .run()) {
        HeartbeatStore store = context.getBean(HeartbeatStore.class);
        Heartbeat beat = heartbeat();
        store.heartbeats().store(beat);
        assertThat(store.heartbeats().last(beat.userId(), beat.owner())).contains(beat);

        // The details come from a background check: wait for one that ran after the write.
        Map<String, Object> health = awaitHealth(context,
            h -> at(h, "details.primary.journal.depth") instanceof Number depth && depth.longValue() > 0
                && "DOWN".equals(at(h, "details.secondary.status")));
        assertThat(health).containsEntry("status", "UP");
        Map<String, Object> details = details(health);
        assertThat((Map<String, Object>) details.get("primary")).containsEntry("backend", "turso");
        assertThat((Map<String, Object>) details.get("primary")).containsEntry("status", "UP");
        assertThat((Map<String, Object>) details.get("secondary"))
            .containsEntry("backend", "postgres")
            .hasEntrySatisfying("error", e -> assertThat((String) e).contains("StoreUnavailableException"));
        assertThat(TestApps.get(context, "/actuator/health").statusCode()).isEqualTo(200);
      }
    }
  }

  @Nested
  @DisplayName("with a HeartbeatStore bean of its own")
  class UserStore {

    @Configuration(proxyBeanMethods = false)
    static class OwnStore {
      @Bean
      HeartbeatStore myStore() throws Exception {
        Path file = Files.createTempDirectory("boot-own-store").resolve("heartbeats.db");
        return HeartbeatStores.open(HeartbeatStoreConfig.builder().backend("turso").tursoDatabaseUrl("file:" + file).build());
      }
    }

    @Test
    @DisplayName("uses it: the starter opens no store and reads no configuration, the repositories are the bean's")
    void backsOff() {
      // No DATABASE_URL anywhere: the starter's own store (postgres by default) could not even be configured.
      try (ConfigurableApplicationContext context = launch().with(OwnStore.class).run()) {
        HeartbeatStore store = context.getBean(HeartbeatStore.class);
        assertThat(context.getBeansOfType(HeartbeatStore.class)).containsOnlyKeys("myStore");
        assertThat(context.getBeansOfType(HeartbeatStoreConfig.class)).isEmpty();
        assertThat(store.backendName()).isEqualTo("turso");
        Heartbeat beat = heartbeat();
        context.getBean(HeartbeatRepository.class).store(beat);
        assertThat(store.heartbeats().last(beat.userId(), beat.owner())).contains(beat);
      }
    }
  }

  @Nested
  @DisplayName("with a bad setting")
  @ExtendWith(OutputCaptureExtension.class)
  class BadSettings {

    @Test
    @DisplayName("an unknown backend fails start-up, naming the property and the accepted values")
    void unknownBackend(CapturedOutput output) {
      assertThatThrownBy(() -> launch().property("heartbeat.store.backend=mongo").run())
          .hasStackTraceContaining("ConfigurationException: heartbeat.store.backend must be one of postgres,"
              + " turso, libsql, hedging, was 'mongo'");
      assertThat(output.getAll())
          .contains("APPLICATION FAILED TO START")
          .contains("heartbeat.store.backend must be one of postgres, turso, libsql, hedging, was 'mongo'");
    }

    @Test
    @DisplayName("a zero timeout fails start-up, naming the property")
    void zeroTimeout() {
      assertThatThrownBy(() -> launch()
          .environment(Map.of(HeartbeatStoreConfig.DATABASE_URL, "postgres://nobody@127.0.0.1:1/none"))
          .property("heartbeat.store.timeout=0s")
          .run())
          .hasStackTraceContaining("ConfigurationException: heartbeat.store.timeout must be a positive duration");
    }

    @Test
    @DisplayName("a timeout that is no duration fails start-up in Boot's binding, naming the property")
    void unparsableTimeout() {
      assertThatThrownBy(() -> launch().property("heartbeat.store.timeout=soon").run())
          .hasStackTraceContaining("heartbeat.store.timeout");
    }

    @Test
    @DisplayName("a bad environment variable fails start-up, naming the variable")
    void badVariable() {
      assertThatThrownBy(() -> launch()
          .environment(Map.of(HeartbeatStoreConfig.DATABASE_URL, "postgres://nobody@127.0.0.1:1/none",
              HeartbeatStoreConfig.POOL_SIZE, "many"))
          .run())
          .hasStackTraceContaining("ConfigurationException: HEARTBEAT_DB_POOL_SIZE must be a whole number, was 'many'");
    }

    @Test
    @DisplayName("a missing database URL fails start-up, naming the property and the variable")
    void missingUrl() {
      assertThatThrownBy(() -> launch().property("heartbeat.store.backend=turso").run())
          .hasStackTraceContaining(
              "ConfigurationException: heartbeat.store.turso.database-url (TURSO_DATABASE_URL) is not set");
    }
  }
}
