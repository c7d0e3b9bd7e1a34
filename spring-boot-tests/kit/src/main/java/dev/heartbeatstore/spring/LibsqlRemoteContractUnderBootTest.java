package dev.heartbeatstore.spring;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.testsupport.HeartbeatStoreContract;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import org.junit.jupiter.api.DisplayName;

/** The contract kit, unchanged, with the versions this Boot manages (Jackson, OpenTelemetry). */
@DisplayName("libSQL backend over Hrana (real sqld) honours the contract under Spring Boot's dependency management")
class LibsqlRemoteContractUnderBootTest extends HeartbeatStoreContract {

  @Override
  protected HeartbeatStoreConfig.Builder configure(HeartbeatStoreConfig.Builder builder) {
    return builder.backend(HeartbeatStoreConfig.TURSO).tursoDatabaseUrl(TestSqld.url());
  }

  @Override
  protected String expectedDbSystemName() {
    return "sqlite";
  }
}
