package dev.heartbeatstore.testsupport.servers;

/** Test settings: a system property wins over the environment variable of the same name. */
public final class TestEnvironment {

  private TestEnvironment() {}

  /** The value of {@code name}, or null when unset or blank. */
  public static String get(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      value = System.getenv(name);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** True in CI ({@code CI=true}), where a missing server is a failure and never a skip. */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(get("CI"));
  }

  /**
   * A server the tests need is missing: with {@code CI=true} that fails the test, elsewhere it is
   * skipped with {@code problem} as the reason. Never returns.
   */
  public static IllegalStateException missing(String problem, Throwable cause) {
    if (isCi()) {
      throw new IllegalStateException(problem, cause);
    }
    org.junit.jupiter.api.Assumptions.abort(problem);
    throw new AssertionError("not reached");
  }
}
