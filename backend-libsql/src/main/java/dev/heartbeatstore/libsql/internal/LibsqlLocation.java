package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Secrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * Where {@code TURSO_DATABASE_URL} points: a remote libSQL server (with its pipeline endpoint and
 * bearer token) or a local SQLite file.
 *
 * <ul>
 *   <li>{@code libsql://host[:port][/path]} means {@code https://…} ({@code ?tls=0} means {@code http://});
 *       {@code https://} and {@code http://} are taken as they are.</li>
 *   <li>{@code ?authToken=…} (percent-encoded; a literal {@code +} stays {@code +}) gives the bearer
 *       token when {@code TURSO_AUTH_TOKEN} is not set.</li>
 *   <li>{@code file:path/to.db}, {@code file:/abs/path.db} and {@code file:///abs/path.db} are local files;
 *       {@code file::memory:} is a private in-memory database (a file named {@code :memory:} is
 *       {@code file:./:memory:}).</li>
 * </ul>
 */
public final class LibsqlLocation {

  private static final String ACCEPTED =
      "libsql://host, https://host, http://host:port, file:path/to.db or file::memory:";

  /** {@link #file()} of {@code file::memory:}: a private in-memory database, as libSQL's clients read it. */
  public static final Path MEMORY = Paths.get(":memory:");

  private final URI baseUri;
  private final String authToken;
  private final Path file;

  private LibsqlLocation(URI baseUri, String authToken, Path file) {
    this.baseUri = baseUri;
    this.authToken = authToken;
    this.file = file;
  }

  /**
   * @param url      {@code TURSO_DATABASE_URL}
   * @param tokenSet {@code TURSO_AUTH_TOKEN}; wins over the URL's {@code authToken} parameter
   * @throws ConfigurationException naming the variable; the message never shows a token
   */
  public static LibsqlLocation parse(String url, String tokenSet) {
    if (url == null || url.isBlank()) {
      throw new ConfigurationException(HeartbeatStoreConfig.TURSO_DATABASE_URL + " is not set; it accepts " + ACCEPTED);
    }
    String u = url.trim();
    String lower = u.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file:")) {
      return new LibsqlLocation(null, null, filePath(u));
    }
    String scheme;
    String rest;
    if (lower.startsWith("libsql://")) {
      scheme = "https";
      rest = u.substring("libsql://".length());
    } else if (lower.startsWith("https://")) {
      scheme = "https";
      rest = u.substring("https://".length());
    } else if (lower.startsWith("http://")) {
      scheme = "http";
      rest = u.substring("http://".length());
    } else {
      throw bad(u, "the scheme is not supported");
    }
    String fragmentless = rest;
    int hash = fragmentless.indexOf('#');
    if (hash >= 0) {
      fragmentless = fragmentless.substring(0, hash);
    }
    String query = null;
    int q = fragmentless.indexOf('?');
    String hostAndPath = fragmentless;
    if (q >= 0) {
      query = fragmentless.substring(q + 1);
      hostAndPath = fragmentless.substring(0, q);
    }
    String urlToken = null;
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(u, eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(u, pair.substring(eq + 1));
        switch (name) {
          case "authToken":
            urlToken = value.isEmpty() ? null : value;
            break;
          case "tls":
            if ("0".equals(value) && lower.startsWith("libsql://")) {
              scheme = "http";
            } else if (!"0".equals(value) && !"1".equals(value)) {
              throw bad(u, "tls must be 0 or 1");
            }
            break;
          default:
            throw bad(u, "the query parameter '" + name + "' is not supported (accepted: authToken, tls)");
        }
      }
    }
    while (hostAndPath.endsWith("/")) {
      hostAndPath = hostAndPath.substring(0, hostAndPath.length() - 1);
    }
    if (hostAndPath.isEmpty()) {
      throw bad(u, "it has no host");
    }
    URI base;
    try {
      base = new URI(scheme + "://" + hostAndPath);
    } catch (URISyntaxException e) {
      throw bad(u, "it is not a valid URL");
    }
    if (base.getHost() == null) {
      throw bad(u, "it has no host");
    }
    if (base.getRawUserInfo() != null) {
      throw bad(u, "credentials belong in " + HeartbeatStoreConfig.TURSO_AUTH_TOKEN + " or ?authToken=, not in the host part");
    }
    String token = tokenSet != null && !tokenSet.isBlank() ? tokenSet.trim() : urlToken;
    if (token != null) {
      checkHeaderSafe(token);
    }
    return new LibsqlLocation(base, token, null);
  }

  private static Path filePath(String u) {
    String rest = u.substring("file:".length());
    if (rest.contains("?")) {
      throw bad(u, "query parameters are not supported for file: URLs");
    }
    if (rest.equals(":memory:")) {
      return MEMORY;
    }
    String path;
    if (rest.startsWith("//")) {
      try {
        URI uri = new URI(u);
        String authority = uri.getAuthority();
        if (authority != null && !authority.isEmpty() && !"localhost".equalsIgnoreCase(authority)) {
          throw bad(u, "a file: URL cannot name a host");
        }
        path = uri.getPath();
      } catch (URISyntaxException e) {
        throw bad(u, "it is not a valid file: URL");
      }
    } else {
      path = rest;
    }
    if (path == null || path.isEmpty()) {
      throw bad(u, "it names no file");
    }
    return Paths.get(path);
  }

  private static String decode(String url, String s) {
    try {
      // Percent-decoding, not form-decoding: a literal '+' is a plus sign, %2B is one too.
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad(url, "it has a malformed %-escape in its query");
    }
  }

  private static void checkHeaderSafe(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new ConfigurationException("the libSQL auth token (" + HeartbeatStoreConfig.TURSO_AUTH_TOKEN
            + " or ?authToken=) contains a character that cannot be sent in an HTTP header; "
            + "it accepts printable ASCII only");
      }
    }
  }

  private static ConfigurationException bad(String url, String problem) {
    return new ConfigurationException(HeartbeatStoreConfig.TURSO_DATABASE_URL + "='" + shown(url)
        + "' cannot be used: " + problem + "; it accepts " + ACCEPTED);
  }

  /** The URL without its query and fragment (where a token may sit, even unencoded) and without user-info secrets. */
  static String shown(String url) {
    int cut = url.length();
    for (char c : new char[] {'?', '#'}) {
      int i = url.indexOf(c);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    return Secrets.redactUrl(url.substring(0, cut)) + (cut < url.length() ? "?…" : "");
  }

  public boolean isFile() {
    return file != null;
  }

  public boolean isRemote() {
    return baseUri != null;
  }

  /** The server's base URL (no query, no token), e.g. {@code https://db.turso.io}; null for a file. */
  public URI baseUri() {
    return baseUri;
  }

  /** The bearer token, or null. A secret. */
  public String authToken() {
    return authToken;
  }

  /** The database file ({@link #MEMORY} for {@code file::memory:}); null for a remote server. */
  public Path file() {
    return file;
  }

  /** Without secrets. */
  @Override
  public String toString() {
    if (isFile()) {
      return MEMORY.equals(file) ? "file::memory:" : "file:" + file;
    }
    return baseUri + (authToken == null ? "" : " (with auth token)");
  }
}
