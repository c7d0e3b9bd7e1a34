package dev.heartbeatstore.spi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps passwords and tokens out of messages, logs and {@code toString}.
 *
 * <p>A URL is redacted by its structure, located by the same rules the parsers use, not by a pattern that
 * a raw {@code /}, {@code ?} or {@code #} in a password can slip past: the user-info password ends where
 * {@link #userInfoEnd} says (the rule {@code PostgresUrl} parses by), and a secret query parameter is found
 * by its percent-decoded name, as pgjdbc and the libSQL backend read it. Where the two readings of a URL
 * differ (a {@code ?} that may start the query or sit in a password), everything either reading could take
 * for a secret is hidden.
 */
public final class Secrets {

  /** Query parameters whose value is a secret, by lower-cased, percent-decoded name. */
  private static final Set<String> SECRET_PARAMETERS =
      Set.of("password", "sslpassword", "authtoken", "auth_token", "token", "access_token", "secret");

  private static final String MASK = "***";

  /** {@code host[:port][,host[:port]…][/path]}, hosts by name, IPv4 or [IPv6], ports as digits. */
  private static final Pattern HOSTS_AND_PATH;

  static {
    String host = "(?:\\[[0-9A-Fa-f:.%]*\\]|[^\\[\\]/:@,?#]+)(?::\\d{1,5})?";
    HOSTS_AND_PATH = Pattern.compile(host + "(?:," + host + ")*(?:/[^?#]*)?");
  }

  private Secrets() {}

  /**
   * The URL with any user-info password and secret query parameter value replaced by {@code ***}; null stays
   * null. The rest (scheme, user, hosts, path, other parameters) is kept for the reader.
   *
   * @param url any URL, or null
   * @return the redacted URL, or null
   */
  public static String redactUrl(String url) {
    if (url == null) {
      return null;
    }
    boolean[] hidden = new boolean[url.length()];
    int authority = authorityStart(url);
    int at = userInfoEnd(url);
    if (at > 0) {
      int colon = url.indexOf(':', authority);
      if (colon >= 0 && colon < at) {
        hide(hidden, colon + 1, at);
      }
    }
    // The query as a reader that ignores user info sees it (pgjdbc on a jdbc: URL, the libSQL backend) …
    hideSecretParameters(url, firstOf(url, '?', Math.max(authority, 0)), hidden);
    // … and as the postgres:// parser sees it, after the user info, when that holds a '?'.
    if (at > 0) {
      hideSecretParameters(url, firstOf(url, '?', at), hidden);
    }
    return masked(url, hidden);
  }

  /**
   * Where the user info of {@code url} ends: the index of the {@code @} before its host, or -1 when it has
   * none. The one rule for every URL with an authority ({@code scheme://…}), so that what a parser takes for
   * the password is what {@link #redactUrl} hides. A raw (not percent-encoded) password may hold {@code @},
   * {@code /} and {@code :}, and {@code ?} or {@code #} too; a query value may hold {@code @}:
   * <ul>
   *   <li>an {@code @} before the first {@code ?} or {@code #}: the last such {@code @} ends the user info,
   *       unless the next {@code @} follows that {@code ?} or {@code #} with no {@code =} between them: then
   *       the {@code ?} or {@code #} was in the password;</li>
   *   <li>every {@code @} after the first {@code ?} or {@code #}: when the text before that reads as hosts
   *       and a path ({@code host:5432/db?application_name=a@b}), the {@code @} is in the query: no user
   *       info; otherwise, when it holds a colon ({@code user:pa?ss@host}), the {@code ?} or {@code #} was in
   *       the password.</li>
   * </ul>
   * A password that runs past its first {@code ?} or {@code #} ends at the last {@code @} before the host part
   * that follows (which ends at {@code /}, {@code ?} or {@code #}).
   * What no rule can tell apart (a password holding {@code @}, then {@code ?}, then {@code =}) should be
   * percent-encoded; {@link #redactRefusedUrl} covers a URL that the parser then refuses.
   *
   * @param url a URL
   * @return the index of the {@code @} that ends the user info, or -1
   */
  public static int userInfoEnd(String url) {
    int start = authorityStart(url);
    if (start < 0) {
      return -1;
    }
    int firstAt = url.indexOf('@', start);
    if (firstAt < 0) {
      return -1;
    }
    int queryOrFragment = Math.min(firstOf(url, '?', start), firstOf(url, '#', start));
    if (firstAt < queryOrFragment) {
      int nextAt = url.indexOf('@', queryOrFragment);
      boolean parameterBefore = nextAt < 0 || url.substring(queryOrFragment, nextAt).indexOf('=') >= 0;
      return parameterBefore ? url.lastIndexOf('@', queryOrFragment - 1) : lastBeforeHostEnd(url, nextAt);
    }
    String beforeQuery = url.substring(start, queryOrFragment);
    return beforeQuery.indexOf(':') >= 0 && !HOSTS_AND_PATH.matcher(beforeQuery).matches()
        ? lastBeforeHostEnd(url, firstAt) : -1;
  }

  /** The last {@code @} before the end of the host part that would follow the {@code @} at {@code at}. */
  private static int lastBeforeHostEnd(String url, int at) {
    int hostEnd = at + 1;
    while (hostEnd < url.length() && "/?#".indexOf(url.charAt(hostEnd)) < 0) {
      hostEnd++;
    }
    return url.lastIndexOf('@', hostEnd - 1);
  }

  /**
   * For a URL its parser refused, whose structure is therefore not known: {@link #redactUrl}, and besides
   * everything between the first {@code :} after {@code //} and the last {@code @}, wherever they are.
   *
   * @param url the refused URL, or null
   * @return the redacted URL, or null
   */
  public static String redactRefusedUrl(String url) {
    if (url == null) {
      return null;
    }
    String redacted = redactUrl(url);
    int start = authorityStart(redacted);
    int colon = start < 0 ? -1 : redacted.indexOf(':', start);
    int lastAt = redacted.lastIndexOf('@');
    return colon >= 0 && colon < lastAt ? redacted.substring(0, colon + 1) + MASK + redacted.substring(lastAt) : redacted;
  }

  /**
   * {@code text} with every occurrence of each secret replaced by {@code ***}; for driver messages that
   * might echo a secret back. Null or empty secrets are ignored.
   *
   * @param text    the text, or null
   * @param secrets the secrets to hide
   * @return the text without them, or null
   */
  public static String scrub(String text, String... secrets) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }

  /** Just after {@code ://} (or the first {@code //}), or -1 when the URL has no authority. */
  private static int authorityStart(String url) {
    int slashes = url.indexOf("//");
    return slashes < 0 ? -1 : slashes + 2;
  }

  private static int firstOf(String url, char c, int from) {
    int i = url.indexOf(c, from);
    return i < 0 ? url.length() : i;
  }

  /**
   * Hides the values of secret parameters in the query starting at {@code question} (the index of its
   * {@code ?}). A value runs to the next {@code &} or {@code ;}, through any {@code #}: a raw token may hold
   * one, and losing a fragment in a redacted URL is harmless.
   */
  private static void hideSecretParameters(String url, int question, boolean[] hidden) {
    int i = question + 1;
    while (i < url.length()) {
      int end = i;
      while (end < url.length() && url.charAt(end) != '&' && url.charAt(end) != ';') {
        end++;
      }
      int eq = url.indexOf('=', i);
      if (eq >= 0 && eq < end && SECRET_PARAMETERS.contains(decode(url.substring(i, eq)).toLowerCase(Locale.ROOT))) {
        hide(hidden, eq + 1, end);
      }
      i = end + 1;
    }
  }

  /** Percent-decoding that keeps a malformed escape as it is: only for recognising a parameter's name. */
  private static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int hi = c == '%' && i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
      if (lo >= 0) {
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void hide(boolean[] hidden, int from, int to) {
    for (int i = from; i < to; i++) {
      hidden[i] = true;
    }
  }

  /** {@code url} with each run of hidden characters replaced by one {@code ***}. */
  private static String masked(String url, boolean[] hidden) {
    StringBuilder sb = new StringBuilder(url.length());
    for (int i = 0; i < url.length(); i++) {
      if (!hidden[i]) {
        sb.append(url.charAt(i));
      } else if (i == 0 || !hidden[i - 1]) {
        sb.append(MASK);
      }
    }
    return sb.toString();
  }
}
