package dev.heartbeatstore.cli;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Simulates a fleet of phones over simulated time against the configured store (an embedded libSQL
 * file when nothing is configured), runs the upstream monitor rules and prints each phone's status.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Simulate a fleet of phones sending heartbeats, run the monitor rules, print a status table. "
        + "With no configuration it uses the embedded libSQL file ./heartbeats.db.")
final class DemoCommand extends ConfiguredCommand {

  /** Upstream rules: a phone beats every 15 minutes; missed after 16 without one, offline after 64. */
  static final Duration BEAT_EVERY = Duration.ofMinutes(15);
  static final Duration MISSED_AFTER = Duration.ofMinutes(16);
  static final Duration OFFLINE_AFTER = Duration.ofMinutes(64);
  static final Duration CHECK_EVERY = Duration.ofMinutes(5);
  static final String DEMO_USER = "demo-user";
  static final String DEFAULT_FILE = "heartbeats.db";

  @Option(names = "--phones", defaultValue = "50", description = "phones in the fleet (default ${DEFAULT-VALUE})")
  int phones;

  @Option(names = "--silent", defaultValue = "4", description = "phones that stop sending (default ${DEFAULT-VALUE})")
  int silent;

  @Option(names = "--hours", defaultValue = "3", description = "simulated hours (default ${DEFAULT-VALUE})")
  int hours;

  @Option(names = "--seed", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() {
    if (phones < 1 || phones > 10_000) {
      throw new IllegalArgumentException("--phones must be between 1 and 10000, was " + phones);
    }
    if (silent < 0 || silent > phones) {
      throw new IllegalArgumentException("--silent must be between 0 and --phones (" + phones + "), was " + silent);
    }
    if (hours < 2 || hours > 48) {
      throw new IllegalArgumentException("--hours must be between 2 and 48, was " + hours);
    }
    PrintWriter out = out();
    HeartbeatStoreConfig.Builder builder = settings();
    if (nothingConfigured()) {
      builder.backend(HeartbeatStoreConfig.TURSO).tursoDatabaseUrl("file:" + DEFAULT_FILE);
      out.println("No backend configured: using the embedded libSQL file ./" + DEFAULT_FILE
          + " (set HEARTBEAT_DB_BACKEND with DATABASE_URL or TURSO_DATABASE_URL to use another).");
    }
    SimulatedClock clock = new SimulatedClock(
        Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(hours)));
    HeartbeatStoreConfig config = builder.clock(clock).build();
    long started = System.nanoTime();
    try (HeartbeatStore store = HeartbeatStores.open(config)) {
      List<Phone> fleet = simulate(store, clock);
      printTable(out, fleet, clock.instant());
      long online = fleet.stream().filter(p -> p.status == Status.ONLINE).count();
      long missed = fleet.stream().filter(p -> p.status == Status.MISSED).count();
      long offline = fleet.stream().filter(p -> p.status == Status.OFFLINE).count();
      out.printf("%n%d phones: %d online, %d missed, %d offline. %d heartbeats over %d simulated hours "
              + "in %.1f s on %s.%n", fleet.size(), online, missed, offline,
          fleet.stream().mapToInt(p -> p.beats).sum(), hours, (System.nanoTime() - started) / 1e9,
          ConnectionOptions.describe(config, storeSide(config)));
    }
    return HeartbeatCli.OK;
  }

  private boolean nothingConfigured() {
    return connection.backend == null && connection.databaseUrl == null && connection.tursoUrl == null
        && blank(env().get(HeartbeatStoreConfig.BACKEND)) && blank(env().get(HeartbeatStoreConfig.DATABASE_URL));
  }

  private static String storeSide(HeartbeatStoreConfig config) {
    return HeartbeatStoreConfig.HEDGING.equals(config.backend()) ? config.hedgingPrimary() : config.backend();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  enum Status { ONLINE, MISSED, OFFLINE }

  static final class Phone {
    final String owner;
    final Duration phase;
    final Instant stopsAt;
    final HeartbeatMonitor monitor;
    int beats;
    Status status = Status.ONLINE;
    Instant lastBeat;

    Phone(String owner, Duration phase, Instant stopsAt, HeartbeatMonitor monitor) {
      this.owner = owner;
      this.phase = phase;
      this.stopsAt = stopsAt;
      this.monitor = monitor;
    }
  }

  private List<Phone> simulate(HeartbeatStore store, SimulatedClock clock) {
    store.heartbeats().deleteAllForUser(DEMO_USER);
    store.monitors().deleteAllForUser(DEMO_USER);
    Random random = new Random(seed);
    Instant start = clock.instant();
    Instant end = start.plus(Duration.ofHours(hours));
    List<Phone> fleet = new ArrayList<>();
    for (int i = 0; i < phones; i++) {
      String owner = String.format("+1555%07d", i + 1);
      // Silent phones stop at different times, so the table shows both missed and offline phones.
      Instant stopsAt = i < silent ? end.minus(Duration.ofMinutes(20 + (long) (i * 90.0 / Math.max(1, silent))))
          : Instant.MAX;
      HeartbeatMonitor monitor = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), DEMO_USER, "", owner,
          true, start, start);
      store.monitors().store(monitor);
      fleet.add(new Phone(owner, Duration.ofSeconds(random.nextInt((int) BEAT_EVERY.toSeconds())), stopsAt, monitor));
    }
    for (Instant now = start; !now.isAfter(end); now = now.plus(Duration.ofMinutes(1))) {
      clock.set(now);
      List<Heartbeat> due = new ArrayList<>();
      for (Phone phone : fleet) {
        long sinceStart = Duration.between(start, now).toSeconds() - phone.phase.toSeconds();
        if (now.isBefore(phone.stopsAt) && sinceStart >= 0 && sinceStart % BEAT_EVERY.toSeconds() < 60) {
          Instant sentAt = now.plusMillis(random.nextInt(60_000)).plusNanos(random.nextInt(1_000_000));
          due.add(new Heartbeat(UUID.randomUUID(), phone.owner, "demo-" + (1 + random.nextInt(3)) + ".0",
              random.nextInt(4) == 0, DEMO_USER, sentAt));
          phone.beats++;
        }
      }
      store.heartbeats().storeAll(due);
      if (Duration.between(start, now).toMinutes() % CHECK_EVERY.toMinutes() == 0) {
        check(store, fleet, now);
      }
    }
    return fleet;
  }

  /** The upstream monitor rules, for every phone. */
  private static void check(HeartbeatStore store, List<Phone> fleet, Instant now) {
    for (Phone phone : fleet) {
      Optional<Heartbeat> last = store.heartbeats().last(DEMO_USER, phone.owner);
      Instant seen = last.map(Heartbeat::timestamp).orElse(phone.monitor.createdAt());
      Duration silentFor = Duration.between(seen, now);
      Status next = silentFor.compareTo(OFFLINE_AFTER) > 0 ? Status.OFFLINE
          : silentFor.compareTo(MISSED_AFTER) > 0 ? Status.MISSED : Status.ONLINE;
      boolean wasOnline = phone.status != Status.OFFLINE;
      boolean isOnline = next != Status.OFFLINE;
      if (wasOnline != isOnline) {
        store.monitors().updatePhoneOnline(DEMO_USER, phone.monitor.id(), isOnline);
      }
      if (next != Status.ONLINE) {
        store.monitors().updateQueueId(phone.monitor.id(), "check-" + now.getEpochSecond());
      }
      phone.status = next;
      phone.lastBeat = last.map(Heartbeat::timestamp).orElse(null);
    }
  }

  private static void printTable(PrintWriter out, List<Phone> fleet, Instant now) {
    DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    out.printf("%-14s  %-19s  %-10s  %s%n", "PHONE", "LAST HEARTBEAT (UTC)", "SILENT FOR", "STATUS");
    for (Phone p : fleet) {
      String last = p.lastBeat == null ? "never" : time.format(p.lastBeat);
      String silentFor = p.lastBeat == null ? "-" : minutes(Duration.between(p.lastBeat, now));
      out.printf("%-14s  %-19s  %10s  %s%n", p.owner, last, silentFor, p.status.name().toLowerCase());
    }
  }

  private static String minutes(Duration d) {
    long m = Math.max(0, d.toMinutes());
    return m >= 60 ? (m / 60) + "h " + (m % 60) + "m" : m + "m";
  }

  /** The demo's simulated time; also the store's clock, so updatedAt follows it. */
  static final class SimulatedClock extends Clock {
    private volatile Instant now;

    SimulatedClock(Instant start) {
      this.now = start;
    }

    void set(Instant instant) {
      this.now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
