package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.IndexParams;
import dev.heartbeatstore.StoreTimeoutException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The compatibility kit: contract §2's semantics, which every backend must show identically.
 *
 * <p>A backend's test extends this class and only says how to configure its store:
 * <pre>{@code
 * class PostgresContractTest extends HeartbeatStoreContract {
 *   protected HeartbeatStoreConfig.Builder configure(HeartbeatStoreConfig.Builder builder) {
 *     return builder.backend("postgres").databaseUrl(TestPostgres.url());
 *   }
 *   protected String expectedDbSystemName() {
 *     return "postgresql";
 *   }
 * }
 * }</pre>
 *
 * <p>One store is opened per test class, with an in-memory OpenTelemetry SDK and a {@link TestClock}
 * the kit controls. Tests never truncate tables (the database may be shared with other suites and
 * runs): each test works on its own random user ids and owners.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HeartbeatStoreContract {

  /** The metric every repository operation records (contract §5). */
  protected static final String DURATION_METRIC = "db.client.operation.duration";

  private static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  private static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
  private static final AttributeKey<String> DB_COLLECTION_NAME = AttributeKey.stringKey("db.collection.name");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** A microsecond-precise instant that no clock would produce by chance. */
  protected static final Instant T0 = Instant.parse("2024-05-01T10:15:30.123456Z");

  /** Newest first: timestamp descending, then id descending in canonical (lowercase hex) text order. */
  protected static final Comparator<Heartbeat> NEWEST_FIRST = Comparator
      .comparing(Heartbeat::timestamp, Comparator.reverseOrder())
      .thenComparing(h -> h.id().toString(), Comparator.reverseOrder());

  private static final IndexParams EVERYTHING = IndexParams.first(IndexParams.MAX_LIMIT);
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("//[^/:@?#]*:([^/?#]*)@");
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile("(?i)[?&;](?:password|authToken|auth_token|token|sslpassword)=([^&;#]*)");

  private final TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:00Z"));
  private InMemoryMetricReader metricReader;
  private SdkMeterProvider meterProvider;
  private HeartbeatStoreConfig config;
  private HeartbeatStore store;

  /**
   * Sets what selects and reaches this backend (backend name, URLs, token). The kit sets the
   * OpenTelemetry instance and the clock itself, after this method.
   */
  protected abstract HeartbeatStoreConfig.Builder configure(HeartbeatStoreConfig.Builder builder);

  /** The {@code db.system.name} this backend's operations are recorded with, e.g. {@code "postgresql"}. */
  protected abstract String expectedDbSystemName();

  @BeforeAll
  void openStore() {
    metricReader = InMemoryMetricReader.create();
    meterProvider = SdkMeterProvider.builder().registerMetricReader(metricReader).build();
    config = configure(HeartbeatStoreConfig.builder())
        .openTelemetry(OpenTelemetrySdk.builder().setMeterProvider(meterProvider).build())
        .clock(clock)
        .build();
    store = HeartbeatStores.open(config);
  }

  @AfterAll
  void closeStore() {
    if (store != null) {
      store.close();
    }
    if (meterProvider != null) {
      meterProvider.close();
    }
  }

  /** The store every test shares. */
  protected final HeartbeatStore store() {
    return store;
  }

  protected final HeartbeatRepository heartbeats() {
    return store.heartbeats();
  }

  protected final HeartbeatMonitorRepository monitors() {
    return store.monitors();
  }

  /** The clock behind {@code updatedAt = now}. */
  protected final TestClock clock() {
    return clock;
  }

  /** Opens a second store of the same backend, with the same clock; the caller closes it. */
  protected final HeartbeatStore openAnotherStore(UnaryOperator<HeartbeatStoreConfig.Builder> tweak) {
    return HeartbeatStores.open(tweak.apply(configure(HeartbeatStoreConfig.builder()).clock(clock)).build());
  }

  // ---------------------------------------------------------------------------------------------
  // Fixtures
  // ---------------------------------------------------------------------------------------------

  protected static String newUserId() {
    return "user-" + UUID.randomUUID();
  }

  protected static String newOwner() {
    return "+1555" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  protected static Heartbeat heartbeat(String userId, String owner, Instant timestamp) {
    return new Heartbeat(UUID.randomUUID(), owner, "1.4.2", false, userId, timestamp);
  }

  protected static Heartbeat heartbeat(String userId, String owner, Instant timestamp, String version) {
    return new Heartbeat(UUID.randomUUID(), owner, version, true, userId, timestamp);
  }

  protected static HeartbeatMonitor monitor(String userId, String owner) {
    return new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), userId, "queue-" + UUID.randomUUID(),
        owner, false, T0, T0.plusSeconds(1));
  }

  /** A random id whose canonical form starts with {@code hex}: ids on both sides of the sign bit. */
  protected static UUID idStartingWith(char hex) {
    return UUID.fromString(hex + UUID.randomUUID().toString().substring(1));
  }

  private List<Heartbeat> all(String userId, String owner) {
    return heartbeats().index(userId, owner, EVERYTHING);
  }

  private static List<Heartbeat> newestFirst(List<Heartbeat> heartbeats) {
    List<Heartbeat> sorted = new ArrayList<>(heartbeats);
    sorted.sort(NEWEST_FIRST);
    return sorted;
  }

  private static List<Heartbeat> shuffled(List<Heartbeat> heartbeats) {
    List<Heartbeat> copy = new ArrayList<>(heartbeats);
    Collections.shuffle(copy, new Random(42));
    return copy;
  }

  private static Heartbeat withTimestamp(Heartbeat h, Instant timestamp) {
    return new Heartbeat(h.id(), h.owner(), h.version(), h.charging(), h.userId(), timestamp);
  }

  private static Heartbeat withVersion(Heartbeat h, String version) {
    return new Heartbeat(h.id(), h.owner(), version, h.charging(), h.userId(), h.timestamp());
  }

  private static Heartbeat withOwner(Heartbeat h, String owner) {
    return new Heartbeat(h.id(), owner, h.version(), h.charging(), h.userId(), h.timestamp());
  }

  private static Heartbeat withUserId(Heartbeat h, String userId) {
    return new Heartbeat(h.id(), h.owner(), h.version(), h.charging(), userId, h.timestamp());
  }

  private static Heartbeat withId(Heartbeat h, UUID id) {
    return new Heartbeat(id, h.owner(), h.version(), h.charging(), h.userId(), h.timestamp());
  }

  private static HeartbeatMonitor monitorWith(UUID id, UUID phoneId, String userId,
      String queueId, String owner, boolean phoneOnline, Instant createdAt, Instant updatedAt) {
    return new HeartbeatMonitor(id, phoneId, userId, queueId, owner, phoneOnline, createdAt, updatedAt);
  }

  private static HeartbeatMonitor withQueueId(HeartbeatMonitor m, String queueId) {
    return monitorWith(m.id(), m.phoneId(), m.userId(), queueId, m.owner(), m.phoneOnline(), m.createdAt(),
        m.updatedAt());
  }

  private static HeartbeatMonitor withUserId(HeartbeatMonitor m, String userId) {
    return monitorWith(m.id(), m.phoneId(), userId, m.queueId(), m.owner(), m.phoneOnline(), m.createdAt(),
        m.updatedAt());
  }

  private static HeartbeatMonitor withOwner(HeartbeatMonitor m, String owner) {
    return monitorWith(m.id(), m.phoneId(), m.userId(), m.queueId(), owner, m.phoneOnline(), m.createdAt(),
        m.updatedAt());
  }

  private static HeartbeatMonitor withId(HeartbeatMonitor m, UUID id) {
    return monitorWith(id, m.phoneId(), m.userId(), m.queueId(), m.owner(), m.phoneOnline(), m.createdAt(),
        m.updatedAt());
  }

  private static HeartbeatMonitor withPhoneId(HeartbeatMonitor m, UUID phoneId) {
    return monitorWith(m.id(), phoneId, m.userId(), m.queueId(), m.owner(), m.phoneOnline(), m.createdAt(),
        m.updatedAt());
  }

  private static HeartbeatMonitor withInstants(HeartbeatMonitor m, Instant createdAt, Instant updatedAt) {
    return monitorWith(m.id(), m.phoneId(), m.userId(), m.queueId(), m.owner(), m.phoneOnline(), createdAt,
        updatedAt);
  }

  /** Passwords and tokens in this run's configuration (URL user info, secret query parameters, the token). */
  private List<String> configuredSecrets() {
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

  // ---------------------------------------------------------------------------------------------
  // Instants
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Instants keep microsecond precision and come back in UTC")
  class Instants {

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

  // ---------------------------------------------------------------------------------------------
  // Ordering
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("index and last order by timestamp descending, then id descending")
  class Ordering {

    @Test
    @DisplayName("heartbeats stored in any order are listed newest first")
    void newestFirst() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> stored = IntStream.range(0, 12)
          .mapToObj(i -> heartbeat(user, owner, T0.plus(Duration.ofMinutes(i * 7L).plusNanos(i * 1000L))))
          .collect(Collectors.toList());
      shuffled(stored).forEach(heartbeats()::store);

      assertThat(all(user, owner)).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(stored));
    }

    @Test
    @DisplayName("heartbeats one microsecond apart are ordered by that microsecond")
    void microsecondApart() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat earlier = withId(heartbeat(user, owner, T0), idStartingWith('f'));
      Heartbeat later = withId(heartbeat(user, owner, T0.plusNanos(1000)), idStartingWith('0'));
      heartbeats().store(earlier);
      heartbeats().store(later);

      assertThat(all(user, owner)).containsExactly(later, earlier);
      assertThat(heartbeats().last(user, owner)).contains(later);
    }

    @Test
    @DisplayName("a whole second sorts correctly against the fractions around it")
    void wholeSecondsAgainstFractions() {
      String user = newUserId();
      String owner = newOwner();
      Instant second = Instant.parse("2024-05-01T10:00:00Z");
      List<Heartbeat> stored = List.of(
          heartbeat(user, owner, second.minusNanos(1000)),
          heartbeat(user, owner, second),
          heartbeat(user, owner, second.plusNanos(1000)),
          heartbeat(user, owner, second.plusMillis(500)),
          heartbeat(user, owner, second.plusSeconds(1)));
      shuffled(stored).forEach(heartbeats()::store);

      assertThat(all(user, owner)).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(stored));
    }

    @Test
    @DisplayName("equal timestamps are ordered by id descending, as the canonical UUID text sorts")
    void tiesByIdDescending() {
      String user = newUserId();
      String owner = newOwner();
      // Ids on both sides of the sign bit: a signed comparison (java.util.UUID#compareTo) would put 8… and f… last.
      List<Heartbeat> stored = new ArrayList<>();
      for (char c : "0378af".toCharArray()) {
        stored.add(withId(heartbeat(user, owner, T0), idStartingWith(c)));
      }
      Heartbeat older = withId(heartbeat(user, owner, T0.minusSeconds(1)), idStartingWith('f'));
      stored.add(older);
      shuffled(stored).forEach(heartbeats()::store);

      List<Heartbeat> listed = all(user, owner);

      assertThat(listed).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(stored));
      assertThat(listed.get(0).id().toString()).startsWith("f");
      assertThat(listed.get(listed.size() - 1)).isEqualTo(older);
    }

    @Test
    @DisplayName("last returns the first heartbeat index would list, ties included")
    void lastIsTheFirstOfIndex() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat tieLow = withId(heartbeat(user, owner, T0), idStartingWith('7'));
      Heartbeat tieHigh = withId(heartbeat(user, owner, T0), idStartingWith('9'));
      Heartbeat older = heartbeat(user, owner, T0.minusMillis(1));
      heartbeats().store(tieHigh);
      heartbeats().store(older);
      heartbeats().store(tieLow);

      assertThat(heartbeats().last(user, owner)).contains(tieHigh);
      assertThat(all(user, owner).get(0)).isEqualTo(tieHigh);
    }

    @Test
    @DisplayName("index and last see only the given user's heartbeats for the given owner")
    void scopedToUserAndOwner() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat mine = heartbeat(user, owner, T0);
      heartbeats().store(mine);
      heartbeats().store(heartbeat(user, newOwner(), T0.plusSeconds(10)));
      heartbeats().store(heartbeat(newUserId(), owner, T0.plusSeconds(20)));

      assertThat(all(user, owner)).containsExactly(mine);
      assertThat(heartbeats().last(user, owner)).contains(mine);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Pagination
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("index pages with skip and limit, without overlap or gap")
  @TestInstance(TestInstance.Lifecycle.PER_METHOD) // fresh user and owner per test
  class Pagination {

    private final String user = newUserId();
    private final String owner = newOwner();
    private List<Heartbeat> expected;

    /** 25 heartbeats, with runs of equal timestamps so that pages cut through ties. */
    private void store25() {
      List<Heartbeat> stored = IntStream.range(0, 25)
          .mapToObj(i -> heartbeat(user, owner, T0.plusSeconds(i / 3)))
          .collect(Collectors.toList());
      heartbeats().storeAll(shuffled(stored));
      expected = HeartbeatStoreContract.newestFirst(stored);
    }

    @Test
    @DisplayName("pages of 10 at skip 0, 10 and 20 are 10, 10 and 5 rows that together are the whole list")
    void pagesCoverEverythingOnce() {
      store25();

      List<Heartbeat> page1 = heartbeats().index(user, owner, new IndexParams(0, 10, null));
      List<Heartbeat> page2 = heartbeats().index(user, owner, new IndexParams(10, 10, null));
      List<Heartbeat> page3 = heartbeats().index(user, owner, new IndexParams(20, 10, null));

      assertThat(page1).hasSize(10);
      assertThat(page2).hasSize(10);
      assertThat(page3).hasSize(5);
      List<Heartbeat> joined = new ArrayList<>(page1);
      joined.addAll(page2);
      joined.addAll(page3);
      assertThat(joined).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("pages of 7 (cutting through equal timestamps) add up to the whole list")
    void oddPages() {
      store25();

      List<Heartbeat> joined = new ArrayList<>();
      for (int skip = 0; skip < 25; skip += 7) {
        joined.addAll(heartbeats().index(user, owner, new IndexParams(skip, 7, "")));
      }

      assertThat(joined).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("limit 1 returns only the newest; limit 1000 returns all")
    void limitBounds() {
      store25();

      assertThat(heartbeats().index(user, owner, new IndexParams(0, 1, null))).containsExactly(expected.get(0));
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 1000, null))).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("skip at or past the end returns an empty list")
    void skipPastTheEnd() {
      store25();

      assertThat(heartbeats().index(user, owner, new IndexParams(24, 10, null))).containsExactly(expected.get(24));
      assertThat(heartbeats().index(user, owner, new IndexParams(25, 10, null))).isEmpty();
      assertThat(heartbeats().index(user, owner, new IndexParams(1000, 10, null))).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Query
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("query is a literal substring of version; null or blank means no filter")
  @TestInstance(TestInstance.Lifecycle.PER_METHOD) // fresh user and owner per test
  class Query {

    private final String user = newUserId();
    private final String owner = newOwner();
    private final Heartbeat plain = heartbeat(user, owner, T0.plusSeconds(9), "1.0.0");
    private final Heartbeat percent = heartbeat(user, owner, T0.plusSeconds(8), "1.0%");
    private final Heartbeat underscore = heartbeat(user, owner, T0.plusSeconds(7), "1_0-beta");
    private final Heartbeat digits = heartbeat(user, owner, T0.plusSeconds(6), "100");
    private final Heartbeat backslash = heartbeat(user, owner, T0.plusSeconds(5), "build\\7");
    private final Heartbeat quote = heartbeat(user, owner, T0.plusSeconds(4), "it's 2.0");
    private final Heartbeat empty = heartbeat(user, owner, T0.plusSeconds(3), "");
    private final Heartbeat star = heartbeat(user, owner, T0.plusSeconds(2), "2.*");

    private List<Heartbeat> search(String query) {
      heartbeats().storeAll(List.of(plain, percent, underscore, digits, backslash, quote, empty, star));
      return heartbeats().index(user, owner, new IndexParams(0, 100, query));
    }

    @Test
    @DisplayName("a null query lists every heartbeat, including those with an empty version")
    void nullQuery() {
      assertThat(search(null)).containsExactly(plain, percent, underscore, digits, backslash, quote, empty, star);
    }

    @Test
    @DisplayName("an empty or blank query lists every heartbeat")
    void blankQuery() {
      List<Heartbeat> everything = search("");
      assertThat(everything).containsExactly(plain, percent, underscore, digits, backslash, quote, empty, star);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "   "))).isEqualTo(everything);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "\t"))).isEqualTo(everything);
    }

    @Test
    @DisplayName("a query matches anywhere in version")
    void substring() {
      assertThat(search("0.0")).containsExactly(plain);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1."))).containsExactly(plain, percent);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "beta"))).containsExactly(underscore);
    }

    @Test
    @DisplayName("% matches only a version that contains %")
    void percentIsLiteral() {
      assertThat(search("%")).containsExactly(percent);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1.0%"))).containsExactly(percent);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1%0"))).isEmpty();
    }

    @Test
    @DisplayName("_ matches only a version that contains _")
    void underscoreIsLiteral() {
      assertThat(search("_")).containsExactly(underscore);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1_0"))).containsExactly(underscore);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1_"))).containsExactly(underscore);
    }

    @Test
    @DisplayName("backslashes, quotes and * are matched literally too")
    void otherMetacharactersAreLiteral() {
      assertThat(search("\\")).containsExactly(backslash);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "d\\7"))).containsExactly(backslash);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "'"))).containsExactly(quote);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "*"))).containsExactly(star);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "1.*"))).isEmpty();
    }

    @Test
    @DisplayName("matching is exact, case included, the same on every backend")
    void caseSensitive() {
      assertThat(search("beta")).containsExactly(underscore);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "BETA"))).isEmpty();
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, "IT'S"))).isEmpty();
    }

    @Test
    @DisplayName("a query that matches nothing returns an empty list")
    void matchesNothing() {
      assertThat(search("9.9.9")).isEmpty();
    }

    @Test
    @DisplayName("skip and limit page through the matches, not through all heartbeats")
    void filterBeforePaging() {
      List<Heartbeat> matches = search("1");
      assertThat(matches).containsExactly(plain, percent, underscore, digits);

      assertThat(heartbeats().index(user, owner, new IndexParams(1, 2, "1"))).containsExactly(percent, underscore);
      assertThat(heartbeats().index(user, owner, new IndexParams(3, 10, "1"))).containsExactly(digits);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Empty results
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Reads that match nothing return empty results")
  class EmptyResults {

    @Test
    @DisplayName("index of an unknown user returns an empty list")
    void indexOfUnknownUser() {
      assertThat(heartbeats().index(newUserId(), newOwner(), IndexParams.first(20))).isNotNull().isEmpty();
    }

    @Test
    @DisplayName("index of a known user for an owner without heartbeats returns an empty list")
    void indexOfOtherOwner() {
      String user = newUserId();
      heartbeats().store(heartbeat(user, newOwner(), T0));

      assertThat(heartbeats().index(user, newOwner(), IndexParams.first(20))).isNotNull().isEmpty();
    }

    @Test
    @DisplayName("last returns Optional.empty() when there is no heartbeat")
    void lastIsEmpty() {
      String user = newUserId();
      String owner = newOwner();
      heartbeats().store(heartbeat(newUserId(), owner, T0));

      assertThat(heartbeats().last(user, owner)).isNotNull().isEmpty();
    }

    @Test
    @DisplayName("load returns Optional.empty() when there is no monitor")
    void loadIsEmpty() {
      String user = newUserId();
      String owner = newOwner();
      monitors().store(monitor(newUserId(), owner));

      assertThat(monitors().load(user, owner)).isNotNull().isEmpty();
    }

    @Test
    @DisplayName("exists is false for an unknown monitor id")
    void existsIsFalse() {
      assertThat(monitors().exists(newUserId(), UUID.randomUUID())).isFalse();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Duplicates
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("store of an id that already exists throws DuplicateRecordException and changes nothing")
  class Duplicates {

    @Test
    @DisplayName("a heartbeat with an existing id, whatever its other fields, is refused; the original stays")
    void duplicateHeartbeat() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat original = heartbeat(user, owner, T0, "1.0.0");
      heartbeats().store(original);
      Heartbeat sameId = new Heartbeat(original.id(), owner, "6.6.6", !original.charging(), user, T0.plusSeconds(60));

      assertThatThrownBy(() -> heartbeats().store(sameId)).isInstanceOf(DuplicateRecordException.class);

      assertThat(all(user, owner)).containsExactly(original);
    }

    @Test
    @DisplayName("a heartbeat with an existing id is refused even for another user and owner")
    void duplicateHeartbeatElsewhere() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat original = heartbeat(user, owner, T0);
      heartbeats().store(original);
      String otherUser = newUserId();
      String otherOwner = newOwner();

      assertThatThrownBy(() -> heartbeats().store(withOwner(withUserId(original, otherUser), otherOwner)))
          .isInstanceOf(DuplicateRecordException.class);

      assertThat(all(otherUser, otherOwner)).isEmpty();
      assertThat(all(user, owner)).containsExactly(original);
    }

    @Test
    @DisplayName("a monitor with an existing id, whatever its other fields, is refused; the original stays")
    void duplicateMonitor() {
      String user = newUserId();
      String owner = newOwner();
      HeartbeatMonitor original = monitor(user, owner);
      monitors().store(original);
      HeartbeatMonitor sameId = new HeartbeatMonitor(original.id(), UUID.randomUUID(), user, "other-queue", owner,
          !original.phoneOnline(), T0.plusSeconds(5), T0.plusSeconds(6));

      assertThatThrownBy(() -> monitors().store(sameId)).isInstanceOf(DuplicateRecordException.class);

      assertThat(monitors().load(user, owner)).contains(original);
    }

    @Test
    @DisplayName("a monitor with an existing id is refused even for another user and owner")
    void duplicateMonitorElsewhere() {
      String user = newUserId();
      String owner = newOwner();
      HeartbeatMonitor original = monitor(user, owner);
      monitors().store(original);
      String otherUser = newUserId();
      String otherOwner = newOwner();

      assertThatThrownBy(() -> monitors().store(withOwner(withUserId(original, otherUser), otherOwner)))
          .isInstanceOf(DuplicateRecordException.class);

      assertThat(monitors().load(otherUser, otherOwner)).isEmpty();
      assertThat(monitors().exists(otherUser, original.id())).isFalse();
      assertThat(monitors().load(user, owner)).contains(original);
    }

    @Test
    @DisplayName("the store keeps working after a duplicate is refused")
    void usableAfterDuplicate() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat original = heartbeat(user, owner, T0);
      heartbeats().store(original);
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> heartbeats().store(original)).isInstanceOf(DuplicateRecordException.class);
      }
      Heartbeat next = heartbeat(user, owner, T0.plusSeconds(1));

      heartbeats().store(next);

      assertThat(all(user, owner)).containsExactly(next, original);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // storeAll
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("storeAll is all-or-nothing")
  class StoreAll {

    @Test
    @DisplayName("every heartbeat of a batch is stored, across users and owners")
    void storesEverything() {
      String user = newUserId();
      String owner = newOwner();
      String otherOwner = newOwner();
      String otherUser = newUserId();
      List<Heartbeat> mine = IntStream.range(0, 40)
          .mapToObj(i -> heartbeat(user, owner, T0.plusMillis(i)))
          .collect(Collectors.toList());
      Heartbeat mineElsewhere = heartbeat(user, otherOwner, T0);
      Heartbeat theirs = heartbeat(otherUser, owner, T0);
      List<Heartbeat> batch = new ArrayList<>(mine);
      batch.add(mineElsewhere);
      batch.add(theirs);

      heartbeats().storeAll(batch);

      assertThat(all(user, owner)).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(mine));
      assertThat(all(user, otherOwner)).containsExactly(mineElsewhere);
      assertThat(all(otherUser, owner)).containsExactly(theirs);
    }

    @Test
    @DisplayName("a batch holding an id that already exists throws DuplicateRecordException and stores none of it")
    void existingIdInBatch() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat existing = heartbeat(user, owner, T0);
      heartbeats().store(existing);
      List<Heartbeat> batch = List.of(
          heartbeat(user, owner, T0.plusSeconds(1)),
          heartbeat(user, owner, T0.plusSeconds(2)),
          withVersion(withTimestamp(existing, T0.plusSeconds(3)), "changed"),
          heartbeat(user, owner, T0.plusSeconds(4)));

      assertThatThrownBy(() -> heartbeats().storeAll(batch)).isInstanceOf(DuplicateRecordException.class);

      assertThat(all(user, owner)).containsExactly(existing);
    }

    @Test
    @DisplayName("a batch holding the same id twice throws DuplicateRecordException and stores none of it")
    void duplicateWithinBatch() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat first = heartbeat(user, owner, T0);
      List<Heartbeat> batch = List.of(
          first,
          heartbeat(user, owner, T0.plusSeconds(1)),
          withTimestamp(first, T0.plusSeconds(2)),
          heartbeat(user, owner, T0.plusSeconds(3)));

      assertThatThrownBy(() -> heartbeats().storeAll(batch)).isInstanceOf(DuplicateRecordException.class);

      assertThat(all(user, owner)).isEmpty();
      assertThat(heartbeats().last(user, owner)).isEmpty();
    }

    @Test
    @DisplayName("a batch with one invalid heartbeat is refused before any I/O: none of it is stored")
    void invalidElement() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> batch = List.of(
          heartbeat(user, owner, T0),
          heartbeat(user, owner, T0.plusSeconds(1)),
          heartbeat(user, " ", T0.plusSeconds(2)));

      assertThatThrownBy(() -> heartbeats().storeAll(batch)).isInstanceOf(IllegalArgumentException.class);

      assertThat(all(user, owner)).isEmpty();
    }

    @Test
    @DisplayName("an empty batch is a no-op that succeeds")
    void emptyBatch() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat existing = heartbeat(user, owner, T0);
      heartbeats().store(existing);

      assertThatCode(() -> heartbeats().storeAll(List.of())).doesNotThrowAnyException();
      assertThatCode(() -> heartbeats().storeAll(new ArrayList<>())).doesNotThrowAnyException();

      assertThat(all(user, owner)).containsExactly(existing);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("the largest batch, exactly 10,000 heartbeats (more than one statement's bind parameters allow), is stored whole")
    void largestBatch() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> batch = IntStream.range(0, 10_000)
          .mapToObj(i -> heartbeat(user, owner, T0.plusNanos(i * 1000L)))
          .collect(Collectors.toList());

      heartbeats().storeAll(batch);

      List<Heartbeat> expected = HeartbeatStoreContract.newestFirst(batch);
      assertThat(heartbeats().index(user, owner, new IndexParams(0, 1000, null)))
          .containsExactlyElementsOf(expected.subList(0, 1000));
      assertThat(heartbeats().index(user, owner, new IndexParams(9_500, 1000, null)))
          .containsExactlyElementsOf(expected.subList(9_500, 10_000));
      heartbeats().deleteAllForUser(user);
    }

    @Test
    @DisplayName("a batch of 1,000 heartbeats is stored whole")
    void largeBatch() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> batch = IntStream.range(0, 1000)
          .mapToObj(i -> heartbeat(user, owner, T0.plusNanos(i * 1000L)))
          .collect(Collectors.toList());

      heartbeats().storeAll(batch);

      assertThat(all(user, owner)).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(batch));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Arguments
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Bad arguments throw IllegalArgumentException naming the parameter, before any I/O")
  @TestInstance(TestInstance.Lifecycle.PER_METHOD) // fresh user and owner per test
  class Arguments {

    private final String user = newUserId();
    private final String owner = newOwner();
    private final String tooLong = "x".repeat(256);
    private final String longest = "y".repeat(255);

    private DynamicTest rejects(String parameter, String what, ThrowingCallable call) {
      return dynamicTest(what + " is refused, naming " + parameter, () -> {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage()).containsPattern("\\b" + Pattern.quote(parameter) + "\\b");
      });
    }

    private Heartbeat valid() {
      return heartbeat(user, owner, T0);
    }

    private HeartbeatMonitor validMonitor() {
      return monitor(user, owner);
    }

    @TestFactory
    @DisplayName("HeartbeatRepository refuses")
    Stream<DynamicTest> heartbeatRepository() {
      Heartbeat h = valid();
      return Stream.of(
          rejects("heartbeat", "store(null)", () -> heartbeats().store(null)),
          rejects("id", "a null id", () -> heartbeats().store(withId(h, null))),
          rejects("owner", "a null owner", () -> heartbeats().store(withOwner(h, null))),
          rejects("owner", "an empty owner", () -> heartbeats().store(withOwner(h, ""))),
          rejects("owner", "a blank owner", () -> heartbeats().store(withOwner(h, " \t "))),
          rejects("owner", "a 256-character owner", () -> heartbeats().store(withOwner(h, tooLong))),
          rejects("userId", "a null userId", () -> heartbeats().store(withUserId(h, null))),
          rejects("userId", "a blank userId", () -> heartbeats().store(withUserId(h, "  "))),
          rejects("userId", "a 256-character userId", () -> heartbeats().store(withUserId(h, tooLong))),
          rejects("version", "a null version", () -> heartbeats().store(withVersion(h, null))),
          rejects("version", "a 256-character version", () -> heartbeats().store(withVersion(h, tooLong))),
          rejects("timestamp", "a null timestamp", () -> heartbeats().store(withTimestamp(h, null))),
          rejects("timestamp", "a timestamp before 4713 BC",
              () -> heartbeats().store(withTimestamp(h, Instant.parse("-5000-01-01T00:00:00Z")))),
          rejects("timestamp", "a timestamp after the year 294246",
              () -> heartbeats().store(withTimestamp(h, Instant.MAX))),
          rejects("owner", "an owner holding NUL", () -> heartbeats().store(withOwner(h, "a\u0000b"))),
          rejects("version", "a version holding NUL", () -> heartbeats().store(withVersion(h, "1\u0000"))),
          rejects("userId", "a userId holding NUL", () -> heartbeats().store(withUserId(h, "\u0000"))),
          rejects("heartbeats", "storeAll(null)", () -> heartbeats().storeAll(null)),
          rejects("heartbeats", "storeAll of a list holding null",
              () -> heartbeats().storeAll(Arrays.asList(valid(), null))),
          rejects("owner", "storeAll of a heartbeat with a blank owner",
              () -> heartbeats().storeAll(List.of(valid(), withOwner(valid(), "")))),
          rejects("userId", "index with a null userId", () -> heartbeats().index(null, owner, IndexParams.first(1))),
          rejects("userId", "index with a blank userId", () -> heartbeats().index(" ", owner, IndexParams.first(1))),
          rejects("owner", "index with a null owner", () -> heartbeats().index(user, null, IndexParams.first(1))),
          rejects("owner", "index with a blank owner", () -> heartbeats().index(user, "", IndexParams.first(1))),
          rejects("owner", "index with a 256-character owner",
              () -> heartbeats().index(user, tooLong, IndexParams.first(1))),
          rejects("params", "index with null params", () -> heartbeats().index(user, owner, null)),
          rejects("userId", "last with a null userId", () -> heartbeats().last(null, owner)),
          rejects("userId", "last with a blank userId", () -> heartbeats().last("\n", owner)),
          rejects("owner", "last with a null owner", () -> heartbeats().last(user, null)),
          rejects("owner", "last with a blank owner", () -> heartbeats().last(user, " ")),
          rejects("userId", "deleteAllForUser(null)", () -> heartbeats().deleteAllForUser(null)),
          rejects("userId", "deleteAllForUser(\"\")", () -> heartbeats().deleteAllForUser("")),
          rejects("userId", "deleteAllForUser of 256 characters", () -> heartbeats().deleteAllForUser(tooLong)));
    }

    @TestFactory
    @DisplayName("IndexParams refuses")
    Stream<DynamicTest> indexParams() {
      return Stream.of(
          rejects("skip", "skip -1", () -> new IndexParams(-1, 10, null)),
          rejects("limit", "limit 0", () -> new IndexParams(0, 0, null)),
          rejects("limit", "limit -5", () -> new IndexParams(0, -5, null)),
          rejects("limit", "limit 1001", () -> new IndexParams(0, 1001, null)),
          rejects("query", "a 256-character query", () -> new IndexParams(0, 10, tooLong)),
          rejects("query", "a query holding NUL", () -> new IndexParams(0, 10, "a\u0000")));
    }

    @TestFactory
    @DisplayName("HeartbeatMonitorRepository refuses")
    Stream<DynamicTest> monitorRepository() {
      HeartbeatMonitor m = validMonitor();
      UUID id = m.id();
      return Stream.of(
          rejects("monitor", "store(null)", () -> monitors().store(null)),
          rejects("id", "a null id", () -> monitors().store(withId(m, null))),
          rejects("phoneId", "a null phoneId", () -> monitors().store(withPhoneId(m, null))),
          rejects("userId", "a null userId", () -> monitors().store(withUserId(m, null))),
          rejects("userId", "a blank userId", () -> monitors().store(withUserId(m, " "))),
          rejects("userId", "a 256-character userId", () -> monitors().store(withUserId(m, tooLong))),
          rejects("owner", "a null owner", () -> monitors().store(withOwner(m, null))),
          rejects("owner", "a blank owner", () -> monitors().store(withOwner(m, ""))),
          rejects("owner", "a 256-character owner", () -> monitors().store(withOwner(m, tooLong))),
          rejects("queueId", "a null queueId", () -> monitors().store(withQueueId(m, null))),
          rejects("queueId", "a 256-character queueId", () -> monitors().store(withQueueId(m, tooLong))),
          rejects("createdAt", "a null createdAt", () -> monitors().store(withInstants(m, null, T0))),
          rejects("updatedAt", "a null updatedAt", () -> monitors().store(withInstants(m, T0, null))),
          rejects("userId", "load with a null userId", () -> monitors().load(null, owner)),
          rejects("userId", "load with a blank userId", () -> monitors().load(" ", owner)),
          rejects("owner", "load with a null owner", () -> monitors().load(user, null)),
          rejects("owner", "load with a blank owner", () -> monitors().load(user, "\t")),
          rejects("userId", "exists with a null userId", () -> monitors().exists(null, id)),
          rejects("userId", "exists with a blank userId", () -> monitors().exists("", id)),
          rejects("monitorId", "exists with a null monitorId", () -> monitors().exists(user, null)),
          rejects("monitorId", "updateQueueId with a null monitorId", () -> monitors().updateQueueId(null, "q")),
          rejects("queueId", "updateQueueId with a null queueId", () -> monitors().updateQueueId(id, null)),
          rejects("queueId", "updateQueueId with a 256-character queueId",
              () -> monitors().updateQueueId(id, tooLong)),
          rejects("userId", "delete with a null userId", () -> monitors().delete(null, owner)),
          rejects("userId", "delete with a blank userId", () -> monitors().delete("  ", owner)),
          rejects("owner", "delete with a null owner", () -> monitors().delete(user, null)),
          rejects("owner", "delete with a blank owner", () -> monitors().delete(user, "")),
          rejects("userId", "updatePhoneOnline with a null userId", () -> monitors().updatePhoneOnline(null, id, true)),
          rejects("userId", "updatePhoneOnline with a blank userId", () -> monitors().updatePhoneOnline(" ", id, true)),
          rejects("monitorId", "updatePhoneOnline with a null monitorId",
              () -> monitors().updatePhoneOnline(user, null, true)),
          rejects("userId", "deleteAllForUser(null)", () -> monitors().deleteAllForUser(null)),
          rejects("userId", "deleteAllForUser(\" \")", () -> monitors().deleteAllForUser(" ")));
    }

    @Test
    @DisplayName("a refused heartbeat leaves nothing behind")
    void refusedHeartbeatIsNotStored() {
      assertThatThrownBy(() -> heartbeats().store(withVersion(valid(), tooLong)))
          .isInstanceOf(IllegalArgumentException.class);

      assertThat(heartbeats().last(user, owner)).isEmpty();
    }

    @Test
    @DisplayName("a refused monitor leaves nothing behind")
    void refusedMonitorIsNotStored() {
      HeartbeatMonitor m = withQueueId(validMonitor(), tooLong);
      assertThatThrownBy(() -> monitors().store(m)).isInstanceOf(IllegalArgumentException.class);

      assertThat(monitors().load(user, owner)).isEmpty();
      assertThat(monitors().exists(user, m.id())).isFalse();
    }

    @Test
    @DisplayName("a refused queueId update changes nothing")
    void refusedUpdateChangesNothing() {
      HeartbeatMonitor m = validMonitor();
      monitors().store(m);

      assertThatThrownBy(() -> monitors().updateQueueId(m.id(), tooLong)).isInstanceOf(IllegalArgumentException.class);

      assertThat(monitors().load(user, owner)).contains(m);
    }

    @Test
    @DisplayName("255-character strings are accepted and come back whole")
    void longestStringsAccepted() {
      String longUser = "u".repeat(250) + UUID.randomUUID().toString().substring(0, 5);
      String longOwner = "o".repeat(250) + UUID.randomUUID().toString().substring(0, 5);
      Heartbeat h = new Heartbeat(UUID.randomUUID(), longOwner, longest, true, longUser, T0);
      HeartbeatMonitor m = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), longUser, longest, longOwner,
          true, T0, T0);

      heartbeats().store(h);
      monitors().store(m);

      assertThat(heartbeats().last(longUser, longOwner)).contains(h);
      assertThat(heartbeats().index(longUser, longOwner, new IndexParams(0, 10, longest))).containsExactly(h);
      assertThat(monitors().load(longUser, longOwner)).contains(m);
    }

    @Test
    @DisplayName("an empty version and an empty queueId are accepted and come back empty, not null")
    void emptyVersionAndQueueIdAccepted() {
      Heartbeat h = withVersion(valid(), "");
      HeartbeatMonitor m = withQueueId(validMonitor(), "");

      heartbeats().store(h);
      monitors().store(m);

      assertThat(heartbeats().last(user, owner)).contains(h);
      assertThat(heartbeats().last(user, owner).orElseThrow().version()).isEmpty();
      assertThat(monitors().load(user, owner)).contains(m);
      assertThat(monitors().load(user, owner).orElseThrow().queueId()).isNotNull().isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Unicode text
  // ---------------------------------------------------------------------------------------------

  /** How many operations the store recorded on {@code collection}, failed or not: none for a call refused before I/O. */
  private long recordedOperations(String collection, String operation) {
    return metricReader.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(DURATION_METRIC))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .filter(p -> collection.equals(p.getAttributes().get(DB_COLLECTION_NAME))
            && operation.equals(p.getAttributes().get(DB_OPERATION_NAME)))
        .mapToLong(HistogramPointData::getCount)
        .sum();
  }

  @Nested
  @DisplayName("Strings are valid Unicode text: a NUL or a lone surrogate is refused before any I/O, and lengths count characters (code points)")
  @TestInstance(TestInstance.Lifecycle.PER_METHOD) // fresh user and owner per test
  class UnicodeText {

    private final String user = newUserId();
    private final String owner = newOwner();
    /** 📱 is one character, two UTF-16 units: 255 of them are 510 units. */
    private final String longestEmoji = "📱".repeat(255);
    private final String tooManyEmoji = "📱".repeat(256);

    private DynamicTest refusedBeforeIo(String parameter, String what, String collection, String operation,
        ThrowingCallable call) {
      return dynamicTest(what + " is refused before any I/O, naming " + parameter, () -> {
        long recorded = recordedOperations(collection, operation);

        Throwable thrown = catchThrowable(call);

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage()).containsPattern("\\b" + Pattern.quote(parameter) + "\\b");
        assertThat(recordedOperations(collection, operation)).as("operations that reached the backend")
            .isEqualTo(recorded);
      });
    }

    @TestFactory
    @DisplayName("a lone surrogate or a NUL in any text")
    Stream<DynamicTest> invalidText() {
      Heartbeat h = heartbeat(user, owner, T0);
      HeartbeatMonitor m = monitor(user, owner);
      String hb = "heartbeats";
      String mon = "heartbeat_monitors";
      return Stream.of(
          refusedBeforeIo("owner", "an owner holding a lone high surrogate (U+D800)", hb, "store",
              () -> heartbeats().store(withOwner(h, "phone\uD800"))),
          refusedBeforeIo("owner", "an owner holding a lone low surrogate (U+DC00)", hb, "store",
              () -> heartbeats().store(withOwner(h, "\uDC00phone"))),
          refusedBeforeIo("userId", "a userId holding a surrogate pair the wrong way round", hb, "store",
              () -> heartbeats().store(withUserId(h, "u\uDCF1\uD83D"))),
          refusedBeforeIo("version", "a version ending in half an emoji", hb, "store",
              () -> heartbeats().store(withVersion(h, "1.0 \uD83D"))),
          refusedBeforeIo("version", "a version holding NUL", hb, "store",
              () -> heartbeats().store(withVersion(h, "1\u00000"))),
          refusedBeforeIo("owner", "storeAll of a heartbeat whose owner holds a lone surrogate", hb, "storeAll",
              () -> heartbeats().storeAll(List.of(heartbeat(user, owner, T0), withOwner(h, "\uD800")))),
          refusedBeforeIo("owner", "index with an owner holding a lone surrogate", hb, "index",
              () -> heartbeats().index(user, "\uD800", IndexParams.first(1))),
          refusedBeforeIo("userId", "last with a userId holding NUL", hb, "last",
              () -> heartbeats().last("u\u0000", owner)),
          refusedBeforeIo("userId", "deleteAllForUser with a lone surrogate", hb, "deleteAllForUser",
              () -> heartbeats().deleteAllForUser("\uDBFF")),
          refusedBeforeIo("queueId", "a monitor whose queueId holds a lone surrogate", mon, "store",
              () -> monitors().store(withQueueId(m, "queue-\uD800"))),
          refusedBeforeIo("owner", "a monitor whose owner holds NUL", mon, "store",
              () -> monitors().store(withOwner(m, "\u0000"))),
          refusedBeforeIo("queueId", "updateQueueId with a lone surrogate", mon, "updateQueueId",
              () -> monitors().updateQueueId(m.id(), "\uDC00")),
          refusedBeforeIo("owner", "load with an owner holding a lone surrogate", mon, "load",
              () -> monitors().load(user, "\uD83D")),
          refusedBeforeIo("userId", "exists with a userId holding a lone surrogate", mon, "exists",
              () -> monitors().exists("\uD800", m.id())),
          refusedBeforeIo("query", "an index query holding a lone surrogate", hb, "index",
              () -> heartbeats().index(user, owner, new IndexParams(0, 10, "1.\uD800"))));
    }

    @Test
    @DisplayName("nothing of a refused heartbeat or monitor is stored (no driver got to replace the surrogate with '?')")
    void refusedLeavesNothing() {
      Heartbeat h = heartbeat(user, owner, T0, "1.0 \uD83D");
      HeartbeatMonitor m = withQueueId(monitor(user, owner), "q\uD800");

      assertThatThrownBy(() -> heartbeats().store(h)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> monitors().store(m)).isInstanceOf(IllegalArgumentException.class);

      assertThat(heartbeats().last(user, owner)).isEmpty();
      assertThat(monitors().exists(user, m.id())).isFalse();
    }

    @Test
    @DisplayName("255 emoji (510 UTF-16 units) are 255 characters: accepted in every text field and returned whole")
    void codePointsNotUnits() {
      String emojiUser = "📱".repeat(200) + UUID.randomUUID();
      String emojiOwner = "🔋".repeat(200) + UUID.randomUUID();
      Heartbeat h = new Heartbeat(UUID.randomUUID(), emojiOwner, longestEmoji, true, emojiUser, T0);
      HeartbeatMonitor m = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), emojiUser, longestEmoji,
          emojiOwner, true, T0, T0);

      heartbeats().store(h);
      monitors().store(m);

      assertThat(heartbeats().last(emojiUser, emojiOwner)).contains(h);
      assertThat(heartbeats().index(emojiUser, emojiOwner, new IndexParams(0, 10, longestEmoji))).containsExactly(h);
      assertThat(monitors().load(emojiUser, emojiOwner)).contains(m);
      monitors().updateQueueId(m.id(), longestEmoji.substring(2) + "🔋");
      assertThat(monitors().load(emojiUser, emojiOwner).orElseThrow().queueId()).isEqualTo(longestEmoji.substring(2) + "🔋");
    }

    @TestFactory
    @DisplayName("256 emoji are 256 characters: refused")
    Stream<DynamicTest> tooManyCharacters() {
      Heartbeat h = heartbeat(user, owner, T0);
      return Stream.of(
          refusedBeforeIo("version", "a version of 256 emoji", "heartbeats", "store",
              () -> heartbeats().store(withVersion(h, tooManyEmoji))),
          refusedBeforeIo("owner", "an owner of 256 emoji", "heartbeats", "store",
              () -> heartbeats().store(withOwner(h, tooManyEmoji))),
          refusedBeforeIo("queueId", "a queueId of 256 emoji", "heartbeat_monitors", "updateQueueId",
              () -> monitors().updateQueueId(UUID.randomUUID(), tooManyEmoji)),
          refusedBeforeIo("query", "a query of 256 emoji", "heartbeats", "index",
              () -> heartbeats().index(user, owner, new IndexParams(0, 10, tooManyEmoji))));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The largest batch
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("storeAll takes at most 10,000 heartbeats")
  class BatchLimit {

    @Test
    @DisplayName("10,001 heartbeats are refused before any I/O, naming heartbeats; none is stored")
    void overTheLimit() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> batch = IntStream.range(0, 10_001)
          .mapToObj(i -> heartbeat(user, owner, T0.plusNanos(i * 1000L)))
          .collect(Collectors.toList());
      long recorded = recordedOperations("heartbeats", "BATCH store");

      Throwable thrown = catchThrowable(() -> heartbeats().storeAll(batch));

      assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
      assertThat(thrown.getMessage()).containsPattern("\\bheartbeats\\b").contains("10000");
      assertThat(recordedOperations("heartbeats", "BATCH store")).isEqualTo(recorded);
      assertThat(heartbeats().last(user, owner)).isEmpty();
    }

    // Exactly 10,000 is StoreAll.largestBatch.
  }

  // ---------------------------------------------------------------------------------------------
  // Closing
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("close() is idempotent, returns within the deadline, ends calls in flight and leaks nothing")
  class Closing {

    @Test
    @DisplayName("every call after close() throws IllegalStateException")
    void callsAfterClose() {
      HeartbeatStore closed = openAnotherStore(b -> b);
      closed.heartbeats().last(newUserId(), newOwner());
      closed.close();
      String user = newUserId();
      String owner = newOwner();
      HeartbeatMonitor m = monitor(user, owner);
      List<ThrowingCallable> calls = List.of(
          () -> closed.heartbeats().store(heartbeat(user, owner, T0)),
          () -> closed.heartbeats().storeAll(List.of(heartbeat(user, owner, T0))),
          () -> closed.heartbeats().index(user, owner, IndexParams.first(1)),
          () -> closed.heartbeats().last(user, owner),
          () -> closed.heartbeats().deleteAllForUser(user),
          () -> closed.monitors().store(m),
          () -> closed.monitors().load(user, owner),
          () -> closed.monitors().exists(user, m.id()),
          () -> closed.monitors().updateQueueId(m.id(), "q"),
          () -> closed.monitors().delete(user, owner),
          () -> closed.monitors().updatePhoneOnline(user, m.id(), true),
          () -> closed.monitors().deleteAllForUser(user));

      for (ThrowingCallable call : calls) {
        assertThatThrownBy(call).isInstanceOf(IllegalStateException.class);
      }
      assertThat(heartbeats().last(user, owner)).isEmpty();
    }

    @Test
    @DisplayName("close() from two threads at once, and again after, returns and throws nothing")
    void concurrentClose() throws Exception {
      HeartbeatStore closing = openAnotherStore(b -> b);
      closing.heartbeats().last(newUserId(), newOwner());
      ExecutorService pool = Executors.newFixedThreadPool(2);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<?>> closes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          closes.add(pool.submit(() -> {
            go.await();
            closing.close();
            return null;
          }));
        }
        go.countDown();
        for (Future<?> close : closes) {
          close.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThatCode(closing::close).doesNotThrowAnyException();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("with calls in flight, close() returns within the deadline; each call succeeds or throws an exception "
        + "of the contract (never hangs, never an NPE), and the calls after it IllegalStateException")
    void callsInFlight() throws Exception {
      Duration deadline = Duration.ofSeconds(2);
      long graceMillis = 1_000; // a loaded machine's scheduling, not the store's
      HeartbeatStore closing = openAnotherStore(b -> b.timeout(deadline));
      String user = newUserId();
      String owner = newOwner();
      closing.heartbeats().last(user, owner);
      int threads = 4;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch running = new CountDownLatch(threads);
      try {
        List<Future<List<Throwable>>> loops = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          boolean batches = t == 0;
          loops.add(pool.submit(() -> callUntilRefused(closing, user, owner, batches, running)));
        }
        assertThat(running.await(60, TimeUnit.SECONDS)).as("every thread made a call").isTrue();

        long start = System.nanoTime();
        closing.close();
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(closeMillis).as("close() took, in ms").isLessThanOrEqualTo(deadline.toMillis() + graceMillis);
        List<Throwable> failures = new ArrayList<>();
        for (Future<List<Throwable>> loop : loops) {
          failures.addAll(loop.get(deadline.toMillis() + 5_000, TimeUnit.MILLISECONDS));
        }
        assertThat(failures).allSatisfy(failure -> assertThat(failure).isInstanceOf(HeartbeatStoreException.class));
      } finally {
        pool.shutdownNow();
        heartbeats().deleteAllForUser(user);
      }
    }

    /** Calls {@code store} (or {@code storeAll} of 2,000) until the store refuses; returns the other failures. */
    private List<Throwable> callUntilRefused(HeartbeatStore store, String user, String owner, boolean batches,
        CountDownLatch running) {
      List<Throwable> failures = new ArrayList<>();
      boolean counted = false;
      for (int i = 0; i < 100_000; i++) {
        try {
          if (batches) {
            store.heartbeats().storeAll(IntStream.range(0, 2_000)
                .mapToObj(j -> heartbeat(user, owner, T0.plusNanos(j * 1000L)))
                .collect(Collectors.toList()));
          } else {
            store.heartbeats().store(heartbeat(user, owner, T0));
          }
        } catch (IllegalStateException refused) {
          return failures; // the call came after close()
        } catch (RuntimeException | Error e) {
          failures.add(e);
        }
        if (!counted) {
          running.countDown();
          counted = true;
        }
      }
      failures.add(new AssertionError("the store still served 100,000 calls after close()"));
      return failures;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    @DisplayName("opening and closing a store 30 times, with a call each time, leaves no threads behind")
    void noThreadsLeak() throws Exception {
      try (HeartbeatStore warmUp = openAnotherStore(b -> b)) {
        warmUp.heartbeats().last(newUserId(), newOwner()); // JVM-wide threads a driver starts once
      }
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      for (int i = 0; i < 30; i++) {
        try (HeartbeatStore cycle = openAnotherStore(b -> b)) {
          cycle.heartbeats().store(heartbeat(newUserId(), newOwner(), T0));
        }
      }
      List<String> left = List.of();
      // Threads end a little after close() returns; wait for them, but never ask for a garbage collection.
      for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15); System.nanoTime() < until; Thread.sleep(100)) {
        left = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && !before.contains(t))
            .map(Thread::getName)
            .sorted()
            .collect(Collectors.toList());
        if (left.size() <= 3) {
          break;
        }
      }
      // A few may be the JVM's own (a common-pool worker); a leak of one per store would be 30.
      assertThat(left).as("threads started since, still alive").hasSizeLessThanOrEqualTo(3);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Isolation
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("One caller's bad data never fails another caller's call")
  class Isolation {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("8 threads interleave good writes with duplicates (store, storeAll, monitors): every good write "
        + "succeeds, every duplicate is refused, every good row is there")
    void goodWritesBesideBadOnes() throws Exception {
      String owner = newOwner();
      Heartbeat existing = heartbeat(newUserId(), owner, T0);
      HeartbeatMonitor existingMonitor = monitor(newUserId(), owner);
      heartbeats().store(existing);
      monitors().store(existingMonitor);
      int threads = 8;
      int rounds = 15;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<String> users = new ArrayList<>();
      try {
        List<Future<List<Heartbeat>>> written = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          String user = newUserId();
          users.add(user);
          written.add(pool.submit(() -> {
            start.await();
            List<Heartbeat> mine = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
              Heartbeat good = heartbeat(user, owner, T0.plusSeconds(r));
              heartbeats().store(good);
              mine.add(good);
              assertThatThrownBy(() -> heartbeats().store(existing)).isInstanceOf(DuplicateRecordException.class);
              List<Heartbeat> goodBatch = List.of(heartbeat(user, owner, T0.plusSeconds(r).plusMillis(1)),
                  heartbeat(user, owner, T0.plusSeconds(r).plusMillis(2)));
              Heartbeat doomed = heartbeat(user, owner, T0.plusSeconds(r).plusMillis(3));
              assertThatThrownBy(() -> heartbeats().storeAll(List.of(doomed, withOwner(withUserId(existing, user), owner))))
                  .isInstanceOf(DuplicateRecordException.class);
              heartbeats().storeAll(goodBatch);
              mine.addAll(goodBatch);
              monitors().store(monitor(user, newOwner()));
              assertThatThrownBy(() -> monitors().store(existingMonitor)).isInstanceOf(DuplicateRecordException.class);
            }
            return mine;
          }));
        }
        start.countDown();
        for (int t = 0; t < threads; t++) {
          List<Heartbeat> mine = written.get(t).get(100, TimeUnit.SECONDS);
          assertThat(all(users.get(t), owner)).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(mine));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Hostile strings
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Any text is stored and returned literally")
  class HostileStrings {

    /** No NUL: PostgreSQL's text type cannot hold it. */
    private final List<String> hostile = List.of(
        "'; DROP TABLE heartbeats; --",
        "\" OR \"1\"=\"1",
        "' OR '1'='1",
        "back\\slash\\\\ and \\' escaped",
        "emoji 📱🔋💀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "line one\nline two\r\nline three\ttab",
        "ünïcødé — ΕΛΛΗΝΙΚΆ — 日本語 — עברית",
        "$1 $$ ? :name @p1 %s %d {0}",
        "  leading and trailing spaces  ",
        "/* comment */ SELECT 1; -- ",
        "<script>alert('x')</script>&amp;");

    @Test
    @DisplayName("quotes, SQL fragments, backslashes, emoji and newlines in every text field come back unchanged")
    void everyFieldLiteral() {
      for (String text : hostile) {
        String user = text + " " + UUID.randomUUID();
        String owner = text + " " + UUID.randomUUID();
        Heartbeat h = new Heartbeat(UUID.randomUUID(), owner, text, true, user, T0);
        HeartbeatMonitor m = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, text, owner, true,
            T0, T0);

        heartbeats().store(h);
        monitors().store(m);

        assertThat(heartbeats().last(user, owner)).as(text).contains(h);
        assertThat(all(user, owner)).as(text).containsExactly(h);
        assertThat(monitors().load(user, owner)).as(text).contains(m);
        assertThat(monitors().exists(user, m.id())).as(text).isTrue();
      }
    }

    @Test
    @DisplayName("a hostile query is a literal substring too")
    void hostileQuery() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> stored = new ArrayList<>();
      for (int i = 0; i < hostile.size(); i++) {
        stored.add(heartbeat(user, owner, T0.plusSeconds(i), hostile.get(i)));
      }
      heartbeats().storeAll(stored);

      for (Heartbeat h : stored) {
        assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, h.version())))
            .as(h.version()).containsExactly(h);
      }
    }

    @Test
    @DisplayName("the tables survive: after the SQL fragments, both repositories still work")
    void tablesSurvive() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat h = heartbeat(user, owner, T0, "'; DROP TABLE heartbeats; --");
      HeartbeatMonitor m = withQueueId(monitor(user, owner), "'; DROP TABLE heartbeat_monitors; --");
      heartbeats().store(h);
      monitors().store(m);
      heartbeats().deleteAllForUser("'; DELETE FROM heartbeats; --");
      monitors().deleteAllForUser("' OR '1'='1");
      monitors().delete("' OR '1'='1", "' OR '1'='1");

      assertThat(heartbeats().last(user, owner)).contains(h);
      assertThat(monitors().load(user, owner)).contains(m);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Concurrency
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("One store is shared by many threads")
  class Concurrency {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("16 threads storing 50 heartbeats each lose none")
    void concurrentStores() throws Exception {
      String user = newUserId();
      String owner = newOwner();
      int threads = 16;
      int perThread = 50;
      List<Heartbeat> all = IntStream.range(0, threads * perThread)
          .mapToObj(i -> heartbeat(user, owner, T0.plusNanos(i * 1000L)))
          .collect(Collectors.toList());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          List<Heartbeat> mine = all.subList(t * perThread, (t + 1) * perThread);
          done.add(pool.submit(() -> {
            start.await();
            mine.forEach(heartbeats()::store);
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get(100, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      List<Heartbeat> listed = all(user, owner);
      assertThat(listed).hasSize(threads * perThread);
      assertThat(listed).containsExactlyElementsOf(HeartbeatStoreContract.newestFirst(all));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("16 threads reading and writing monitors at once see their own writes")
    void concurrentMonitors() throws Exception {
      int threads = 16;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<Boolean>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            start.await();
            String user = newUserId();
            String owner = newOwner();
            HeartbeatMonitor m = monitor(user, owner);
            monitors().store(m);
            monitors().updatePhoneOnline(user, m.id(), true);
            return monitors().load(user, owner).orElseThrow().phoneOnline() && monitors().exists(user, m.id());
          }));
        }
        start.countDown();
        for (Future<Boolean> f : done) {
          assertThat(f.get(100, TimeUnit.SECONDS)).isTrue();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // deleteAllForUser
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("deleteAllForUser deletes one user's rows and nobody else's")
  class DeleteAllForUser {

    @Test
    @DisplayName("heartbeats: every owner of the user is emptied; another user's heartbeats, same owner, stay")
    void heartbeatsScoped() {
      String user = newUserId();
      String other = newUserId();
      String owner = newOwner();
      String secondOwner = newOwner();
      heartbeats().storeAll(List.of(heartbeat(user, owner, T0), heartbeat(user, owner, T0.plusSeconds(1)),
          heartbeat(user, secondOwner, T0)));
      Heartbeat theirs = heartbeat(other, owner, T0);
      heartbeats().store(theirs);

      heartbeats().deleteAllForUser(user);

      assertThat(all(user, owner)).isEmpty();
      assertThat(all(user, secondOwner)).isEmpty();
      assertThat(heartbeats().last(user, owner)).isEmpty();
      assertThat(all(other, owner)).containsExactly(theirs);
    }

    @Test
    @DisplayName("monitors: every monitor of the user is deleted; another user's monitor, same owner, stays")
    void monitorsScoped() {
      String user = newUserId();
      String other = newUserId();
      String owner = newOwner();
      String secondOwner = newOwner();
      HeartbeatMonitor first = monitor(user, owner);
      HeartbeatMonitor second = monitor(user, secondOwner);
      HeartbeatMonitor theirs = monitor(other, owner);
      monitors().store(first);
      monitors().store(second);
      monitors().store(theirs);

      monitors().deleteAllForUser(user);

      assertThat(monitors().load(user, owner)).isEmpty();
      assertThat(monitors().load(user, secondOwner)).isEmpty();
      assertThat(monitors().exists(user, first.id())).isFalse();
      assertThat(monitors().exists(user, second.id())).isFalse();
      assertThat(monitors().load(other, owner)).contains(theirs);
      assertThat(monitors().exists(other, theirs.id())).isTrue();
    }

    @Test
    @DisplayName("each repository deletes only its own table: heartbeats' delete leaves monitors, and back")
    void repositoriesIndependent() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat h = heartbeat(user, owner, T0);
      HeartbeatMonitor m = monitor(user, owner);
      heartbeats().store(h);
      monitors().store(m);

      heartbeats().deleteAllForUser(user);
      assertThat(monitors().load(user, owner)).contains(m);

      heartbeats().store(heartbeat(user, owner, T0.plusSeconds(1)));
      monitors().deleteAllForUser(user);
      assertThat(heartbeats().last(user, owner)).isPresent();
    }

    @Test
    @DisplayName("a user id is matched exactly, not as a prefix or pattern")
    void exactMatch() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat longer = heartbeat(user + "x", owner, T0);
      HeartbeatMonitor longerMonitor = monitor(user + "x", owner);
      Heartbeat pattern = heartbeat("user%", owner, T0);
      heartbeats().store(longer);
      heartbeats().store(pattern);
      monitors().store(longerMonitor);

      heartbeats().deleteAllForUser(user);
      monitors().deleteAllForUser(user);
      heartbeats().deleteAllForUser("%");
      monitors().deleteAllForUser("%");

      assertThat(all(user + "x", owner)).containsExactly(longer);
      assertThat(all("user%", owner)).containsExactly(pattern);
      assertThat(monitors().load(user + "x", owner)).contains(longerMonitor);
      heartbeats().deleteAllForUser("user%");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Monitor lifecycle
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("A monitor's lifecycle: store, load, exists, update, delete")
  @TestInstance(TestInstance.Lifecycle.PER_METHOD) // fresh user and owner per test
  class MonitorLifecycle {

    private final String user = newUserId();
    private final String owner = newOwner();
    private final HeartbeatMonitor stored = monitor(user, owner);

    private HeartbeatMonitor loaded() {
      return monitors().load(user, owner).orElseThrow();
    }

    @Test
    @DisplayName("a stored monitor loads back equal, field for field")
    void storeAndLoad() {
      HeartbeatMonitor online = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "q-1", owner, true,
          T0, T0.plusSeconds(30));

      monitors().store(online);

      assertThat(monitors().load(user, owner)).contains(online);
    }

    @Test
    @DisplayName("exists is true for the owning user and false for any other user")
    void existsIsScopedByUser() {
      monitors().store(stored);

      assertThat(monitors().exists(user, stored.id())).isTrue();
      assertThat(monitors().exists(newUserId(), stored.id())).isFalse();
      assertThat(monitors().exists(user, stored.phoneId())).isFalse();
    }

    @Test
    @DisplayName("load is scoped by user: another user with the same owner sees nothing")
    void loadIsScopedByUser() {
      monitors().store(stored);

      assertThat(monitors().load(newUserId(), owner)).isEmpty();
    }

    @Test
    @DisplayName("updateQueueId sets the queue id and updatedAt = now, keeping createdAt and every other field")
    void updateQueueId() {
      monitors().store(stored);
      Instant now = Instant.parse("2025-02-03T04:05:06.789012Z");
      clock().set(now);

      monitors().updateQueueId(stored.id(), "queue-next");

      assertThat(loaded()).isEqualTo(new HeartbeatMonitor(stored.id(), stored.phoneId(), user, "queue-next", owner,
          stored.phoneOnline(), stored.createdAt(), now));
    }

    @Test
    @DisplayName("updateQueueId to an empty queue id is allowed")
    void updateQueueIdToEmpty() {
      monitors().store(stored);
      Instant now = Instant.parse("2025-02-03T04:05:07Z");
      clock().set(now);

      monitors().updateQueueId(stored.id(), "");

      assertThat(loaded().queueId()).isNotNull().isEmpty();
      assertThat(loaded().updatedAt()).isEqualTo(now);
    }

    @Test
    @DisplayName("updatePhoneOnline sets phoneOnline and updatedAt = now, keeping createdAt and every other field")
    void updatePhoneOnline() {
      monitors().store(stored);
      Instant wentOnline = Instant.parse("2025-03-01T08:00:00.000001Z");
      clock().set(wentOnline);

      monitors().updatePhoneOnline(user, stored.id(), true);

      assertThat(loaded()).isEqualTo(new HeartbeatMonitor(stored.id(), stored.phoneId(), user, stored.queueId(),
          owner, true, stored.createdAt(), wentOnline));

      Instant wentOffline = wentOnline.plusSeconds(90);
      clock().set(wentOffline);
      monitors().updatePhoneOnline(user, stored.id(), false);

      assertThat(loaded().phoneOnline()).isFalse();
      assertThat(loaded().updatedAt()).isEqualTo(wentOffline);
      assertThat(loaded().createdAt()).isEqualTo(stored.createdAt());
    }

    @Test
    @DisplayName("updatePhoneOnline with another user's id changes nothing, not even updatedAt")
    void updatePhoneOnlineIsScopedByUser() {
      monitors().store(stored);
      clock().set(Instant.parse("2025-04-01T00:00:00Z"));

      monitors().updatePhoneOnline(newUserId(), stored.id(), true);

      assertThat(loaded()).isEqualTo(stored);
    }

    @Test
    @DisplayName("updatedAt = now is the store's clock, truncated (not rounded) to the microsecond")
    void updatedAtIsTruncated() {
      monitors().store(stored);
      clock().set(Instant.parse("2025-05-05T05:05:05.999999999Z"));

      monitors().updatePhoneOnline(user, stored.id(), true);

      assertThat(loaded().updatedAt()).isEqualTo(Instant.parse("2025-05-05T05:05:05.999999Z"));
    }

    @Test
    @DisplayName("updates touch only the targeted monitor")
    void updatesAreTargeted() {
      HeartbeatMonitor sibling = monitor(user, newOwner());
      monitors().store(stored);
      monitors().store(sibling);
      clock().set(Instant.parse("2025-06-01T00:00:00Z"));

      monitors().updateQueueId(stored.id(), "only-me");
      monitors().updatePhoneOnline(user, stored.id(), true);

      assertThat(monitors().load(user, sibling.owner())).contains(sibling);
    }

    @Test
    @DisplayName("delete removes the user's monitor for that owner; load is empty and exists false afterwards")
    void delete() {
      HeartbeatMonitor sibling = monitor(user, newOwner());
      monitors().store(stored);
      monitors().store(sibling);

      monitors().delete(user, owner);

      assertThat(monitors().load(user, owner)).isEmpty();
      assertThat(monitors().exists(user, stored.id())).isFalse();
      assertThat(monitors().load(user, sibling.owner())).contains(sibling);
    }

    @Test
    @DisplayName("delete by another user with the same owner leaves the monitor")
    void deleteIsScopedByUser() {
      monitors().store(stored);

      monitors().delete(newUserId(), owner);

      assertThat(monitors().load(user, owner)).contains(stored);
    }

    @Test
    @DisplayName("the whole life: store, schedule, go online, go offline, delete, store again")
    void wholeLife() {
      Instant created = Instant.parse("2025-07-01T09:00:00.000100Z");
      HeartbeatMonitor fresh = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, "", owner, false,
          created, created);
      monitors().store(fresh);
      assertThat(monitors().exists(user, fresh.id())).isTrue();

      Instant scheduled = Instant.parse("2025-07-01T09:00:01.000200Z");
      clock().set(scheduled);
      monitors().updateQueueId(fresh.id(), "job-1");
      assertThat(loaded()).isEqualTo(new HeartbeatMonitor(fresh.id(), fresh.phoneId(), user, "job-1", owner, false,
          created, scheduled));

      Instant online = clock().advance(Duration.ofMinutes(5));
      monitors().updatePhoneOnline(user, fresh.id(), true);
      assertThat(loaded()).isEqualTo(new HeartbeatMonitor(fresh.id(), fresh.phoneId(), user, "job-1", owner, true,
          created, online));

      monitors().delete(user, owner);
      assertThat(monitors().load(user, owner)).isEmpty();
      assertThat(monitors().exists(user, fresh.id())).isFalse();

      HeartbeatMonitor again = monitor(user, owner);
      monitors().store(again);
      assertThat(monitors().load(user, owner)).contains(again);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Silent no-ops
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Updates and deletes that match nothing succeed silently")
  class MatchingNothing {

    @Test
    @DisplayName("updateQueueId of an unknown monitor id succeeds")
    void updateQueueIdUnknown() {
      UUID unknown = UUID.randomUUID();

      assertThatCode(() -> monitors().updateQueueId(unknown, "q")).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("updatePhoneOnline of an unknown monitor id succeeds and creates nothing")
    void updatePhoneOnlineUnknown() {
      String user = newUserId();
      UUID unknown = UUID.randomUUID();

      assertThatCode(() -> monitors().updatePhoneOnline(user, unknown, true)).doesNotThrowAnyException();

      assertThat(monitors().exists(user, unknown)).isFalse();
    }

    @Test
    @DisplayName("delete of an unknown user and owner succeeds")
    void deleteUnknown() {
      assertThatCode(() -> monitors().delete(newUserId(), newOwner())).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("deleteAllForUser of a user without rows succeeds, in both repositories")
    void deleteAllUnknown() {
      assertThatCode(() -> heartbeats().deleteAllForUser(newUserId())).doesNotThrowAnyException();
      assertThatCode(() -> monitors().deleteAllForUser(newUserId())).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("deleting twice succeeds the second time too")
    void deleteTwice() {
      String user = newUserId();
      String owner = newOwner();
      monitors().store(monitor(user, owner));
      heartbeats().store(heartbeat(user, owner, T0));

      monitors().delete(user, owner);
      heartbeats().deleteAllForUser(user);

      assertThatCode(() -> monitors().delete(user, owner)).doesNotThrowAnyException();
      assertThatCode(() -> monitors().deleteAllForUser(user)).doesNotThrowAnyException();
      assertThatCode(() -> heartbeats().deleteAllForUser(user)).doesNotThrowAnyException();
      assertThat(monitors().load(user, owner)).isEmpty();
      assertThat(heartbeats().last(user, owner)).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Store lifecycle
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("The store's own lifecycle")
  class StoreLifecycle {

    @Test
    @DisplayName("backendName() is the configured backend")
    void backendName() {
      assertThat(store().backendName()).isEqualTo(config.backend());
      assertThat(store().backendName()).isIn(HeartbeatStoreConfig.POSTGRES, HeartbeatStoreConfig.TURSO,
          HeartbeatStoreConfig.HEDGING);
    }

    @Test
    @DisplayName("a second store over the same database sees the first one's writes")
    void secondStoreSeesWrites() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat h = heartbeat(user, owner, T0);
      heartbeats().store(h);

      try (HeartbeatStore second = openAnotherStore(b -> b)) {
        assertThat(second.heartbeats().last(user, owner)).contains(h);
      }
    }

    @Test
    @DisplayName("close() can be called twice")
    void closeIsIdempotent() {
      HeartbeatStore second = openAnotherStore(b -> b);
      second.heartbeats().last(newUserId(), newOwner());

      assertThatCode(() -> {
        second.close();
        second.close();
      }).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("closing one store leaves another store over the same database working")
    void closeIsLocal() {
      String user = newUserId();
      String owner = newOwner();
      openAnotherStore(b -> b).close();

      Heartbeat h = heartbeat(user, owner, T0);
      heartbeats().store(h);

      assertThat(heartbeats().last(user, owner)).contains(h);
    }

    @Test
    @DisplayName("neither the store's toString nor an error's messages show a configured password or token")
    void noSecretsShown() {
      List<String> secrets = configuredSecrets();
      Assumptions.assumeFalse(secrets.isEmpty(), "this run's configuration holds no password or token");
      Heartbeat h = heartbeat(newUserId(), newOwner(), T0);
      heartbeats().store(h);
      Throwable duplicate = catchThrowable(() -> heartbeats().store(h));
      assertThat(duplicate).isInstanceOf(DuplicateRecordException.class);

      for (String secret : secrets) {
        assertThat(store().toString()).doesNotContain(secret);
        assertThat(config.toString()).doesNotContain(secret);
        for (Throwable t = duplicate; t != null; t = t.getCause()) {
          assertThat(String.valueOf(t)).doesNotContain(secret);
        }
      }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("past the deadline an operation throws StoreTimeoutException, and an atomic batch stores none of it")
    void deadline() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> batch = IntStream.range(0, 10_000)
          .mapToObj(i -> heartbeat(user, owner, T0.plusNanos(i * 1000L)))
          .collect(Collectors.toList());

      try (HeartbeatStore hurried = openAnotherStore(b -> b.timeout(Duration.ofMillis(1)))) {
        assertThatThrownBy(() -> hurried.heartbeats().storeAll(batch)).isInstanceOf(StoreTimeoutException.class);
      }

      assertThat(heartbeats().index(user, owner, IndexParams.first(10))).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Metrics
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Every operation records db.client.operation.duration")
  class Metrics {

    private Optional<MetricData> durationMetric() {
      return metricReader.collectAllMetrics().stream()
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
}
