package dev.heartbeatstore.libsql.internal.hrana;

import java.net.http.HttpClient;

/**
 * The JDK {@link HttpClient}s every remote store uses: one per process and HTTP version, created on first use.
 *
 * <p>Java 17's client has no {@code close()}: its selector thread and its pooled connections live until the client
 * is garbage-collected. With one client per store, 100 open/store/close cycles grew a process from 7 to 16–20
 * threads and from 36 to 57–71 file descriptors until a GC ran. A shared client costs one selector thread and its
 * keep-alive connections per process, whatever the number of stores opened and closed; its worker threads come from
 * the JDK's default cached pool (daemon threads that end after 60 s idle). Nothing in a client is per store: the
 * bearer token, the deadline and the endpoint travel with each request.
 *
 * <p>{@code http://} is spoken over HTTP/1.1 (the JDK's cleartext HTTP/2 upgrade hangs against sqld), {@code https://}
 * over HTTP/2 when the server offers it (ALPN). No connect timeout is set on the client: each request's timeout (what
 * is left of its deadline) covers connecting too.
 */
final class SharedHttpClients {

  private SharedHttpClients() {}

  private static final class Cleartext {
    static final HttpClient CLIENT = build(HttpClient.Version.HTTP_1_1);
  }

  private static final class Tls {
    static final HttpClient CLIENT = build(HttpClient.Version.HTTP_2);
  }

  /** The client for a base URI of this scheme ({@code http} or {@code https}). */
  static HttpClient forScheme(String scheme) {
    return "http".equals(scheme) ? Cleartext.CLIENT : Tls.CLIENT;
  }

  private static HttpClient build(HttpClient.Version version) {
    return HttpClient.newBuilder()
        .version(version)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }
}
