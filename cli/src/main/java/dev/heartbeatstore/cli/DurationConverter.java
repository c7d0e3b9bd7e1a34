package dev.heartbeatstore.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code 0}, {@code 750ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d} or ISO-8601 ({@code PT1M}), as the environment's durations. */
final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  @Override
  public Duration convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.equals("0")) {
        return Duration.ZERO;
      }
      Matcher m = SIMPLE.matcher(v);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms": return Duration.ofMillis(n);
          case "s": return Duration.ofSeconds(n);
          case "m": return Duration.ofMinutes(n);
          case "h": return Duration.ofHours(n);
          default: return Duration.ofDays(n);
        }
      }
      if (v.startsWith("p")) {
        Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
        if (!d.isNegative()) {
          return d;
        }
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw new TypeConversionException("'" + value + "' is not a duration such as 30s, 5m, 2h, 750ms or PT1M");
  }
}
