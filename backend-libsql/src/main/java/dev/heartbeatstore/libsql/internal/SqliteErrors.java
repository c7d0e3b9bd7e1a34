package dev.heartbeatstore.libsql.internal;

import dev.heartbeatstore.DuplicateRecordException;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.StoreUnavailableException;
import java.util.Locale;

/**
 * Translates a failed SQLite statement into the contract's exceptions, keyed on the SQLite result code
 * name ({@code SQLITE_CONSTRAINT_PRIMARYKEY}, {@code SQLITE_BUSY}, …). Both transports use it: Hrana
 * reports the code in its error's {@code code} field (sqld sends the primary code,
 * {@code SQLITE_CONSTRAINT}, with the detail in the message), sqlite-jdbc in its {@code SQLiteException}.
 * A full disk ({@code SQLITE_FULL}), like any other I/O failure, is retryable: the store writes again as
 * soon as there is room. The code is the exception's {@link HeartbeatStoreException#statusCode() status code}.
 */
public final class SqliteErrors {

  private SqliteErrors() {}

  /**
   * @param operation what was being done, e.g. {@code heartbeats.store}
   * @param code      the SQLite result code name, or null when unknown
   * @param message   the database's message (never holds a secret: statements carry no credentials)
   */
  public static HeartbeatStoreException translate(String operation, String code, String message, Throwable cause) {
    return translate(operation, null, false, code, message, cause);
  }

  /**
   * {@link #translate(String, String, String, Throwable)} of a write that may repeat {@code key}, with the final
   * message of its duplicate: {@code "<operation>: <key> already exists[; nothing was written] (<message>)"}.
   *
   * @param key    what a duplicate repeats ({@code "a heartbeat with id …"}); null: "a record with the same id"
   * @param atomic whether the write was a transaction, of which a duplicate left nothing
   */
  public static HeartbeatStoreException translate(String operation, String key, boolean atomic, String code,
      String message, Throwable cause) {
    String c = code == null ? "" : code.toUpperCase(Locale.ROOT);
    return exception(operation, key, atomic, c, message == null ? "" : message, cause).withStatusCode(c);
  }

  private static HeartbeatStoreException exception(String operation, String key, boolean atomic, String c, String m,
      Throwable cause) {
    if (isDuplicate(c, m)) {
      return new DuplicateRecordException(operation + ": " + (key == null ? "a record with the same id" : key)
          + " already exists" + (atomic ? "; nothing was written" : "") + " (" + m + ")", cause);
    }
    if (c.startsWith("SQLITE_BUSY") || c.startsWith("SQLITE_LOCKED")) {
      return new StoreTimeoutException(operation + ": the database stayed locked by another writer (" + m + ")", cause);
    }
    if (c.startsWith("SQLITE_INTERRUPT")) {
      return new StoreTimeoutException(operation + ": the statement was stopped at its deadline (" + m + ")", cause);
    }
    if (c.startsWith("SQLITE_CONSTRAINT")) {
      // The database refused this row (NOT NULL, CHECK, a trigger's RAISE): the same call fails again,
      // so it is not the retryable StoreUnavailableException.
      return new HeartbeatStoreException(operation + ": the database refused the row: " + c + ": " + m, cause);
    }
    return new StoreUnavailableException(operation + " failed: " + (c.isEmpty() ? "" : c + ": ") + m, cause);
  }

  static boolean isDuplicate(String code, String message) {
    String c = code == null ? "" : code.toUpperCase(Locale.ROOT);
    if (c.equals("SQLITE_CONSTRAINT_PRIMARYKEY") || c.equals("SQLITE_CONSTRAINT_UNIQUE")) {
      return true;
    }
    return (c.isEmpty() || c.equals("SQLITE_CONSTRAINT"))
        && message != null
        && (message.contains("UNIQUE constraint failed") || message.contains("PRIMARY KEY constraint failed"));
  }
}
