package dev.heartbeatstore.benchmarks;

import static dev.heartbeatstore.benchmarks.RoundRobin.interleave;
import static dev.heartbeatstore.benchmarks.RoundRobin.timed;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import dev.heartbeatstore.benchmarks.RoundRobin.Measured;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import org.sqlite.SQLiteConfig;

/**
 * {@link LibsqlBenchmark}'s embedded-file part: the library's {@code file:} store against raw sqlite-jdbc on the
 * same file, with the settings the library uses (WAL, busy_timeout, foreign_keys; synchronous left at SQLite's
 * default, as the library leaves it). Raw {@code storeAll} is the usual DAO: one transaction, the single-row
 * INSERT prepared once, {@code addBatch} × 1,000, {@code executeBatch}, commit.
 */
final class LibsqlFileRounds {

  private static final int FILE_ROUNDS = 8;
  private static final int FILE_STORE_WARMUP = 50;
  private static final int FILE_STORES = 150;
  private static final int FILE_BULKS_PER_ROUND = 4;

  private final LibsqlRows rows;

  LibsqlFileRounds(LibsqlRows rows) {
    this.rows = rows;
  }

  /** Every round on {@code file}, each side's samples into its series. */
  void run(Path file, Series libStore, Series rawStore, Series libBulk, Series rawBulk) throws Exception {
    String url = "file:" + file;
    try (HeartbeatStore schema = HeartbeatStores.open(
        HeartbeatStoreConfig.builder().backend("turso").tursoDatabaseUrl(url).build())) {
      schema.heartbeats().last("nobody", "nothing");
    }
    for (int round = 0; round < FILE_ROUNDS; round++) {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setBusyTimeout(5000);
      config.enforceForeignKeys(true);
      try (HeartbeatStore store = HeartbeatStores.open(
              HeartbeatStoreConfig.builder().backend("turso").tursoDatabaseUrl(url).build());
           Connection raw = config.createConnection("jdbc:sqlite:" + file);
           PreparedStatement insert = raw.prepareStatement(RawHrana.INSERT)) {
        if (round == 0) {
          try (java.sql.Statement s = raw.createStatement();
               ResultSet sync = s.executeQuery("PRAGMA synchronous")) {
            sync.next();
            System.out.printf(Locale.ROOT, "file: journal WAL, synchronous=%d (SQLite's default; the library sets none)%n",
                sync.getInt(1));
          }
        }
        interleave(FILE_STORE_WARMUP, FILE_STORES,
            new Measured(timed(() -> store.heartbeats().store(rows.heartbeat("file-lib"))), libStore),
            new Measured(timed(() -> {
              LibsqlJdbc.bind(insert, rows.heartbeat("file-raw"));
              insert.executeUpdate();
            }), rawStore));
        Samples lib = libBulk.newRound(FILE_BULKS_PER_ROUND);
        Samples rawRound = rawBulk.newRound(FILE_BULKS_PER_ROUND);
        for (int i = -1; i < FILE_BULKS_PER_ROUND; i++) {
          List<Heartbeat> forLibrary = rows.batch("file-lib-bulk");
          List<Heartbeat> forRaw = rows.batch("file-raw-bulk");
          // Each side goes first in turn, as for sqld.
          long libNanos;
          long rawNanos;
          if ((i & 1) == 0) {
            libNanos = LibsqlBenchmark.timeLibraryLoad(store, forLibrary);
            rawNanos = timeRawFileLoad(raw, insert, forRaw);
          } else {
            rawNanos = timeRawFileLoad(raw, insert, forRaw);
            libNanos = LibsqlBenchmark.timeLibraryLoad(store, forLibrary);
          }
          if (i >= 0) {
            lib.add(libNanos);
            rawRound.add(rawNanos);
          }
        }
      }
    }
  }

  /** Raw sqlite-jdbc's bulk load: one transaction, the prepared INSERT batched. */
  private static long timeRawFileLoad(Connection raw, PreparedStatement insert, List<Heartbeat> rows) throws SQLException {
    long t0 = System.nanoTime();
    raw.setAutoCommit(false);
    for (Heartbeat h : rows) {
      LibsqlJdbc.bind(insert, h);
      insert.addBatch();
    }
    insert.executeBatch();
    raw.commit();
    raw.setAutoCommit(true);
    return System.nanoTime() - t0;
  }
}
