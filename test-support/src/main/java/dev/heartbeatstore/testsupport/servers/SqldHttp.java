package dev.heartbeatstore.testsupport.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Talks to a running sqld over HTTP for {@link Sqld}: the {@code /health} probe and one-off SQL statements
 * over the Hrana pipeline API.
 */
final class SqldHttp {

  private SqldHttp() {}

  /** Whether the sqld at {@code url} answers {@code /health} with 200 right now. */
  static boolean healthy(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(url + "/health").openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(1000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs one SQL statement without parameters on the sqld at {@code url}; see {@link Sqld#execute}. */
  static void execute(String url, String sql) {
    String escaped = sql.replace("\\", "\\\\").replace("\"", "\\\"");
    String body = "{\"requests\":[{\"type\":\"execute\",\"stmt\":{\"sql\":\"" + escaped + "\"}},{\"type\":\"close\"}]}";
    try {
      HttpResponse<String> response = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1).build().send(
          HttpRequest.newBuilder(URI.create(url + "/v2/pipeline"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200 || response.body().contains("\"type\":\"error\"")) {
        throw new IllegalStateException("sqld refused " + sql + ": HTTP " + response.statusCode() + " " + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
