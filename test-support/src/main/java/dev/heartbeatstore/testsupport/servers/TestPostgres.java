package dev.heartbeatstore.testsupport.servers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * Finds the real PostgreSQL the tests run against, once per JVM:
 * {@code TEST_DATABASE_URL} (environment or system property), else a local server at
 * 127.0.0.1:5432 (user {@code postgres}, database {@code test}, trust auth), else a Testcontainers
 * container where Docker is available. With {@code CI=true} a missing server fails the test; elsewhere
 * the test is skipped with a message saying how to provide one.
 */
public final class TestPostgres {

  /** The setting (environment variable or system property) that names the PostgreSQL to use. */
  public static final String VARIABLE = "TEST_DATABASE_URL";
  static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private static String url;
  private static String problem;

  private TestPostgres() {}

  /**
   * The PostgreSQL the tests share, found (or started in a container) on the first call.
   *
   * @return a URL in either accepted form ({@code postgres://…} or {@code jdbc:postgresql://…})
   */
  public static synchronized String url() {
    if (url == null && problem == null) {
      locate();
    }
    if (url == null) {
      throw TestEnvironment.missing(problem, null);
    }
    return url;
  }

  /**
   * {@link #url()} with {@code currentSchema} set to a new, empty schema named {@code prefix_<random>}:
   * tables (and a hedging journal) that no other test run shares.
   *
   * @param prefix the start of the schema's name, a plain SQL identifier
   * @return the URL with {@code currentSchema} set
   * @throws IllegalStateException when the schema cannot be created
   */

  public static String isolatedSchema(String prefix) {
    String base = url();
    String schema = prefix + "_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl(base));
         java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot create the test schema " + schema + ": " + e.getMessage(), e);
    }
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** A pgjdbc URL for either accepted form; {@code postgres://user:pass@host/db} moves its user into parameters. */
  static String jdbcUrl(String url) {
    if (url.startsWith("jdbc:")) {
      return url;
    }
    java.net.URI uri = java.net.URI.create(url);
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost())
        .append(uri.getPort() > 0 ? ":" + uri.getPort() : "").append(uri.getRawPath());
    String query = uri.getRawQuery();
    String separator = "?";
    if (query != null) {
      jdbc.append('?').append(query);
      separator = "&";
    }
    String userInfo = uri.getUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
      jdbc.append(separator).append("user=").append(java.net.URLEncoder.encode(user, java.nio.charset.StandardCharsets.UTF_8));
      if (colon >= 0) {
        jdbc.append("&password=").append(java.net.URLEncoder.encode(userInfo.substring(colon + 1),
            java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return jdbc.toString();
  }

  private static void locate() {
    String configured = TestEnvironment.get(VARIABLE);
    if (configured != null) {
      url = configured;
      return;
    }
    if (reachable("127.0.0.1", 5432)) {
      url = LOCAL_URL;
      return;
    }
    if (dockerAvailable()) {
      PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-test-postgres"));
      url = container.getJdbcUrl() + (container.getJdbcUrl().contains("?") ? "&" : "?")
          + "user=" + container.getUsername() + "&password=" + container.getPassword();
      return;
    }
    problem = "No PostgreSQL for the tests: set " + VARIABLE
        + " (e.g. postgres://postgres@127.0.0.1:5432/test), start one on 127.0.0.1:5432, or run Docker";
  }

  static boolean reachable(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }
}
