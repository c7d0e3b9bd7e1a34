package dev.heartbeatstore.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.postgres.IsolatedSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The repositories' own SQL texts, explained by PostgreSQL over 40,000 heartbeats: 20 users with 2
 * phones each, 1,000 heartbeats per phone. (With only a handful of rows per phone, PostgreSQL may rightly
 * prefer a bitmap scan and sort a few dozen rows; the index is there for phones with long histories.)
 */
@DisplayName("PostgreSQL's plans for the repositories' queries")
class QueryPlanTest {

  private static final String INDEX_NAME = "heartbeats_user_owner_timestamp_covering_idx";

  private static IsolatedSchema schema;

  @BeforeAll
  static void seed() {
    schema = IsolatedSchema.create();
    try (HeartbeatStore ignored = schema.open()) {
      // the schema is created by the store itself
    }
    schema.execute("INSERT INTO heartbeats (id, owner, version, charging, user_id, \"timestamp\")"
        + " SELECT gen_random_uuid(), 'owner-' || (i % 2), 'v' || (i % 7), i % 2 = 0, 'user-' || (i % 20),"
        + " timestamptz '2026-01-01' + i * interval '1 second' FROM generate_series(1, 40000) AS i");
    // VACUUM as autovacuum would: it marks the pages all-visible, which an Index Only Scan relies on.
    schema.execute("VACUUM ANALYZE heartbeats");
  }

  @AfterAll
  static void drop() {
    if (schema != null) {
      schema.close();
    }
  }

  @ParameterizedTest(name = "plan_cache_mode={0}")
  @ValueSource(strings = {"force_custom_plan", "force_generic_plan"})
  @DisplayName("index reads the composite index in order: no Sort node")
  void indexNeedsNoSort(String planCacheMode) throws SQLException {
    String plan = explain(planCacheMode, PostgresHeartbeatRepository.INDEX, "'user-7', 'owner-1', 20, 40");

    assertThat(plan).contains("Index Only Scan using " + INDEX_NAME).doesNotContain("Sort");
  }

  @ParameterizedTest(name = "plan_cache_mode={0}")
  @ValueSource(strings = {"force_custom_plan", "force_generic_plan"})
  @DisplayName("index with a query filters on the same index scan: no Sort node")
  void filteredIndexNeedsNoSort(String planCacheMode) throws SQLException {
    String plan = explain(planCacheMode, PostgresHeartbeatRepository.INDEX_MATCHING, "'user-7', 'owner-1', 'v3', 20, 0");

    assertThat(plan).contains("Index Only Scan using " + INDEX_NAME).doesNotContain("Sort");
  }

  @ParameterizedTest(name = "plan_cache_mode={0}")
  @ValueSource(strings = {"force_custom_plan", "force_generic_plan"})
  @DisplayName("last reads one index entry: no Sort node")
  void lastNeedsNoSort(String planCacheMode) throws SQLException {
    String plan = explain(planCacheMode, PostgresHeartbeatRepository.LAST, "'user-7', 'owner-1'");

    assertThat(plan).contains("Index Only Scan using " + INDEX_NAME).doesNotContain("Sort");
  }

  @ParameterizedTest(name = "plan_cache_mode={0}")
  @ValueSource(strings = {"force_custom_plan", "force_generic_plan"})
  @DisplayName("deleteAllForUser finds the user's rows through the composite index's prefix")
  void deleteAllForUserUsesTheIndex(String planCacheMode) throws SQLException {
    String plan = explain(planCacheMode, PostgresHeartbeatRepository.DELETE_ALL_FOR_USER, "'user-7'");

    assertThat(plan).contains(INDEX_NAME).doesNotContain("Seq Scan");
  }

  @ParameterizedTest(name = "plan_cache_mode={0}")
  @ValueSource(strings = {"force_custom_plan", "force_generic_plan"})
  @DisplayName("monitor load and deleteAllForUser use heartbeat_monitors_user_owner_idx")
  void monitorQueriesUseTheirIndex(String planCacheMode) throws SQLException {
    schema.execute("INSERT INTO heartbeat_monitors SELECT gen_random_uuid(), gen_random_uuid(), 'user-' || i, '',"
        + " 'owner', true, now(), now() FROM generate_series(1, 5000) AS i ON CONFLICT DO NOTHING");
    schema.execute("ANALYZE heartbeat_monitors");

    assertThat(explain(planCacheMode, PostgresMonitorRepository.LOAD, "'user-7', 'owner'"))
        .contains("heartbeat_monitors_user_owner_idx").doesNotContain("Seq Scan");
    assertThat(explain(planCacheMode, PostgresMonitorRepository.DELETE_ALL_FOR_USER, "'user-7'"))
        .contains("heartbeat_monitors_user_owner_idx").doesNotContain("Seq Scan");
  }

  /** EXPLAIN of {@code sql} prepared as the driver prepares it, executed with {@code arguments}. */
  private static String explain(String planCacheMode, String sql, String arguments) throws SQLException {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char c : sql.toCharArray()) {
      if (c == '?') {
        numbered.append('$').append(++n);
      } else {
        numbered.append(c);
      }
    }
    StringBuilder plan = new StringBuilder();
    try (Connection c = schema.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false); // EXPLAIN of a DELETE does not run it, but stay safe
      s.execute("SET plan_cache_mode = " + planCacheMode);
      s.execute("PREPARE q AS " + numbered);
      try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE q(" + arguments + ")")) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      c.rollback();
    }
    return plan.toString();
  }
}
