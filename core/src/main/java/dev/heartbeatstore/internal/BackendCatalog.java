package dev.heartbeatstore.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.BackendProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;

/**
 * Which backends exist, under which names, what each needs and which artifact brings it: what the
 * {@link BackendProvider}s on the classpath declare ({@link BackendProvider#name()},
 * {@link BackendProvider#aliases()}, {@link BackendProvider#requiredSettings()},
 * {@link BackendProvider#artifact()}).
 *
 * <p>The backends this project ships are also listed here, as their providers declare them, for the
 * one case where their provider cannot answer: their module is not on the classpath. Then an unknown
 * name still lists every valid value, a missing {@code DATABASE_URL} is still reported before the
 * missing module, and the missing module is named by its artifact. Another backend needs no entry:
 * its provider, once on the classpath, declares itself.
 */
public final class BackendCatalog {

  /** What one backend declares. */
  record Entry(String name, Set<String> aliases, List<String> requiredSettings, String artifact) {

    static Entry of(BackendProvider p) {
      return new Entry(p.name(), p.aliases(), p.requiredSettings(), p.artifact());
    }

    boolean answersTo(String value) {
      return name.equals(value) || aliases.contains(value);
    }
  }

  /** The shipped backends, in the order messages list them. */
  private static final List<Entry> SHIPPED = List.of(
      new Entry(HeartbeatStoreConfig.POSTGRES, Set.of(), List.of(HeartbeatStoreConfig.DATABASE_URL),
          "dev.heartbeatstore:heartbeat-backend-postgres"),
      new Entry(HeartbeatStoreConfig.TURSO, Set.of("libsql"), List.of(HeartbeatStoreConfig.TURSO_DATABASE_URL),
          "dev.heartbeatstore:heartbeat-backend-libsql"),
      new Entry(HeartbeatStoreConfig.HEDGING, Set.of(),
          List.of(HeartbeatStoreConfig.DATABASE_URL, HeartbeatStoreConfig.TURSO_DATABASE_URL),
          "dev.heartbeatstore:heartbeat-backend-hedging"));

  /** An example for each setting a backend may require, for the message when it is missing. */
  private static final Map<String, String> EXAMPLES = Map.of(
      HeartbeatStoreConfig.DATABASE_URL,
      "postgres://user:password@localhost:5432/app or jdbc:postgresql://localhost:5432/app",
      HeartbeatStoreConfig.TURSO_DATABASE_URL,
      "libsql://my-db.turso.io, http://127.0.0.1:8080 or file:heartbeats.db");

  private BackendCatalog() {}

  /**
   * The backend {@code value} selects (a name or an alias, any case, spaces around ignored), by its name.
   *
   * @throws ConfigurationException naming {@code variable} and listing every accepted value
   */
  public static String canonicalName(String variable, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    List<Entry> entries = entries();
    for (Entry e : entries) {
      if (e.answersTo(v)) {
        return e.name();
      }
    }
    List<String> accepted = new ArrayList<>();
    for (Entry e : entries) {
      accepted.add(e.name());
      accepted.addAll(e.aliases().stream().sorted().toList());
    }
    throw new ConfigurationException(variable + " must be one of " + String.join(", ", accepted)
        + ", was '" + value + "'");
  }

  /**
   * Checks that every setting {@code backend} requires is set, in the order it declares them.
   *
   * @param setting the value of a setting by its variable name, null when unset
   * @throws ConfigurationException naming the first missing variable
   */
  public static void checkRequiredSettings(String backend, Function<String, String> setting) {
    Entry entry = find(backend);
    if (entry == null) {
      return;  // reported when it is opened: not on the classpath
    }
    for (String variable : entry.requiredSettings()) {
      if (setting.apply(variable) == null) {
        String example = EXAMPLES.get(variable);
        throw new ConfigurationException(variable + " is not set; " + HeartbeatStoreConfig.BACKEND + "=" + backend
            + " needs it" + (example == null ? "" : ", e.g. " + example));
      }
    }
  }

  /** The artifact that brings {@code backend}, for the message when it is missing. */
  static String artifact(String backend) {
    Entry entry = find(backend);
    return entry == null || entry.artifact() == null ? "the module that provides it" : entry.artifact();
  }

  private static Entry find(String backend) {
    for (Entry e : entries()) {
      if (e.answersTo(backend)) {
        return e;
      }
    }
    return null;
  }

  /** The shipped backends first (as their provider declares them when present), then the others found. */
  private static List<Entry> entries() {
    Map<String, Entry> byName = new LinkedHashMap<>();
    for (Entry e : SHIPPED) {
      byName.put(e.name(), e);
    }
    for (BackendProvider p : StoreFactory.providers()) {
      byName.put(p.name(), Entry.of(p));
    }
    return new ArrayList<>(byName.values());
  }
}
