package dev.heartbeatstore.postgres.internal;

import java.sql.SQLException;

/**
 * A call ended from outside, by its deadline ({@link Pool}'s watchdog) or by the store's close; what
 * {@link PostgresErrors} turns into the contract's exception.
 */
final class Ended extends SQLException {
  private static final long serialVersionUID = 1L;

  enum Kind { DEADLINE, CLOSED }

  private final Kind kind;

  private Ended(String message, String state, Kind kind) {
    super(message, state);
    this.kind = kind;
  }

  static Ended deadline(long timeoutMillis) {
    return new Ended("the deadline (" + timeoutMillis + " ms) passed; the statement was cancelled", "57014",
        Kind.DEADLINE);
  }

  static Ended closed() {
    return new Ended("the heartbeat store was closed while the call ran", "08003", Kind.CLOSED);
  }

  Kind kind() {
    return kind;
  }

  /** The {@code Ended} that {@code e} is, or carries as suppressed by a try-with-resources block; else null. */
  static Ended in(Throwable e) {
    if (e instanceof Ended) {
      return (Ended) e;
    }
    for (Throwable suppressed : e.getSuppressed()) {
      if (suppressed instanceof Ended) {
        return (Ended) suppressed;
      }
    }
    return null;
  }
}
