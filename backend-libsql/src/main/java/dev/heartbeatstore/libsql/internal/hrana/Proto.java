package dev.heartbeatstore.libsql.internal.hrana;

import java.io.IOException;
import java.util.List;

/** The values of Hrana over HTTP this client sends and reads: a request body, results, errors. */
final class Proto {

  private Proto() {}

  /**
   * A Hrana {@code Error}: message, optional code (e.g. {@code SQLITE_CONSTRAINT}) and optional extended code
   * (e.g. {@code SQLITE_CONSTRAINT_PRIMARYKEY}), which servers of SQL over HTTP v3 send when the error has one.
   */
  record HranaError(String message, String code, String extendedCode) {

    HranaError(String message, String code) {
      this(message, code, null);
    }

    /** The most specific code there is: the extended code when present, else the code; null when neither is. */
    String specificCode() {
      return extendedCode != null ? extendedCode : code;
    }
  }

  /** A Hrana {@code StmtResult}: the rows (values typed as in {@code SqlSession#query}) and the change count. */
  record StmtResult(List<Object[]> rows, long affectedRowCount) {}

  /**
   * A pipeline body, how many results its response must hold, and which of them answers the
   * statement or batch (the others are {@code store_sql} and {@code close}).
   */
  record Request(byte[] body, int results, int mainResult) {}

  /** One entry of the pipeline's {@code results}: ok with a statement or batch result, or an error. */
  static final class StreamResult {
    HranaError error;
    StmtResult stmtResult;
    List<StmtResult> stepResults;
    List<HranaError> stepErrors;

    boolean ok() {
      return error == null;
    }
  }

  /** Thrown for a body that is not a complete, well-formed pipeline response. */
  static final class MalformedResponseException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedResponseException(String message) {
      super(message);
    }

    MalformedResponseException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
