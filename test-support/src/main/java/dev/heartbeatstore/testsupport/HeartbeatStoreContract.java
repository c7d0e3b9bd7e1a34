package dev.heartbeatstore.testsupport;

import dev.heartbeatstore.HeartbeatMonitorRepository;
import dev.heartbeatstore.HeartbeatRepository;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

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
 * <p>Each topic of the contract is its own class ({@code InstantsContract}, {@code OrderingContract},
 * {@code ClosingContract}...) over the shared fixture of {@link ContractSupport}; this class runs each
 * one as a {@link Nested} class, so a backend's test runs them all by extending this one.
 *
 * <p>One store is opened per test class, with an in-memory OpenTelemetry SDK and a {@link TestClock}
 * the kit controls. Tests never truncate tables (the database may be shared with other suites and
 * runs): each test works on its own random user ids and owners.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HeartbeatStoreContract extends ContractSupport {

  private final TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:00Z"));
  private InMemoryMetricReader metricReader;
  private SdkMeterProvider meterProvider;
  private HeartbeatStoreConfig config;
  private HeartbeatStore store;

  /** For a backend's contract test, which JUnit instantiates. */
  public HeartbeatStoreContract() {}

  /**
   * Sets what selects and reaches this backend (backend name, URLs, token). The kit sets the
   * OpenTelemetry instance and the clock itself, after this method.
   *
   * @param builder a fresh builder, without environment
   * @return the builder, configured
   */
  protected abstract HeartbeatStoreConfig.Builder configure(HeartbeatStoreConfig.Builder builder);

  /**
   * The {@code db.system.name} this backend's operations are recorded with.
   *
   * @return e.g. {@code "postgresql"} or {@code "sqlite"}
   */
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

  /**
   * The store every test shares.
   *
   * @return the store opened before the tests; closed after them
   */
  protected final HeartbeatStore store() {
    return store;
  }

  /**
   * The shared store's heartbeats.
   *
   * @return {@code store().heartbeats()}
   */
  protected final HeartbeatRepository heartbeats() {
    return store.heartbeats();
  }

  /**
   * The shared store's monitors.
   *
   * @return {@code store().monitors()}
   */
  protected final HeartbeatMonitorRepository monitors() {
    return store.monitors();
  }

  /**
   * The clock behind {@code updatedAt = now}.
   *
   * @return the kit's clock, which starts at 2025-01-01T00:00:00Z
   */
  protected final TestClock clock() {
    return clock;
  }

  /**
   * Opens a second store of the same backend, with the same clock; the caller closes it. It has no
   * OpenTelemetry instance of the kit's.
   *
   * @param tweak changes to the backend's configuration, e.g. a shorter timeout
   * @return the open store
   */
  protected final HeartbeatStore openAnotherStore(UnaryOperator<HeartbeatStoreConfig.Builder> tweak) {

    return HeartbeatStores.open(tweak.apply(configure(HeartbeatStoreConfig.builder()).clock(clock)).build());
  }
  /** The settings the store was opened with. */
  final HeartbeatStoreConfig config() {
    return config;
  }

  final InMemoryMetricReader metricReader() {
    return metricReader;
  }

  // ---------------------------------------------------------------------------------------------
  // The topics, in the order they run
  // ---------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("Instants keep microsecond precision and come back in UTC")
  class Instants extends InstantsContract {
    Instants() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("index and last order by timestamp descending, then id descending")
  class Ordering extends OrderingContract {
    Ordering() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("index pages with skip and limit, without overlap or gap")
  @TestInstance(TestInstance.Lifecycle.PER_METHOD) // fresh user and owner per test
  class Pagination extends PaginationContract {
    Pagination() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("query is a literal substring of version; null or blank means no filter")
  @TestInstance(TestInstance.Lifecycle.PER_METHOD) // fresh user and owner per test
  class Query extends QueryContract {
    Query() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("Reads that match nothing return empty results")
  class EmptyResults extends EmptyResultsContract {
    EmptyResults() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("store of an id that already exists throws DuplicateRecordException and changes nothing")
  class Duplicates extends DuplicatesContract {
    Duplicates() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("storeAll is all-or-nothing")
  class StoreAll extends StoreAllContract {
    StoreAll() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("Bad arguments throw IllegalArgumentException naming the parameter, before any I/O")
  @TestInstance(TestInstance.Lifecycle.PER_METHOD) // fresh user and owner per test
  class Arguments extends ArgumentsContract {
    Arguments() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("Strings are valid Unicode text: a NUL or a lone surrogate is refused before any I/O, and lengths count characters (code points)")
  @TestInstance(TestInstance.Lifecycle.PER_METHOD) // fresh user and owner per test
  class UnicodeText extends UnicodeTextContract {
    UnicodeText() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("storeAll takes at most 10,000 heartbeats")
  class BatchLimit extends BatchLimitContract {
    BatchLimit() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("close() is idempotent, returns within the deadline, ends calls in flight and leaks nothing")
  class Closing extends ClosingContract {
    Closing() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("One caller's bad data never fails another caller's call")
  class Isolation extends IsolationContract {
    Isolation() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("Any text is stored and returned literally")
  class HostileStrings extends HostileStringsContract {
    HostileStrings() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("One store is shared by many threads")
  class Concurrency extends ConcurrencyContract {
    Concurrency() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("deleteAllForUser deletes one user's rows and nobody else's")
  class DeleteAllForUser extends DeleteAllForUserContract {
    DeleteAllForUser() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("A monitor's lifecycle: store, load, exists, update, delete")
  @TestInstance(TestInstance.Lifecycle.PER_METHOD) // fresh user and owner per test
  class MonitorLifecycle extends MonitorLifecycleContract {
    MonitorLifecycle() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("Updates and deletes that match nothing succeed silently")
  class MatchingNothing extends MatchingNothingContract {
    MatchingNothing() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("The store's own lifecycle")
  class StoreLifecycle extends StoreLifecycleContract {
    StoreLifecycle() {
      super(HeartbeatStoreContract.this);
    }
  }

  @Nested
  @DisplayName("Every operation records db.client.operation.duration")
  class Metrics extends MetricsContract {
    Metrics() {
      super(HeartbeatStoreContract.this);
    }
  }
}
