package dev.heartbeatstore.it;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.testsupport.HeartbeatStoreContract;
import dev.heartbeatstore.testsupport.servers.TestPostgres;
import org.junit.jupiter.api.DisplayName;

@DisplayName("PostgreSQL backend honours the contract")
class PostgresContractTest extends HeartbeatStoreContract {

  @Override
  protected HeartbeatStoreConfig.Builder configure(HeartbeatStoreConfig.Builder builder) {
    return builder.backend(HeartbeatStoreConfig.POSTGRES).databaseUrl(TestPostgres.url());
  }

  @Override
  protected String expectedDbSystemName() {
    return "postgresql";
  }
}
