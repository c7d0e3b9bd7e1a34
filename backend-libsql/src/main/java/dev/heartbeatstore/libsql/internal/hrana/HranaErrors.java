package dev.heartbeatstore.libsql.internal.hrana;

import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.StoreUnavailableException;
import dev.heartbeatstore.libsql.internal.SqliteErrors;
import dev.heartbeatstore.libsql.internal.hrana.Proto.HranaError;
import dev.heartbeatstore.libsql.internal.hrana.Proto.StreamResult;
import dev.heartbeatstore.spi.Secrets;
import java.nio.charset.StandardCharsets;

/**
 * What a failure of one server is, in the contract's exceptions: a Hrana error ({@link SqliteErrors}), a malformed
 * response, an HTTP error body; every text from the server scrubbed of the token first (servers may echo a header).
 */
final class HranaErrors {

  private final String description;
  private final String token;
  private final String authorization;

  HranaErrors(String description, String token, String authorization) {
    this.description = description;
    this.token = token;
    this.authorization = authorization;
  }

  HeartbeatStoreException translate(String operation, HranaError error) {
    return translate(operation, null, false, error);
  }

  /** A Hrana error of a write that may repeat {@code key} (see {@link SqliteErrors#translate}). */
  HeartbeatStoreException translate(String operation, String key, boolean atomic, HranaError error) {
    return SqliteErrors.translate(operation, key, atomic, error.specificCode(), scrub(error.message()), null);
  }

  StoreUnavailableException malformed(String operation, String problem) {
    return new StoreUnavailableException(operation + ": " + description + " sent a malformed response (" + problem + ")");
  }

  /** Never lets the token through. */
  String scrub(String text) {
    return Secrets.scrub(text, token, authorization);
  }

  /** {@code ": message"} of an HTTP error body, scrubbed and cut at 200 characters; empty without one. */
  String httpDetail(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    String message = Decode.errorMessage(body);
    if (message == null) {
      message = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
    }
    message = scrub(message.strip());
    if (message.length() > 200) {
      message = message.substring(0, 200) + "…";
    }
    return message.isEmpty() ? "" : ": " + message;
  }

  /** Whether a failure is the server refusing the request as such (HTTP 400), not a fault of the server or the network. */
  static boolean isRefusal(HeartbeatStoreException e) {
    return e.getClass() == HeartbeatStoreException.class;
  }

  /**
   * The SQLITE_BUSY error of a result whose statement, or batch, lost the write lock (nothing of it was applied);
   * null for any other result.
   */
  static HranaError busyError(StreamResult r) {
    if (r.error != null) {
      return isBusy(r.error) ? r.error : null;
    }
    if (r.stepErrors != null) {
      for (HranaError e : r.stepErrors) {
        if (e != null) {
          // The first failed step decides: BEGIN, an insert or COMMIT lost the lock; ROLLBACK ran.
          return isBusy(e) ? e : null;
        }
      }
    }
    return null;
  }

  private static boolean isBusy(HranaError e) {
    String code = e.specificCode() == null ? "" : e.specificCode();
    return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")
        || (e.message() != null && e.message().contains("database is locked"));
  }

  static boolean isConnectionReset(Throwable e) {
    String m = e.getMessage();
    return m != null && (m.contains("reset") || m.contains("header parser received no bytes")
        || m.contains("connection closed locally") || m.contains("Connection closed"));
  }

  static <T extends Throwable> T causeOfType(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
