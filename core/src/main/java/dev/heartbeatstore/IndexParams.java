package dev.heartbeatstore;

/**
 * Paging and filtering for {@link HeartbeatRepository#index}.
 *
 * @param skip  rows to skip, {@code >= 0}
 * @param limit rows to return, {@code 1..1000}
 * @param query {@code null} or blank for no filter; otherwise a literal substring of {@code version}
 *              (no wildcards: {@code %} and {@code _} match themselves); at most 255 characters (code points),
 *              valid Unicode text without NUL
 * @throws IllegalArgumentException naming the parameter when a value is out of range
 */
public record IndexParams(int skip, int limit, String query) {

  public static final int MAX_LIMIT = 1000;
  public static final int MAX_QUERY_LENGTH = 255;

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

  /** The first {@code limit} heartbeats, unfiltered. */
  public static IndexParams first(int limit) {
    return new IndexParams(0, limit, null);
  }

  /** True when {@link #query()} filters anything. */
  public boolean hasQuery() {
    return query != null && !query.isBlank();
  }
}
