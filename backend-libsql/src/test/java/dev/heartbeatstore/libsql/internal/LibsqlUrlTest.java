package dev.heartbeatstore.libsql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.ConfigurationException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TURSO_DATABASE_URL is read as libSQL clients read it")
class LibsqlUrlTest {

  private static final String RESERVED_TOKEN = "a&b=c#d+e/f?g%h";

  @Test
  @DisplayName("libsql://host means https://host")
  void libsqlMeansHttps() {
    LibsqlLocation l = LibsqlLocation.parse("libsql://my-db-org.turso.io", null);
    assertThat(l.isRemote()).isTrue();
    assertThat(l.baseUri()).hasToString("https://my-db-org.turso.io");
    assertThat(l.authToken()).isNull();
  }

  @Test
  @DisplayName("https:// and http:// are taken as they are, port and path kept, trailing slash dropped")
  void httpAndHttps() {
    assertThat(LibsqlLocation.parse("https://db.example.com:8443/base/", null).baseUri())
        .hasToString("https://db.example.com:8443/base");
    assertThat(LibsqlLocation.parse("http://127.0.0.1:8080", null).baseUri()).hasToString("http://127.0.0.1:8080");
    assertThat(LibsqlLocation.parse("HTTP://127.0.0.1:8080/", null).baseUri()).hasToString("http://127.0.0.1:8080");
  }

  @Test
  @DisplayName("libsql://host?tls=0 means http://host (as the official clients read it)")
  void tlsOff() {
    assertThat(LibsqlLocation.parse("libsql://127.0.0.1:8080?tls=0", null).baseUri())
        .hasToString("http://127.0.0.1:8080");
  }

  @Test
  @DisplayName("the authToken parameter is percent-decoded: & = # + / ? and % survive")
  void authTokenWithReservedCharacters() {
    String encoded = URLEncoder.encode(RESERVED_TOKEN, StandardCharsets.UTF_8);
    LibsqlLocation l = LibsqlLocation.parse("libsql://db.turso.io?authToken=" + encoded, null);
    assertThat(l.authToken()).isEqualTo(RESERVED_TOKEN);
    assertThat(l.baseUri()).hasToString("https://db.turso.io");
  }

  @Test
  @DisplayName("a literal + in the authToken parameter is a plus sign, not a space")
  void literalPlus() {
    assertThat(LibsqlLocation.parse("http://h:1/?authToken=ab+cd%2Bef", null).authToken()).isEqualTo("ab+cd+ef");
  }

  @Test
  @DisplayName("TURSO_AUTH_TOKEN wins over the URL's authToken")
  void explicitTokenWins() {
    assertThat(LibsqlLocation.parse("http://h:1?authToken=from-url", "from-env").authToken()).isEqualTo("from-env");
    assertThat(LibsqlLocation.parse("http://h:1", "from-env").authToken()).isEqualTo("from-env");
  }

  @Test
  @DisplayName("file:path, file:/abs and file:///abs name local files")
  void fileUrls() {
    assertThat(LibsqlLocation.parse("file:data/heartbeats.db", null).file()).isEqualTo(Paths.get("data/heartbeats.db"));
    assertThat(LibsqlLocation.parse("file:/var/lib/hb.db", null).file()).isEqualTo(Paths.get("/var/lib/hb.db"));
    assertThat(LibsqlLocation.parse("file:///var/lib/hb.db", null).file()).isEqualTo(Paths.get("/var/lib/hb.db"));
    assertThat(LibsqlLocation.parse("file:///var/lib/hb.db", null).isRemote()).isFalse();
  }

  @Test
  @DisplayName("file::memory: is an in-memory database, as libSQL clients read it; a file named :memory: is file:./:memory:")
  void memory() {
    LibsqlLocation memory = LibsqlLocation.parse("file::memory:", null);
    assertThat(memory.isFile()).isTrue();
    assertThat(memory.file()).isEqualTo(LibsqlLocation.MEMORY);
    assertThat(memory).hasToString("file::memory:");
    assertThat(LibsqlLocation.parse("file:./:memory:", null).file()).isNotEqualTo(LibsqlLocation.MEMORY)
        .isEqualTo(Paths.get("./:memory:"));
  }

  @Test
  @DisplayName("an unsupported scheme is a ConfigurationException naming the variable and what it accepts")
  void badScheme() {
    assertThatThrownBy(() -> LibsqlLocation.parse("postgres://h/db", null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("TURSO_DATABASE_URL")
        .hasMessageContaining("libsql://")
        .hasMessageContaining("file:");
  }

  @Test
  @DisplayName("errors about a URL never show its token, even a raw one with # in it")
  void errorsHideTheToken() {
    assertThatThrownBy(() -> LibsqlLocation.parse("libsql://db.turso.io?color=blue&authToken=s3cr#et", null))
        .isInstanceOf(ConfigurationException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr").doesNotContain("et&"));
    assertThatThrownBy(() -> LibsqlLocation.parse("libsql://db.turso.io?authToken=s3cret&color=blue", null))
        .hasMessageContaining("color")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
  }

  @Test
  @DisplayName("a token that cannot go into an HTTP header is refused without being shown")
  void tokenWithNewline() {
    assertThatThrownBy(() -> LibsqlLocation.parse("http://h:1", "abc\r\nX-Evil: 1"))
        .isInstanceOf(ConfigurationException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("X-Evil"));
  }

  @Test
  @DisplayName("a URL without host, or with unknown parameters, is refused")
  void malformed() {
    assertThatThrownBy(() -> LibsqlLocation.parse("libsql://", null)).isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> LibsqlLocation.parse("http://h:1?foo=bar", null)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("foo");
    assertThatThrownBy(() -> LibsqlLocation.parse("file:", null)).isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> LibsqlLocation.parse("file:x.db?mode=ro", null)).isInstanceOf(ConfigurationException.class);
  }

  @Test
  @DisplayName("toString shows where, never the token")
  void toStringHidesToken() {
    assertThat(LibsqlLocation.parse("http://h:1?authToken=s3cret", null).toString())
        .doesNotContain("s3cret").contains("http://h:1");
  }
}
