package dev.heartbeatstore.libsql.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Rows for one table that {@link SqlSession#executeBatch} inserts in one transaction: the table, its columns in the
 * order of each row's values, and what a conflict does (empty: a duplicate fails the whole batch). Each session
 * picks the form it sends best: {@link #singleRow()} or {@link #fromJson()}.
 */
public final class BulkInsert {

  /** Rows per JSON text of {@link #fromJson()}: about 90 kB of heartbeats each. */
  public static final int JSON_CHUNK = 1000;

  private static final JsonFactory JSON = new JsonFactory();

  private final String singleRow;
  private final String fromJson;

  /**
   * @param table      the table
   * @param columns    its columns, comma-separated, in the order of each row's values
   * @param onConflict an upsert clause ({@code " ON CONFLICT (id) DO NOTHING"}), or empty
   */
  public BulkInsert(String table, String columns, String onConflict) {
    int count = columns.split(",").length;
    StringBuilder values = new StringBuilder();
    StringBuilder fromJson = new StringBuilder();
    for (int i = 0; i < count; i++) {
      values.append(i == 0 ? "?" : ", ?");
      fromJson.append(i == 0 ? "" : ", ").append("value ->> ").append(i);
    }
    String head = "INSERT INTO " + table + " (" + columns + ")";
    this.singleRow = head + " VALUES (" + values + ")" + onConflict;
    // WHERE true tells SQLite's parser that the ON that follows starts the upsert clause, not a join constraint.
    this.fromJson = head + " SELECT " + fromJson + " FROM json_each(?)"
        + (onConflict.isEmpty() ? "" : " WHERE true" + onConflict);
  }

  /** One row, one bound value per column: sqlite-jdbc binds values natively, and runs one text as a JDBC batch. */
  public String singleRow() {
    return singleRow;
  }

  /**
   * The rows as one JSON text argument, {@code [[v, …], …]}, unpacked by SQLite's own JSON parser: over Hrana every
   * bound value is a JSON object of its own ({@code {"type":"text","value":…}}), and sqld reading 6,000 of them costs
   * more than SQLite reading the same rows as one text (measured: docs/performance.md, "libSQL"). Integers in the
   * JSON come back as SQLite integers, exact to 64 bits.
   */
  public String fromJson() {
    return fromJson;
  }

  /** {@code rows} as the JSON argument of {@link #fromJson()}: values are {@link String}, {@link Long} or null. */
  public static String asJson(List<Object[]> rows) {
    StringWriter out = new StringWriter(rows.size() * 100 + 2);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (Object[] row : rows) {
        g.writeStartArray();
        for (Object v : row) {
          if (v == null) {
            g.writeNull();
          } else if (v instanceof Long) {
            g.writeNumber((Long) v);
          } else {
            g.writeString((String) v);
          }
        }
        g.writeEndArray();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return singleRow;
  }
}
