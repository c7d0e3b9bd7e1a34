package dev.heartbeatstore.it;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.testsupport.HeartbeatStoreContract;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import org.junit.jupiter.api.DisplayName;

@DisplayName("libSQL backend over Hrana (real sqld) honours the contract")
class LibsqlRemoteContractTest extends HeartbeatStoreContract {

  @Override
  protected HeartbeatStoreConfig.Builder configure(HeartbeatStoreConfig.Builder builder) {
    return builder.backend(HeartbeatStoreConfig.TURSO).tursoDatabaseUrl(TestSqld.url());
  }

  @Override
  protected String expectedDbSystemName() {
    return "sqlite";
  }
}
