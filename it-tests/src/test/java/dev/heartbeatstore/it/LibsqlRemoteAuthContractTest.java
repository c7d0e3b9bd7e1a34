package dev.heartbeatstore.it;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.testsupport.HeartbeatStoreContract;
import dev.heartbeatstore.testsupport.servers.JwtKeys;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;

/** The contract again, against a sqld that checks JWTs: with a token configured, no message may show it. */
@DisplayName("libSQL backend over Hrana with a bearer token (real sqld checking JWTs) honours the contract")
class LibsqlRemoteAuthContractTest extends HeartbeatStoreContract {

  private Sqld sqld;
  private String token;

  @Override
  protected HeartbeatStoreConfig.Builder configure(HeartbeatStoreConfig.Builder builder) {
    if (sqld == null) {
      JwtKeys keys = JwtKeys.generate();
      sqld = TestSqld.startDedicated(Sqld.builder().env("SQLD_AUTH_JWT_KEY", keys.publicKey()));
      token = keys.token(Instant.now().plusSeconds(3600));
    }
    return builder.backend(HeartbeatStoreConfig.TURSO).tursoDatabaseUrl(sqld.url()).tursoAuthToken(token);
  }

  @Override
  protected String expectedDbSystemName() {
    return "sqlite";
  }

  @AfterAll
  void stopSqld() {
    if (sqld != null) {
      sqld.stop();
    }
  }
}
