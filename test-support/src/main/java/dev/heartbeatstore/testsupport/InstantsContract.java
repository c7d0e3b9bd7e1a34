package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import java.time.Instant;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: Instants keep microsecond precision and come back in UTC.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class InstantsContract extends ContractTopic {

  InstantsContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    @Test
    @DisplayName("a heartbeat's timestamp comes back equal to the microsecond")
    void heartbeatRoundTrip() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat h = heartbeat(user, owner, Instant.parse("2023-11-05T01:30:00.000001Z"));

      heartbeats().store(h);

      assertThat(heartbeats().last(user, owner)).contains(h);
      assertThat(all(user, owner)).containsExactly(h);
    }

    @Test
    @DisplayName("digits finer than a microsecond are truncated on write, never rounded")
    void nanosAreTruncated() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat roundsUpIfRounded = heartbeat(user, owner, Instant.parse("2024-02-29T23:59:59.999999999Z"));
      Heartbeat plain = heartbeat(user, owner, Instant.parse("2024-02-29T12:00:00.123456789Z"));

      heartbeats().store(roundsUpIfRounded);
      heartbeats().store(plain);

      assertThat(all(user, owner)).containsExactly(
          withTimestamp(roundsUpIfRounded, Instant.parse("2024-02-29T23:59:59.999999Z")),
          withTimestamp(plain, Instant.parse("2024-02-29T12:00:00.123456Z")));
    }

    @Test
    @DisplayName("storeAll truncates the same way as store")
    void storeAllTruncates() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat h = heartbeat(user, owner, Instant.parse("2024-03-01T00:00:00.000000999Z"));

      heartbeats().storeAll(List.of(h));

      assertThat(heartbeats().last(user, owner))
          .contains(withTimestamp(h, Instant.parse("2024-03-01T00:00:00Z")));
    }

    @Test
    @DisplayName("a monitor's createdAt and updatedAt come back to the microsecond, finer digits truncated")
    void monitorRoundTrip() {
      String user = newUserId();
      String owner = newOwner();
      HeartbeatMonitor m = withInstants(monitor(user, owner),
          Instant.parse("2022-12-31T23:59:59.999999999Z"), Instant.parse("2023-01-01T00:00:00.000001500Z"));

      monitors().store(m);

      assertThat(monitors().load(user, owner)).contains(withInstants(m,
          Instant.parse("2022-12-31T23:59:59.999999Z"), Instant.parse("2023-01-01T00:00:00.000001Z")));
    }

    @Test
    @DisplayName("instants far from today (the epoch's first microsecond, 2999, and the bounds 4713 BC and 294246 AD) come back unchanged")
    void distantInstants() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat early = heartbeat(user, owner, Instant.parse("1970-01-01T00:00:00.000001Z"));
      Heartbeat late = heartbeat(user, owner, Instant.parse("2999-12-31T23:59:59.999999Z"));
      // The range every backend accepts: 4713 BC (PostgreSQL) to the end of 294246 (libSQL's microseconds).
      Heartbeat first = heartbeat(user, owner, Instant.parse("-4712-01-01T00:00:00Z"));
      Heartbeat lastOfAll = heartbeat(user, owner, Instant.parse("+294246-12-31T23:59:59.999999Z"));

      heartbeats().storeAll(List.of(early, late));
      heartbeats().store(first);
      heartbeats().store(lastOfAll);

      assertThat(all(user, owner)).containsExactly(lastOfAll, late, early, first);
    }

    @Test
    @DisplayName("a store opened in a JVM whose default time zone is not UTC reads and writes the same instants")
    void independentOfTheDefaultTimeZone() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat writtenInUtc = heartbeat(user, owner, Instant.parse("2024-07-01T12:00:00.654321Z"));
      Heartbeat writtenElsewhere = heartbeat(user, owner, Instant.parse("2024-07-01T11:00:00.123456Z"));
      heartbeats().store(writtenInUtc);

      TimeZone original = TimeZone.getDefault();
      List<Heartbeat> seenElsewhere;
      try {
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Chatham")); // +12:45/+13:45, never a whole hour
        try (HeartbeatStore elsewhere = openAnotherStore(b -> b)) {
          elsewhere.heartbeats().store(writtenElsewhere);
          seenElsewhere = elsewhere.heartbeats().index(user, owner, EVERYTHING);
        }
      } finally {
        TimeZone.setDefault(original);
      }

      assertThat(seenElsewhere).containsExactly(writtenInUtc, writtenElsewhere);
      assertThat(all(user, owner)).containsExactly(writtenInUtc, writtenElsewhere);
    }
}
