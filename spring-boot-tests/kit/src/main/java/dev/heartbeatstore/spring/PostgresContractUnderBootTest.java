package dev.heartbeatstore.spring;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.testsupport.HeartbeatStoreContract;
import dev.heartbeatstore.testsupport.servers.TestPostgres;
import org.junit.jupiter.api.DisplayName;

/** The contract kit, unchanged, with the versions this Boot manages (HikariCP, Flyway, pgjdbc, OpenTelemetry). */
@DisplayName("PostgreSQL backend honours the contract under Spring Boot's dependency management")
class PostgresContractUnderBootTest extends HeartbeatStoreContract {

  @Override
  protected HeartbeatStoreConfig.Builder configure(HeartbeatStoreConfig.Builder builder) {
    return builder.backend(HeartbeatStoreConfig.POSTGRES).databaseUrl(TestPostgres.url());
  }

  @Override
  protected String expectedDbSystemName() {
    return "postgresql";
  }
}
