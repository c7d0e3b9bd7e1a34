package dev.heartbeatstore.testsupport;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.IndexParams;
import io.opentelemetry.api.common.AttributeKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The contract kit's shared fixture: constants and the factories of heartbeats and monitors that
 * {@link HeartbeatStoreContract} and each of its topics use. Only the kit extends it.
 */
public abstract class ContractSupport {

  /** The metric every repository operation records (contract §5). */
  protected static final String DURATION_METRIC = "db.client.operation.duration";

  static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
  static final AttributeKey<String> DB_COLLECTION_NAME = AttributeKey.stringKey("db.collection.name");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** A microsecond-precise instant that no clock would produce by chance. */
  protected static final Instant T0 = Instant.parse("2024-05-01T10:15:30.123456Z");

  /** Newest first: timestamp descending, then id descending in canonical (lowercase hex) text order. */
  protected static final Comparator<Heartbeat> NEWEST_FIRST = Comparator
      .comparing(Heartbeat::timestamp, Comparator.reverseOrder())
      .thenComparing(h -> h.id().toString(), Comparator.reverseOrder());

  static final IndexParams EVERYTHING = IndexParams.first(IndexParams.MAX_LIMIT);

  ContractSupport() {}

  /**
   * A user id no other test uses.
   *
   * @return {@code user-} and a random UUID
   */
  protected static String newUserId() {
    return "user-" + UUID.randomUUID();
  }

  /**
   * An owner (phone number) no other test uses.
   *
   * @return {@code +1555} and 12 random hex digits
   */
  protected static String newOwner() {
    return "+1555" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /**
   * A heartbeat with a random id, version {@code 1.4.2}, not charging.
   *
   * @param userId    the user
   * @param owner     the phone
   * @param timestamp when it was sent
   * @return the heartbeat, not stored
   */
  protected static Heartbeat heartbeat(String userId, String owner, Instant timestamp) {
    return new Heartbeat(UUID.randomUUID(), owner, "1.4.2", false, userId, timestamp);
  }

  /**
   * A heartbeat with a random id and this version, charging.
   *
   * @param userId    the user
   * @param owner     the phone
   * @param timestamp when it was sent
   * @param version   the app version
   * @return the heartbeat, not stored
   */
  protected static Heartbeat heartbeat(String userId, String owner, Instant timestamp, String version) {
    return new Heartbeat(UUID.randomUUID(), owner, version, true, userId, timestamp);
  }

  /**
   * A monitor with random ids and queue id, phone offline, created at {@link #T0} and updated a second later.
   *
   * @param userId the user
   * @param owner  the phone
   * @return the monitor, not stored
   */
  protected static HeartbeatMonitor monitor(String userId, String owner) {
    return new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), userId, "queue-" + UUID.randomUUID(),
        owner, false, T0, T0.plusSeconds(1));
  }

  /**
   * A random id whose canonical form starts with {@code hex}: ids on both sides of the sign bit.
   *
   * @param hex a lowercase hex digit, {@code 0}-{@code 9} or {@code a}-{@code f}
   * @return the id
   */
  protected static UUID idStartingWith(char hex) {

    return UUID.fromString(hex + UUID.randomUUID().toString().substring(1));
  }


  static List<Heartbeat> newestFirst(List<Heartbeat> heartbeats) {
    List<Heartbeat> sorted = new ArrayList<>(heartbeats);
    sorted.sort(NEWEST_FIRST);
    return sorted;
  }

  static List<Heartbeat> shuffled(List<Heartbeat> heartbeats) {
    List<Heartbeat> copy = new ArrayList<>(heartbeats);
    Collections.shuffle(copy, new Random(42));
    return copy;
  }

  static Heartbeat withTimestamp(Heartbeat h, Instant timestamp) {
    return new Heartbeat(h.id(), h.owner(), h.version(), h.charging(), h.userId(), timestamp);
  }

  static Heartbeat withVersion(Heartbeat h, String version) {
    return new Heartbeat(h.id(), h.owner(), version, h.charging(), h.userId(), h.timestamp());
  }

  static Heartbeat withOwner(Heartbeat h, String owner) {
    return new Heartbeat(h.id(), owner, h.version(), h.charging(), h.userId(), h.timestamp());
  }

  static Heartbeat withUserId(Heartbeat h, String userId) {
    return new Heartbeat(h.id(), h.owner(), h.version(), h.charging(), userId, h.timestamp());
  }

  static Heartbeat withId(Heartbeat h, UUID id) {
    return new Heartbeat(id, h.owner(), h.version(), h.charging(), h.userId(), h.timestamp());
  }

  static HeartbeatMonitor monitorWith(UUID id, UUID phoneId, String userId,
      String queueId, String owner, boolean phoneOnline, Instant createdAt, Instant updatedAt) {
    return new HeartbeatMonitor(id, phoneId, userId, queueId, owner, phoneOnline, createdAt, updatedAt);
  }

  static HeartbeatMonitor withQueueId(HeartbeatMonitor m, String queueId) {
    return monitorWith(m.id(), m.phoneId(), m.userId(), queueId, m.owner(), m.phoneOnline(), m.createdAt(),
        m.updatedAt());
  }

  static HeartbeatMonitor withUserId(HeartbeatMonitor m, String userId) {
    return monitorWith(m.id(), m.phoneId(), userId, m.queueId(), m.owner(), m.phoneOnline(), m.createdAt(),
        m.updatedAt());
  }

  static HeartbeatMonitor withOwner(HeartbeatMonitor m, String owner) {
    return monitorWith(m.id(), m.phoneId(), m.userId(), m.queueId(), owner, m.phoneOnline(), m.createdAt(),
        m.updatedAt());
  }

  static HeartbeatMonitor withId(HeartbeatMonitor m, UUID id) {
    return monitorWith(id, m.phoneId(), m.userId(), m.queueId(), m.owner(), m.phoneOnline(), m.createdAt(),
        m.updatedAt());
  }

  static HeartbeatMonitor withPhoneId(HeartbeatMonitor m, UUID phoneId) {
    return monitorWith(m.id(), phoneId, m.userId(), m.queueId(), m.owner(), m.phoneOnline(), m.createdAt(),
        m.updatedAt());
  }

  static HeartbeatMonitor withInstants(HeartbeatMonitor m, Instant createdAt, Instant updatedAt) {
    return monitorWith(m.id(), m.phoneId(), m.userId(), m.queueId(), m.owner(), m.phoneOnline(), createdAt,
        updatedAt);
  }
}
