package dev.heartbeatstore.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import dev.heartbeatstore.HeartbeatStoreConfig.Telemetry;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsing and checks of {@link HeartbeatStoreConfig}'s values, shared by its builder and the environment
 * ({@link EnvironmentSettings}). Every failure is a {@link ConfigurationException} naming the variable, what
 * was wrong and what is accepted.
 */
public final class SettingValues {

  /** The alias of {@value HeartbeatStoreConfig#TURSO}. */
  public static final String LIBSQL_ALIAS = "libsql";

  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private SettingValues() {}

  /**
   * The value trimmed; null when it is null or blank.
   *
   * @param value the text
   * @return the trimmed text, or null
   */
  public static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * One of the {@code accepted} backend names, case-insensitive; the alias {@code libsql} reads as {@code turso}.
   *
   * @param variable the name to put in the error message
   * @param value    the text to parse
   * @param accepted the names accepted, lower case
   * @return the canonical name
   * @throws ConfigurationException naming {@code variable} for any other value
   */
  public static String backendName(String variable, String value, Set<String> accepted) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    if (!accepted.contains(v)) {
      throw new ConfigurationException(variable + " must be one of " + listed(accepted) + ", was '" + value + "'");
    }
    return LIBSQL_ALIAS.equals(v) ? HeartbeatStoreConfig.TURSO : v;
  }

  private static String listed(Set<String> accepted) {
    // Fixed order, so messages are stable and read well.
    StringBuilder sb = new StringBuilder();
    for (String name : new String[] {
        HeartbeatStoreConfig.POSTGRES, HeartbeatStoreConfig.TURSO, LIBSQL_ALIAS, HeartbeatStoreConfig.HEDGING}) {
      if (accepted.contains(name)) {
        sb.append(sb.length() == 0 ? "" : ", ").append(name);
      }
    }
    return sb.toString();
  }

  /**
   * Parses {@code sync} or {@code async}, case-insensitive.
   *
   * @param value the text to parse
   * @return the mode
   * @throws ConfigurationException naming {@value HeartbeatStoreConfig#HEDGING_MODE} for any other value
   */
  public static HedgingMode hedgingMode(String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "sync":
        return HedgingMode.SYNC;
      case "async":
        return HedgingMode.ASYNC;
      default:
        throw new ConfigurationException(
            HeartbeatStoreConfig.HEDGING_MODE + " must be sync or async, was '" + value + "'");
    }
  }

  /**
   * Parses {@code on}, {@code off}, {@code metrics} or {@code spans}, case-insensitive.
   *
   * @param variable the name to put in the error message
   * @param value    the text to parse
   * @return the setting
   * @throws ConfigurationException naming {@code variable} when the value is none of those
   */
  public static Telemetry telemetry(String variable, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (Telemetry t : Telemetry.values()) {
      if (t.name().toLowerCase(Locale.ROOT).equals(v)) {
        return t;
      }
    }
    throw new ConfigurationException(variable + " must be on, off, metrics or spans, was '" + value + "'");
  }

  /**
   * The telemetry setting, when it is not null.
   *
   * @param telemetry the setting
   * @return {@code telemetry}
   * @throws ConfigurationException naming {@value HeartbeatStoreConfig#TELEMETRY} when it is null
   */
  public static Telemetry telemetry(Telemetry telemetry) {
    if (telemetry == null) {
      throw new ConfigurationException(HeartbeatStoreConfig.TELEMETRY + " must be on, off, metrics or spans, was null");
    }
    return telemetry;
  }

  /**
   * Parses {@code 750ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT5S}).
   *
   * @param variable the name to put in the error message
   * @param value    the text to parse
   * @return a positive duration
   * @throws ConfigurationException naming {@code variable}
   */
  public static Duration duration(String variable, String value) {
    String v = value.trim();
    Duration d;
    Matcher m = SIMPLE_DURATION.matcher(v.toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms": d = Duration.ofMillis(n); break;
          case "s": d = Duration.ofSeconds(n); break;
          case "m": d = Duration.ofMinutes(n); break;
          default: d = Duration.ofHours(n); break;
        }
      } else if (v.startsWith("P") || v.startsWith("p")) {
        d = Duration.parse(v.toUpperCase(Locale.ROOT));
      } else {
        d = null;
      }
    } catch (RuntimeException e) {
      d = null;
    }
    if (d == null) {
      throw new ConfigurationException(variable + " must be a duration such as 750ms, 5s, 2m or PT5S, was '" + value + "'");
    }
    return positive(variable, d);
  }

  /**
   * The duration, when it is positive.
   *
   * @param variable the name to put in the error message
   * @param d        the duration
   * @return {@code d}
   * @throws ConfigurationException naming {@code variable} when it is null, zero or negative
   */
  public static Duration positive(String variable, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new ConfigurationException(variable + " must be a positive duration such as 750ms, 5s or PT5S, was " + d);
    }
    return d;
  }

  /**
   * Parses a whole number.
   *
   * @param variable the name to put in the error message
   * @param value    the text to parse
   * @return the number
   * @throws ConfigurationException naming {@code variable} when it is not one
   */
  public static int wholeNumber(String variable, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(variable + " must be a whole number, was '" + value + "'");
    }
  }

  /**
   * The number, when it is at least {@code min}.
   *
   * @param variable the name to put in the error message
   * @param value    the number
   * @param min      the smallest accepted
   * @return {@code value}
   * @throws ConfigurationException naming {@code variable} when it is below {@code min}
   */
  public static int atLeast(String variable, int value, int min) {
    if (value < min) {
      throw new ConfigurationException(variable + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  /**
   * Parses a number; {@link #fraction(String, double)} checks its range.
   *
   * @param variable the name to put in the error message
   * @param value    the text to parse
   * @return the number
   * @throws ConfigurationException naming {@code variable} when it is not a number
   */
  public static double fraction(String variable, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(variable + " must be a fraction from 0 to 1 (e.g. 0.05), was '" + value + "'");
    }
  }

  /**
   * The fraction, when it is from 0 to 1.
   *
   * @param variable the name to put in the error message
   * @param fraction the number
   * @return {@code fraction}
   * @throws ConfigurationException naming {@code variable} when it is out of range (or NaN)
   */
  public static double fraction(String variable, double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new ConfigurationException(variable + " must be a fraction from 0 to 1 (e.g. 0.05), was " + fraction);
    }
    return fraction;
  }

  /**
   * Parses {@code true}, {@code 1}, {@code yes}, {@code on} or {@code false}, {@code 0}, {@code no}, {@code off},
   * case-insensitive.
   *
   * @param variable the name to put in the error message
   * @param value    the text to parse
   * @return the setting
   * @throws ConfigurationException naming {@code variable} for any other value
   */
  public static boolean bool(String variable, String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true": case "1": case "yes": case "on":
        return true;
      case "false": case "0": case "no": case "off":
        return false;
      default:
        throw new ConfigurationException(variable + " must be true or false, was '" + value + "'");
    }
  }

  /**
   * The text settings by variable name, for {@link BackendCatalog#checkRequiredSettings}: null for any other name.
   *
   * @param databaseUrl      the value of {@value HeartbeatStoreConfig#DATABASE_URL}
   * @param tursoDatabaseUrl the value of {@value HeartbeatStoreConfig#TURSO_DATABASE_URL}
   * @param tursoAuthToken   the value of {@value HeartbeatStoreConfig#TURSO_AUTH_TOKEN}
   * @return the lookup
   */
  public static Function<String, String> textSettings(String databaseUrl, String tursoDatabaseUrl,
                                                      String tursoAuthToken) {
    return variable -> {
      switch (variable) {
        case HeartbeatStoreConfig.DATABASE_URL:
          return databaseUrl;
        case HeartbeatStoreConfig.TURSO_DATABASE_URL:
          return tursoDatabaseUrl;
        case HeartbeatStoreConfig.TURSO_AUTH_TOKEN:
          return tursoAuthToken;
        default:
          return null;
      }
    };
  }
}
