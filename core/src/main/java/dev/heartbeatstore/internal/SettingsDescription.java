package dev.heartbeatstore.internal;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Secrets;
import java.util.Locale;

/**
 * {@link HeartbeatStoreConfig}'s log line: the body of its {@code toString()}, every setting shown, every
 * password and token hidden.
 */
public final class SettingsDescription {

  private SettingsDescription() {}

  /**
   * Every setting but the OpenTelemetry instance and the clock; URLs with their passwords redacted, the token
   * shown only as set ({@code ***}) or not ({@code none}).
   *
   * @param config the settings
   * @return the settings for a log line
   */
  public static String of(HeartbeatStoreConfig config) {
    return "HeartbeatStoreConfig{backend=" + config.backend()
        + ", databaseUrl=" + Secrets.redactUrl(config.databaseUrl())
        + ", tursoDatabaseUrl=" + Secrets.redactUrl(config.tursoDatabaseUrl())
        + ", tursoAuthToken=" + (config.tursoAuthToken() == null ? "none" : "***")
        + ", hedgingPrimary=" + config.hedgingPrimary()
        + ", hedgingMode=" + config.hedgingMode().name().toLowerCase(Locale.ROOT)
        + ", hedgingSecondaryTimeout=" + config.hedgingSecondaryTimeout()
        + ", hedgingQueueSize=" + config.hedgingQueueSize()
        + ", hedgingVerifyReads=" + config.hedgingVerifyReads()
        + ", timeout=" + config.timeout()
        + ", migrate=" + config.migrate()
        + ", poolSize=" + config.poolSize()
        + ", telemetry=" + config.telemetry().name().toLowerCase(Locale.ROOT)
        + '}';
  }
}
