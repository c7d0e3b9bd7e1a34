package dev.heartbeatstore;

/**
 * Paging and filtering for {@link HeartbeatRepository#index}.
 *
 * @param skip  rows to skip, {@code >= 0}
 * @param limit rows to return, {@code 1..1000}
 * @param query {@code null} or blank for no filter; otherwise a literal substring of {@code version}
 *              (no wildcards: {@code %} and {@code _} match themselves); at most 255 characters (code points),
 *              valid Unicode text without NUL
 */
public record IndexParams(int skip, int limit, String query) {

  /** The largest {@code limit}. */
  public static final int MAX_LIMIT = 1000;
  /** The longest {@code query}, in characters (code points). */
  public static final int MAX_QUERY_LENGTH = 255;

  /**
   * Checks every value.
   *
   * @param skip  rows to skip, {@code >= 0}
   * @param limit rows to return, {@code 1..1000}
   * @param query {@code null} or blank for no filter; otherwise a literal substring of {@code version}
   * @throws IllegalArgumentException naming the parameter when a value is out of range
   */
  public IndexParams {
    if (skip < 0) {
      throw new IllegalArgumentException("params.skip must be >= 0, was " + skip);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("params.limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
    }
    if (query != null) {
      // At most 255 characters (code points), no NUL, no lone surrogate: the rule of every text argument.
      dev.heartbeatstore.internal.Arguments.optionalText("params.query", query);
    }
  }

  /**
   * The first {@code limit} heartbeats, unfiltered.
   *
   * @param limit rows to return, {@code 1..1000}
   * @return the parameters
   * @throws IllegalArgumentException naming {@code params.limit} when it is out of range
   */
  public static IndexParams first(int limit) {
    return new IndexParams(0, limit, null);
  }

  /**
   * Whether {@link #query()} filters anything.
   *
   * @return false for a null or blank query
   */
  public boolean hasQuery() {
    return query != null && !query.isBlank();
  }
}
