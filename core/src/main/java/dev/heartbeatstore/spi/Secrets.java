package dev.heartbeatstore.spi;

import java.util.regex.Pattern;

/** Keeps passwords and tokens out of messages, logs and {@code toString}. */
public final class Secrets {

  /** Up to the authority's last {@code @}: a password may hold a raw {@code @} that was never percent-encoded. */
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/:@?#]*:)[^/?#]*@");
  /** Through any {@code #}: a raw token may hold one, and losing a fragment in a redacted URL is harmless. */
  private static final Pattern SECRET_PARAM =
      Pattern.compile("(?i)([?&;](?:password|authToken|auth_token|token|sslpassword)=)[^&;]*");

  private Secrets() {}

  /** The URL with any user-info password and secret query parameter replaced by {@code ***}; null stays null. */
  public static String redactUrl(String url) {
    if (url == null) {
      return null;
    }
    String redacted = USER_INFO_PASSWORD.matcher(url).replaceAll("$1***@");
    return SECRET_PARAM.matcher(redacted).replaceAll("$1***");
  }

  /**
   * {@code text} with every occurrence of each secret replaced by {@code ***}; for driver messages that
   * might echo a secret back. Null or empty secrets are ignored.
   */
  public static String scrub(String text, String... secrets) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        out = out.replace(secret, "***");
      }
    }
    return out;
  }
}
