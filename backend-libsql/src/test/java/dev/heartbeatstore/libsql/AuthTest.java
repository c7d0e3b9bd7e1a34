package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.libsql.HttpFaultProxy.Mode;
import dev.heartbeatstore.testsupport.servers.JwtKeys;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("Bearer tokens (a second sqld that checks EdDSA JWTs)")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthTest {

  /** Every character a URL reserves, and a few more. */
  private static final String RESERVED_TOKEN = "tok&en=with#reserved+chars/and?more%";

  private final JwtKeys keys = JwtKeys.generate();
  private final JwtKeys otherKeys = JwtKeys.generate();
  private Sqld sqld;

  @BeforeAll
  void startSqld() {
    sqld = TestSqld.startDedicated(Sqld.builder().env("SQLD_AUTH_JWT_KEY", keys.publicKey()));
  }

  @AfterAll
  void stopSqld() {
    if (sqld != null) {
      sqld.stop();
    }
  }

  private String validToken() {
    return keys.token(Instant.now().plusSeconds(3600));
  }

  @Test
  @DisplayName("the right token, from TURSO_AUTH_TOKEN or from ?authToken=, opens the store and works")
  void rightToken() {
    String user = newUser();
    Heartbeat h = heartbeat(user, "o", T0);
    try (HeartbeatStore store = Fixtures.open(sqld.url(), b -> b.tursoAuthToken(validToken()))) {
      store.heartbeats().store(h);
    }
    try (HeartbeatStore store = Fixtures.open(sqld.url() + "?authToken=" + validToken())) {
      assertThat(store.heartbeats().last(user, "o")).contains(h);
    }
  }

  @Test
  @DisplayName("no token at all is refused: StoreUnavailableException saying authentication was refused")
  void noToken() {
    assertThatThrownBy(() -> Fixtures.open(sqld.url()))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("refused authentication")
        .hasMessageContaining("401");
  }

  @Test
  @DisplayName("a token signed with another key is refused clearly, and never shown")
  void wrongToken() {
    String wrong = otherKeys.token(Instant.now().plusSeconds(3600));
    Throwable e = catchThrowable(() -> Fixtures.open(sqld.url(), b -> b.tursoAuthToken(wrong)));
    assertThat(e).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("refused authentication");
    assertThat(everything(e)).doesNotContain(wrong).doesNotContain(wrong.substring(wrong.lastIndexOf('.') + 1));
  }

  @Test
  @DisplayName("an expired token is refused clearly, and never shown")
  void expiredToken() {
    // sqld allows a minute of clock leeway; an hour ago is expired for sure.
    String expired = keys.token(Instant.now().minusSeconds(3600));
    Throwable e = catchThrowable(() -> Fixtures.open(sqld.url() + "?authToken=" + expired));
    assertThat(e).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("refused authentication");
    assertThat(everything(e)).doesNotContain(expired);
  }

  @Test
  @DisplayName("a token with & = # + / ? % works when passed URL-encoded in ?authToken= (sent exactly as given)")
  void reservedCharactersInUrl() throws Exception {
    try (HttpFaultProxy gate = new HttpFaultProxy(TestSqld.url())) {
      gate.requireAuthorization("Bearer " + RESERVED_TOKEN);
      String url = gate.url() + "?authToken=" + URLEncoder.encode(RESERVED_TOKEN, StandardCharsets.UTF_8);
      String user = newUser();
      try (HeartbeatStore store = Fixtures.open(url)) {
        store.heartbeats().store(heartbeat(user, "o", T0));
        assertThat(store.heartbeats().last(user, "o")).isPresent();
      }
      assertThat(gate.seen()).isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer " + RESERVED_TOKEN));
    }
  }

  @Test
  @DisplayName("the token appears in no exception message, stack trace, toString or log line, even at debug level")
  void tokenNeverShown() throws Exception {
    String token = validToken();
    String wrong = otherKeys.token(Instant.now().plusSeconds(3600));
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    StringBuilder shown = new StringBuilder();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (HttpFaultProxy proxy = new HttpFaultProxy(sqld.url())) {
      HeartbeatStoreConfig config = Fixtures.config(proxy.url() + "?authToken=" + token)
          .timeout(Duration.ofMillis(600)).build();
      shown.append(config).append('\n');
      try (HeartbeatStore store = dev.heartbeatstore.HeartbeatStores.open(config)) {
        shown.append(store).append('\n');
        String user = newUser();
        store.heartbeats().store(heartbeat(user, "o", T0));
        proxy.mode(Mode.STATUS).status(503);    // retried, logged at debug, then given up
        shown.append(everything(catchThrowable(() -> store.heartbeats().last(user, "o"))));
        proxy.mode(Mode.STATUS).status(500);
        shown.append(everything(catchThrowable(() -> store.heartbeats().last(user, "o"))));
        proxy.mode(Mode.HANG);
        shown.append(everything(catchThrowable(() -> store.heartbeats().last(user, "o"))));
      }
      shown.append(everything(catchThrowable(() -> Fixtures.open(sqld.url() + "?authToken=" + wrong))));
      shown.append(everything(catchThrowable(() -> Fixtures.open(sqld.url() + "?authToken=" + token + "&bad=1"))));
    } finally {
      System.setErr(originalErr);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).as("the log capture works").contains("opened libSQL").contains("retrying");
    assertThat(logs).doesNotContain(token).doesNotContain(wrong);
    assertThat(shown.toString()).contains("503").contains("refused authentication")
        .doesNotContain(token).doesNotContain(wrong);
  }

  /** Message, causes and stack trace of {@code e}, as a log would print them. */
  private static String everything(Throwable e) {
    if (e == null) {
      return "";
    }
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    return e + "\n" + out;
  }
}
