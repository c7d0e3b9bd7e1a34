package dev.heartbeatstore.migration;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A keyset-paged scan of one side read one row at a time, each page through the side's {@link Retry}; it ends at
 * the first row {@code keep} refuses (the scan order is the time order).
 */
final class Scan<T, C> {
  private final Function<C, List<T>> page;
  private final Side side;
  private final Function<T, C> cursorOf;
  private final Predicate<T> keep;
  private List<T> rows = List.of();
  private int index;
  private C cursor;
  private boolean done;
  /** Rows read so far (pages fetched), and what to do after each page. */
  long read;
  Runnable afterPage = () -> {};

  Scan(C start, Function<C, List<T>> page, Side side, Function<T, C> cursorOf,
       Predicate<T> keep) {
    this.cursor = start;
    this.page = page;
    this.side = side;
    this.cursorOf = cursorOf;
    this.keep = keep;
  }

  T next() {
    if (done) {
      return null;
    }
    if (index == rows.size()) {
      C after = cursor;
      rows = side.retry().call(side.name, "scan after " + after, () -> page.apply(after));
      index = 0;
      if (rows.isEmpty()) {
        done = true;
        return null;
      }
      cursor = cursorOf.apply(rows.get(rows.size() - 1));
      read += rows.size();
      afterPage.run();
    }
    T row = rows.get(index++);
    if (!keep.test(row)) {
      done = true;
      rows = List.of();
      return null;
    }
    return row;
  }
}
