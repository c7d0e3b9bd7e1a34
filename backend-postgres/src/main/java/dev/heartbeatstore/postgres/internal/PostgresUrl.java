package dev.heartbeatstore.postgres.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Secrets;
import dev.heartbeatstore.spi.TelemetryTarget;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * {@code DATABASE_URL}, parsed once: a pgjdbc URL, the credentials kept apart from it, the server
 * for messages and a redacted form of the URL.
 *
 * <p>Two forms are accepted. {@code postgres://user:password@host:port/database?sslmode=…} (also
 * {@code postgresql://}, as Heroku, Render and libpq write it): user and password are URL-decoded and
 * handed to pgjdbc as properties, every query parameter passes through to pgjdbc. And
 * {@code jdbc:postgresql://…}, passed to pgjdbc as is.
 */
public final class PostgresUrl {

  static final String ACCEPTED = "postgres://user:password@host:5432/database?sslmode=require"
      + " (also postgresql://) or jdbc:postgresql://host:5432/database?user=…";

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String server;
  private final String redacted;

  private PostgresUrl(String jdbcUrl, String user, String password, String server, String redacted) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.server = server;
    this.redacted = redacted;
  }

  /**
   * Parses {@code url}.
   *
   * @throws ConfigurationException naming {@code DATABASE_URL}, what is accepted and the redacted URL
   */
  public static PostgresUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new ConfigurationException(HeartbeatStoreConfig.DATABASE_URL + " is not set; accepted: " + ACCEPTED);
    }
    String trimmed = url.trim();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      return fromJdbc(trimmed);
    }
    if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
      return fromLibpq(trimmed);
    }
    throw malformed(trimmed, "unknown scheme");
  }

  private static PostgresUrl fromJdbc(String url) {
    if (Secrets.userInfoEnd(url) >= 0) {
      // pgjdbc would read "user:password@host" as a host name and echo it in its errors.
      throw malformed(url, "jdbc:postgresql:// takes no user:password@; use ?user=…&password=… or the postgres:// form");
    }
    Properties props = Driver.parseURL(url, null);
    if (props == null) {
      throw malformed(url, "pgjdbc cannot parse it");
    }
    String password = PGProperty.PASSWORD.getOrDefault(props);
    String redacted = Secrets.scrub(Secrets.redactUrl(url), password);
    return new PostgresUrl(url, null, password, server(props), redacted);
  }

  private static PostgresUrl fromLibpq(String url) {
    int authority = url.indexOf("://") + 3;
    // Where the user info ends is Secrets' rule, so that redaction hides exactly the password read here:
    // a raw password may hold '@', '/', ':' and, before any '@' of the query, '?' and '#'.
    int at = Secrets.userInfoEnd(url);
    String userInfo = at >= 0 ? url.substring(authority, at) : null;
    String rest = url.substring(at >= 0 ? at + 1 : authority);
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      rest = rest.substring(0, hash);
    }
    int q = rest.indexOf('?');
    String query = q >= 0 ? rest.substring(q + 1) : "";
    String hostAndPath = q >= 0 ? rest.substring(0, q) : rest;
    int slash = hostAndPath.indexOf('/');
    String hosts = slash >= 0 ? hostAndPath.substring(0, slash) : hostAndPath;
    String database = slash >= 0 ? hostAndPath.substring(slash + 1) : "";

    String user = null;
    String password = null;
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      String rawUser = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
      String rawPassword = colon >= 0 ? userInfo.substring(colon + 1) : null;
      // Decode the password first, so that even a failure to decode the user can scrub it.
      password = rawPassword == null ? null : decode(url, rawPassword, rawPassword);
      user = rawUser.isEmpty() ? null : decode(url, rawUser, password);
    }
    if (hosts.isEmpty()) {
      throw malformed(url, "no host", password);
    }
    checkHosts(url, hosts, password);
    if (database.contains("/")) {
      throw malformed(url, "the path must be a single database name", password);
    }

    String jdbcUrl = "jdbc:postgresql://" + hosts + "/" + database + (query.isEmpty() ? "" : "?" + query);
    Properties props = Driver.parseURL(jdbcUrl, null);
    if (props == null) {
      throw malformed(url, "pgjdbc cannot parse it", password);
    }
    String redacted = Secrets.scrub(Secrets.redactUrl(url), password);
    return new PostgresUrl(jdbcUrl, user, password, server(props), redacted);
  }

  private static void checkHosts(String url, String hosts, String password) {
    for (String host : hosts.split(",", -1)) {
      String port = null;
      if (host.startsWith("[")) {
        int close = host.indexOf(']');
        if (close < 0) {
          throw malformed(url, "unclosed '[' in an IPv6 host", password);
        }
        if (close + 1 < host.length()) {
          if (host.charAt(close + 1) != ':') {
            throw malformed(url, "unexpected text after an IPv6 host", password);
          }
          port = host.substring(close + 2);
        }
      } else {
        int colon = host.indexOf(':');
        if (colon == 0 || host.isEmpty()) {
          throw malformed(url, "empty host", password);
        }
        if (colon > 0) {
          port = host.substring(colon + 1);
        }
      }
      if (port != null && !validPort(port)) {
        throw malformed(url, "the port must be a number from 1 to 65535", password);
      }
    }
  }

  private static boolean validPort(String port) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    int p = Integer.parseInt(port);
    return p >= 1 && p <= 65535;
  }

  /** Percent-decoding as in a URL's user info: {@code +} stays a plus sign. */
  private static String decode(String url, String raw, String secret) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw malformed(url, "a '%' in the user or password is not followed by two hex digits", secret);
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String server(Properties props) {
    String[] hosts = PGProperty.PG_HOST.getOrDefault(props).split(",");
    String[] ports = PGProperty.PG_PORT.getOrDefault(props).split(",");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < hosts.length; i++) {
      sb.append(i == 0 ? "" : ",").append(hosts[i]).append(':').append(i < ports.length ? ports[i] : ports[0]);
    }
    return sb.toString();
  }

  private static ConfigurationException malformed(String url, String problem) {
    return malformed(url, problem, null);
  }

  private static ConfigurationException malformed(String url, String problem, String password) {
    return new ConfigurationException(HeartbeatStoreConfig.DATABASE_URL + " is not a valid PostgreSQL URL ("
        + problem + "): " + Secrets.scrub(Secrets.redactRefusedUrl(url), password) + "; accepted: " + ACCEPTED);
  }

  /** Whether the URL sets the pgjdbc parameter {@code name} itself. */
  public boolean hasParameter(String name) {
    Properties props = Driver.parseURL(jdbcUrl, null);
    return props != null && props.containsKey(name);
  }

  /** The pgjdbc URL; for the {@code postgres://} form without user and password. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The user from a {@code postgres://} URL, decoded; null for the JDBC form or when absent. */
  public String user() {
    return user;
  }

  /** The password, decoded; null when absent. A secret: only for pgjdbc and for scrubbing messages. */
  public String password() {
    return password;
  }

  /** {@code host:port}, comma-separated when the URL lists several hosts. */
  public String server() {
    return server;
  }

  /**
   * The first host and its port (5432 unless set), and the database, qualified by the schema when
   * {@code currentSchema} names a single one; for the spans and metrics.
   */
  public TelemetryTarget telemetryTarget() {
    Properties props = Driver.parseURL(jdbcUrl, null);
    if (props == null) {
      return TelemetryTarget.NONE;
    }
    String host = PGProperty.PG_HOST.getOrDefault(props).split(",")[0];
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    Integer port = null;
    try {
      port = Integer.valueOf(PGProperty.PG_PORT.getOrDefault(props).split(",")[0]);
    } catch (NumberFormatException e) {
      // leave it out
    }
    String database = PGProperty.PG_DBNAME.getOrDefault(props);
    String schema = PGProperty.CURRENT_SCHEMA.getOrDefault(props);
    String namespace = database == null || database.isEmpty() ? null
        : schema == null || schema.isBlank() || schema.contains(",") ? database : database + "." + schema.trim();
    return new TelemetryTarget(namespace, host.isEmpty() ? null : host, port);
  }

  /** The URL with every password replaced by {@code ***}. */
  public String redacted() {
    return redacted;
  }

  @Override
  public String toString() {
    return redacted;
  }
}
