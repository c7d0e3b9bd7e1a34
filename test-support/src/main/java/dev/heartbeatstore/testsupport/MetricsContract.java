package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.IndexParams;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: Every operation records db.client.operation.duration.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class MetricsContract extends ContractTopic {

  MetricsContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    private Optional<MetricData> durationMetric() {
      return metricReader().collectAllMetrics().stream()
          .filter(m -> m.getName().equals(DURATION_METRIC))
          .findFirst();
    }

    private List<HistogramPointData> points() {
      return durationMetric()
          .map(m -> List.copyOf(m.getHistogramData().getPoints()))
          .orElse(List.of());
    }

    /** How many operations were recorded with this collection and operation (failed or not). */
    private long count(String collection, String operation, boolean failed) {
      return points().stream()
          .filter(p -> attributesMatch(p.getAttributes(), collection, operation))
          .filter(p -> (p.getAttributes().get(ERROR_TYPE) != null) == failed)
          .mapToLong(HistogramPointData::getCount)
          .sum();
    }

    private boolean attributesMatch(Attributes a, String collection, String operation) {
      return expectedDbSystemName().equals(a.get(DB_SYSTEM_NAME))
          && operation.equals(a.get(DB_OPERATION_NAME))
          && collection.equals(a.get(DB_COLLECTION_NAME));
    }

    private void assertRecorded(String collection, String operation, Runnable call) {
      long before = count(collection, operation, false);
      call.run();
      assertThat(count(collection, operation, false))
          .as("successful %s.%s recorded with db.system.name=%s", collection, operation, expectedDbSystemName())
          .isEqualTo(before + 1);
    }

    @Test
    @DisplayName("the histogram is in seconds, with the semantic conventions' bucket boundaries")
    void unitAndBuckets() {
      heartbeats().last(newUserId(), newOwner());

      MetricData metric = durationMetric().orElseThrow();
      assertThat(metric.getUnit()).isEqualTo("s");
      HistogramPointData point = points().stream()
          .filter(p -> expectedDbSystemName().equals(p.getAttributes().get(DB_SYSTEM_NAME)))
          .findFirst().orElseThrow();
      assertThat(point.getBoundaries()).containsExactly(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0);
      assertThat(point.getMin()).isGreaterThanOrEqualTo(0.0);
      assertThat(point.getMax()).isLessThan(60.0);
    }

    @Test
    @DisplayName("each heartbeat operation is recorded once, on collection heartbeats")
    void heartbeatOperations() {
      String user = newUserId();
      String owner = newOwner();

      assertRecorded("heartbeats", "store", () -> heartbeats().store(heartbeat(user, owner, T0)));
      // storeAll as the semantic conventions name a batch: "BATCH store"; a batch of one row is a plain "store".
      assertRecorded("heartbeats", "BATCH store", () -> heartbeats().storeAll(
          List.of(heartbeat(user, owner, T0.plusSeconds(1)), heartbeat(user, owner, T0.plusSeconds(2)))));
      assertRecorded("heartbeats", "store",
          () -> heartbeats().storeAll(List.of(heartbeat(user, owner, T0.plusSeconds(3)))));
      assertRecorded("heartbeats", "index", () -> heartbeats().index(user, owner, IndexParams.first(5)));
      assertRecorded("heartbeats", "last", () -> heartbeats().last(user, owner));
      assertRecorded("heartbeats", "deleteAllForUser", () -> heartbeats().deleteAllForUser(user));
    }

    @Test
    @DisplayName("each monitor operation is recorded once, on collection heartbeat_monitors")
    void monitorOperations() {
      String user = newUserId();
      String owner = newOwner();
      HeartbeatMonitor m = monitor(user, owner);

      assertRecorded("heartbeat_monitors", "store", () -> monitors().store(m));
      assertRecorded("heartbeat_monitors", "load", () -> monitors().load(user, owner));
      assertRecorded("heartbeat_monitors", "exists", () -> monitors().exists(user, m.id()));
      assertRecorded("heartbeat_monitors", "updateQueueId", () -> monitors().updateQueueId(m.id(), "q"));
      assertRecorded("heartbeat_monitors", "updatePhoneOnline",
          () -> monitors().updatePhoneOnline(user, m.id(), true));
      assertRecorded("heartbeat_monitors", "delete", () -> monitors().delete(user, owner));
      assertRecorded("heartbeat_monitors", "deleteAllForUser", () -> monitors().deleteAllForUser(user));
    }

    @Test
    @DisplayName("a failed operation is recorded with error.type")
    void failureHasErrorType() {
      Heartbeat h = heartbeat(newUserId(), newOwner(), T0);
      heartbeats().store(h);
      long failedBefore = count("heartbeats", "store", true);
      long succeededBefore = count("heartbeats", "store", false);

      assertThatThrownBy(() -> heartbeats().store(h)).isInstanceOf(DuplicateRecordException.class);

      assertThat(count("heartbeats", "store", true)).isEqualTo(failedBefore + 1);
      assertThat(count("heartbeats", "store", false)).isEqualTo(succeededBefore);
      Set<String> errorTypes = new HashSet<>();
      points().stream()
          .filter(p -> attributesMatch(p.getAttributes(), "heartbeats", "store"))
          .map(p -> p.getAttributes().get(ERROR_TYPE))
          .filter(t -> t != null)
          .forEach(errorTypes::add);
      assertThat(errorTypes).isNotEmpty().allSatisfy(t -> assertThat(t).isNotBlank());
    }

    @Test
    @DisplayName("a failed monitor store is recorded with error.type on heartbeat_monitors")
    void monitorFailureHasErrorType() {
      HeartbeatMonitor m = monitor(newUserId(), newOwner());
      monitors().store(m);
      long failedBefore = count("heartbeat_monitors", "store", true);

      assertThatThrownBy(() -> monitors().store(m)).isInstanceOf(DuplicateRecordException.class);

      assertThat(count("heartbeat_monitors", "store", true)).isEqualTo(failedBefore + 1);
    }
}
