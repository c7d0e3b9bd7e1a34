package dev.heartbeatstore.libsql.internal;

import java.util.Arrays;

/**
 * One SQL statement with its positional arguments. Arguments are {@link String}, {@link Long} or
 * null: the three SQLite types this backend writes (booleans are 0/1, instants are microseconds).
 */
public final class Statement {

  private final String sql;
  private final Object[] args;

  private Statement(String sql, Object[] args) {
    this.sql = sql;
    this.args = args;
  }

  public static Statement of(String sql, Object... args) {
    for (Object arg : args) {
      if (arg != null && !(arg instanceof String) && !(arg instanceof Long)) {
        throw new IllegalArgumentException("unsupported argument type " + arg.getClass().getName());
      }
    }
    return new Statement(sql, args);
  }

  public String sql() {
    return sql;
  }

  public int argCount() {
    return args.length;
  }

  public Object arg(int index) {
    return args[index];
  }

  /** The SQL only: arguments may be personal data and stay out of messages. */
  @Override
  public String toString() {
    return sql;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Statement && ((Statement) o).sql.equals(sql) && Arrays.equals(((Statement) o).args, args);
  }

  @Override
  public int hashCode() {
    return sql.hashCode();
  }
}
