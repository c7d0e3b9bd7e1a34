package dev.heartbeatstore.it;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.testsupport.HeartbeatStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;

@DisplayName("libSQL backend on a local file (sqlite-jdbc) honours the contract")
class LibsqlFileContractTest extends HeartbeatStoreContract {

  private final Path file = newDatabaseFile();

  @Override
  protected HeartbeatStoreConfig.Builder configure(HeartbeatStoreConfig.Builder builder) {
    return builder.backend(HeartbeatStoreConfig.TURSO).tursoDatabaseUrl("file:" + file);
  }

  @Override
  protected String expectedDbSystemName() {
    return "sqlite";
  }

  private static Path newDatabaseFile() {
    try {
      Path dir = Files.createTempDirectory("heartbeat-contract-");
      dir.toFile().deleteOnExit();
      return dir.resolve("heartbeats.db");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
