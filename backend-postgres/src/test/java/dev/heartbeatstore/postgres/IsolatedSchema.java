package dev.heartbeatstore.postgres;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.postgres.internal.PostgresUrl;
import dev.heartbeatstore.testsupport.servers.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/** A fresh PostgreSQL schema for one test class, found by the store through {@code currentSchema=}. */
public final class IsolatedSchema implements AutoCloseable {

  private final String name;
  private final String url;
  private final PostgresUrl parsed;

  private IsolatedSchema(String name, String url) {
    this.name = name;
    this.url = url;
    this.parsed = PostgresUrl.parse(url);
  }

  public static IsolatedSchema create() {
    String base = TestPostgres.url();
    String name = "hb_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    IsolatedSchema schema = new IsolatedSchema(name, base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name);
    schema.execute("CREATE SCHEMA " + name);
    return schema;
  }

  /** The schema's name. */
  public String name() {
    return name;
  }

  /** The test database's URL, in its configured form, with {@code currentSchema} set to this schema. */
  public String url() {
    return url;
  }

  public HeartbeatStoreConfig.Builder config() {
    return HeartbeatStoreConfig.builder().backend("postgres").databaseUrl(url).poolSize(4).timeout(Duration.ofSeconds(5));
  }

  public HeartbeatStore open() {
    return HeartbeatStores.open(config().build());
  }

  /** A plain connection, outside any store, with this schema as its search path. */
  public Connection connect() throws SQLException {
    Properties props = new Properties();
    if (parsed.user() != null) {
      props.setProperty("user", parsed.user());
    }
    if (parsed.password() != null) {
      props.setProperty("password", parsed.password());
    }
    return DriverManager.getConnection(parsed.jdbcUrl(), props);
  }

  public void execute(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
  }
}
