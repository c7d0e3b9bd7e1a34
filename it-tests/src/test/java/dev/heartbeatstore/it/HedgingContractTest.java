package dev.heartbeatstore.it;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.testsupport.HeartbeatStoreContract;
import dev.heartbeatstore.testsupport.servers.TestPostgres;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Hedging backend (PostgreSQL primary, libSQL secondary, sync) honours the contract")
class HedgingContractTest extends HeartbeatStoreContract {

  @Override
  protected HeartbeatStoreConfig.Builder configure(HeartbeatStoreConfig.Builder builder) {
    return builder.backend(HeartbeatStoreConfig.HEDGING)
        .databaseUrl(TestPostgres.url())
        .tursoDatabaseUrl(TestSqld.url());
  }

  /** Operations are recorded by the primary; the secondary's own records carry sqlite. */
  @Override
  protected String expectedDbSystemName() {
    return "postgresql";
  }
}
