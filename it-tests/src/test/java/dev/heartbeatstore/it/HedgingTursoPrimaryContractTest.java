package dev.heartbeatstore.it;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreConfig.HedgingMode;
import dev.heartbeatstore.testsupport.HeartbeatStoreContract;
import dev.heartbeatstore.testsupport.servers.TestPostgres;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Hedging backend after the flip (libSQL primary, PostgreSQL secondary, async) honours the contract")
class HedgingTursoPrimaryContractTest extends HeartbeatStoreContract {

  @Override
  protected HeartbeatStoreConfig.Builder configure(HeartbeatStoreConfig.Builder builder) {
    return builder.backend(HeartbeatStoreConfig.HEDGING)
        .hedgingPrimary(HeartbeatStoreConfig.TURSO)
        .hedgingMode(HedgingMode.ASYNC)
        .databaseUrl(TestPostgres.url())
        .tursoDatabaseUrl(TestSqld.url());
  }

  @Override
  protected String expectedDbSystemName() {
    return "sqlite";
  }
}
