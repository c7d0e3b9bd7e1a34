package dev.heartbeatstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.postgres.IsolatedSchema;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.testsupport.servers.JwtKeys;
import dev.heartbeatstore.testsupport.servers.Sqld;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A database's identity (what a backfill checkpoint is bound to)")
class DatabaseIdentityTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("PostgreSQL: the cluster's system identifier, the database and the schema; stable, and different per schema")
  void postgres() {
    try (IsolatedSchema one = IsolatedSchema.create(); IsolatedSchema two = IsolatedSchema.create()) {
      String first = identity(one.config().build(), "postgres");
      assertThat(first).matches("postgresql system -?\\d+ database \\w+ schema " + one.name());
      assertThat(identity(one.config().build(), "postgres")).isEqualTo(first);
      assertThat(identity(two.config().build(), "postgres")).isNotEqualTo(first).endsWith("schema " + two.name());
    }
  }

  @Test
  @DisplayName("libSQL file: the file and the database id its schema drew; stable across opens, different per database")
  void libsqlFile() {
    HeartbeatStoreConfig a = fileConfig("a.db");
    String first = identity(a, "turso");
    assertThat(first).contains(dir.resolve("a.db").toString()).containsPattern("database_id [0-9a-f]{32}$");
    assertThat(identity(a, "turso")).isEqualTo(first);
    assertThat(identity(fileConfig("b.db"), "turso")).isNotEqualTo(first);
  }

  @Test
  @DisplayName("remote libSQL: the URL without the token, and the database id")
  void libsqlRemoteWithoutToken() {
    JwtKeys keys = JwtKeys.generate();
    try (Sqld sqld = TestSqld.startDedicated(Sqld.builder().env("SQLD_AUTH_JWT_KEY", keys.publicKey()))) {
      String token = keys.token(Instant.now().plusSeconds(3600));
      HeartbeatStoreConfig config = HeartbeatStoreConfig.builder().backend("turso")
          .tursoDatabaseUrl(sqld.url() + "?authToken=" + token).build();
      String identity = identity(config, "turso");
      assertThat(identity).contains(sqld.url()).containsPattern("database_id [0-9a-f]{32}$").doesNotContain(token);
    }
  }

  private HeartbeatStoreConfig fileConfig(String name) {
    return HeartbeatStoreConfig.builder().backend("turso").tursoDatabaseUrl("file:" + dir.resolve(name)).build();
  }

  private static String identity(HeartbeatStoreConfig config, String backend) {
    try (TableAccess access = Backends.openTableAccess(config, backend)) {
      return access.databaseIdentity();
    }
  }
}
