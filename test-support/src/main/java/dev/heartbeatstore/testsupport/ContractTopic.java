package dev.heartbeatstore.testsupport;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every topic of the contract kit works with: the one store {@link HeartbeatStoreContract} opened
 * for the backend under test, its clock, configuration and metrics.
 */
abstract class ContractTopic extends ContractSupport {

  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("//[^/:@?#]*:([^/?#]*)@");
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile("(?i)[?&;](?:password|authToken|auth_token|token|sslpassword)=([^&;#]*)");

  private final HeartbeatStoreContract kit;

  ContractTopic(HeartbeatStoreContract kit) {
    this.kit = kit;
  }

  /** The store every test shares. */
  final HeartbeatStore store() {
    return kit.store();
  }

  final HeartbeatRepository heartbeats() {
    return kit.heartbeats();
  }

  final HeartbeatMonitorRepository monitors() {
    return kit.monitors();
  }

  /** The clock behind {@code updatedAt = now}. */
  final TestClock clock() {
    return kit.clock();
  }

  /** Opens a second store of the same backend, with the same clock; the caller closes it. */
  final HeartbeatStore openAnotherStore(UnaryOperator<HeartbeatStoreConfig.Builder> tweak) {
    return kit.openAnotherStore(tweak);
  }

  /** The settings the store was opened with. */
  final HeartbeatStoreConfig config() {
    return kit.config();
  }

  final InMemoryMetricReader metricReader() {
    return kit.metricReader();
  }

  final String expectedDbSystemName() {
    return kit.expectedDbSystemName();
  }

  final List<Heartbeat> all(String userId, String owner) {
    return heartbeats().index(userId, owner, EVERYTHING);
  }

  /** How many operations the store recorded on {@code collection}, failed or not: none for a call refused before I/O. */
  final long recordedOperations(String collection, String operation) {
    return metricReader().collectAllMetrics().stream()
        .filter(m -> m.getName().equals(DURATION_METRIC))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .filter(p -> collection.equals(p.getAttributes().get(DB_COLLECTION_NAME))
            && operation.equals(p.getAttributes().get(DB_OPERATION_NAME)))
        .mapToLong(HistogramPointData::getCount)
        .sum();
  }

  /** Passwords and tokens in this run's configuration (URL user info, secret query parameters, the token). */
  final List<String> configuredSecrets() {
    HeartbeatStoreConfig config = config();
    List<String> secrets = new ArrayList<>();
    if (config.tursoAuthToken() != null) {
      secrets.add(config.tursoAuthToken());
    }
    for (String url : Arrays.asList(config.databaseUrl(), config.tursoDatabaseUrl())) {
      if (url == null) {
        continue;
      }
      Matcher userInfo = USER_INFO_PASSWORD.matcher(url);
      if (userInfo.find()) {
        secrets.add(userInfo.group(1));
      }
      Matcher param = SECRET_PARAMETER.matcher(url);
      while (param.find()) {
        secrets.add(param.group(1));
      }
    }
    secrets.removeIf(secret -> secret.length() < 4); // too short to search for without false alarms
    return secrets;
  }
}
