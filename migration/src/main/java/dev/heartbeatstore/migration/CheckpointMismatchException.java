package dev.heartbeatstore.migration;

/**
 * A backfill checkpoint written for another direction or other databases than the ones configured now:
 * resuming from it would skip rows the target never received. The message names both pairs (never a
 * secret); start over with {@code --restart} ({@link Backfill.Builder#restart(boolean)}).
 */
public final class CheckpointMismatchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * A mismatch described by {@code message}.
   *
   * @param message the checkpoint's pair and the configured pair, without secrets
   */
  public CheckpointMismatchException(String message) {

    super(message);
  }
}
