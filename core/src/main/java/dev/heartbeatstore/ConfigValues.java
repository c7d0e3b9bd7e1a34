package dev.heartbeatstore;

import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import dev.heartbeatstore.HeartbeatStoreConfig.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;

/**
 * The values behind a {@link HeartbeatStoreConfig} and its {@link HeartbeatStoreConfig.Builder}, each starting at
 * its default. Holds no checks: the builder's setters check a value before it lands here, and a config keeps a
 * private {@link #copy()} that nothing changes again.
 */
final class ConfigValues {
  String backend = HeartbeatStoreConfig.POSTGRES;
  String databaseUrl;
  String tursoDatabaseUrl;
  String tursoAuthToken;
  String hedgingPrimary = HeartbeatStoreConfig.POSTGRES;
  HedgingMode hedgingMode = HedgingMode.SYNC;
  Duration hedgingSecondaryTimeout = Duration.ofSeconds(1);
  int hedgingQueueSize = 10_000;
  double hedgingVerifyReads = 0;
  Duration timeout = Duration.ofSeconds(5);
  boolean migrate = true;
  int poolSize = 10;
  Telemetry telemetry = Telemetry.ON;
  OpenTelemetry openTelemetry = OpenTelemetry.noop();
  Clock clock = Clock.systemUTC();

  /** {@return the same values, in an instance of their own} */
  ConfigValues copy() {
    ConfigValues c = new ConfigValues();
    c.backend = backend;
    c.databaseUrl = databaseUrl;
    c.tursoDatabaseUrl = tursoDatabaseUrl;
    c.tursoAuthToken = tursoAuthToken;
    c.hedgingPrimary = hedgingPrimary;
    c.hedgingMode = hedgingMode;
    c.hedgingSecondaryTimeout = hedgingSecondaryTimeout;
    c.hedgingQueueSize = hedgingQueueSize;
    c.hedgingVerifyReads = hedgingVerifyReads;
    c.timeout = timeout;
    c.migrate = migrate;
    c.poolSize = poolSize;
    c.telemetry = telemetry;
    c.openTelemetry = openTelemetry;
    c.clock = clock;
    return c;
  }
}
