package dev.heartbeatstore.testsupport.servers;

/** Test settings: a system property wins over the environment variable of the same name. */
public final class TestEnvironment {

  private TestEnvironment() {}

  /**
   * The value of {@code name}: the system property, else the environment variable.
   *
   * @param name the property or variable name
   * @return the value, trimmed; null when unset or blank
   */
  public static String get(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      value = System.getenv(name);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * Whether this is CI ({@code CI=true}), where a missing server is a failure and never a skip.
   *
   * @return true when {@code CI} is {@code true}, any case
   */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(get("CI"));
  }

  /**
   * A server the tests need is missing: with {@code CI=true} that fails the test, elsewhere it is
   * skipped with {@code problem} as the reason. Never returns.
   *
   * @param problem what is missing and how to provide it
   * @param cause   the failure behind it, or null
   * @return never: declared so that callers can write {@code throw missing(...)}
   * @throws IllegalStateException with {@code CI=true}
   */

  public static IllegalStateException missing(String problem, Throwable cause) {
    if (isCi()) {
      throw new IllegalStateException(problem, cause);
    }
    org.junit.jupiter.api.Assumptions.abort(problem);
    throw new AssertionError("not reached");
  }
}
