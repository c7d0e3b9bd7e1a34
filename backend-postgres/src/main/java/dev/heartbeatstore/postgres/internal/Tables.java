package dev.heartbeatstore.postgres.internal;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables this library writes, and the check that a table of the same name already in the schema is one
 * it can use. The first migration creates its tables only {@code IF NOT EXISTS}, so that a host that has the
 * upstream tables keeps them and their rows; a host table that merely shares the name (other columns) would
 * otherwise surface as a failed index creation, reported as a retryable outage, at every start.
 */
final class Tables {

  /** Each table's columns as the library writes them: name → type as {@code format_type} prints it. */
  private static final Map<String, Map<String, String>> EXPECTED = Map.of(
      PostgresHeartbeatRepository.TABLE, columns(
          "id", "uuid", "owner", "text", "version", "text", "charging", "boolean", "user_id", "text",
          "timestamp", "timestamp with time zone"),
      PostgresMonitorRepository.TABLE, columns(
          "id", "uuid", "phone_id", "uuid", "user_id", "text", "queue_id", "text", "owner", "text",
          "phone_online", "boolean", "created_at", "timestamp with time zone", "updated_at", "timestamp with time zone"));

  /** The longest text core lets through (contract §2: 255 characters). */
  private static final int LONGEST_TEXT = 255;

  /** {@code character varying} holds the library's text when it is unbounded or holds 255 characters or more. */
  private static final Pattern VARCHAR = Pattern.compile("character varying(?:\\((\\d+)\\))?");

  private static final String COLUMNS =
      "SELECT c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef"
          + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
          + " WHERE n.nspname = current_schema() AND c.relname IN (?, ?)"
          + " ORDER BY c.relname, a.attnum";

  private Tables() {}

  /**
   * @throws ConfigurationException naming the table, the schema and each difference, when a table of this
   *     library's name in the connection's current schema cannot be the library's: a view, a missing column, a
   *     column of another type, or a column the library does not write that must not be null and has no default
   */
  static void refuseForeign(Connection c) throws SQLException {
    Map<String, Found> found = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
      ps.setString(1, PostgresHeartbeatRepository.TABLE);
      ps.setString(2, PostgresMonitorRepository.TABLE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Found table = found.computeIfAbsent(rs.getString(1), name -> new Found());
          table.kind = rs.getString(2);
          if (rs.getString(3) != null) {
            table.columns.add(new Column(rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getBoolean(6)));
          }
        }
      }
    }
    for (Map.Entry<String, Found> table : found.entrySet()) {
      List<String> problems = problems(EXPECTED.get(table.getKey()), table.getValue());
      if (!problems.isEmpty()) {
        throw new ConfigurationException("the table " + table.getKey() + " in schema \"" + currentSchema(c)
            + "\" is not heartbeat-store's and cannot be used: " + String.join("; ", problems)
            + ". heartbeat-store needs " + table.getKey() + " " + describe(EXPECTED.get(table.getKey()))
            + ". Give heartbeat-store a schema of its own (e.g. " + HeartbeatStoreConfig.DATABASE_URL
            + "=…?currentSchema=heartbeat_store) or rename the other table");
      }
    }
  }

  /** The connection's current schema, for messages. */
  static String currentSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_schema()")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static List<String> problems(Map<String, String> expected, Found table) {
    List<String> problems = new ArrayList<>();
    if (!"r".equals(table.kind) && !"p".equals(table.kind)) {
      problems.add("it is not a table (pg_class.relkind '" + table.kind + "')");
      return problems;
    }
    Map<String, Column> actual = new LinkedHashMap<>();
    table.columns.forEach(column -> actual.put(column.name, column));
    expected.forEach((name, type) -> {
      Column column = actual.get(name);
      if (column == null) {
        problems.add("it has no column " + name);
      } else if (!holds(column.type, type)) {
        problems.add("its column " + name + " is " + column.type + ", not " + type);
      }
    });
    for (Column column : table.columns) {
      if (!expected.containsKey(column.name) && column.notNull && !column.hasDefault) {
        problems.add("its column " + column.name + " must not be null and has no default, and heartbeat-store does"
            + " not write it");
      }
    }
    return problems;
  }

  private static boolean holds(String actual, String expected) {
    if (actual.equals(expected)) {
      return true;
    }
    Matcher varchar = VARCHAR.matcher(actual);
    return expected.equals("text") && varchar.matches()
        && (varchar.group(1) == null || Integer.parseInt(varchar.group(1)) >= LONGEST_TEXT);
  }

  private static String describe(Map<String, String> columns) {
    StringBuilder sb = new StringBuilder("(");
    columns.forEach((name, type) -> sb.append(sb.length() == 1 ? "" : ", ").append(name).append(' ').append(type));
    return sb.append(')').toString();
  }

  private static Map<String, String> columns(String... nameAndType) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (int i = 0; i < nameAndType.length; i += 2) {
      columns.put(nameAndType[i], nameAndType[i + 1]);
    }
    return columns;
  }

  private static final class Found {
    String kind;
    final List<Column> columns = new ArrayList<>();
  }

  private record Column(String name, String type, boolean notNull, boolean hasDefault) {}
}
