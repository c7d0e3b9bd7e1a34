package dev.heartbeatstore.migration;

import dev.heartbeatstore.spi.TableAccess.HeartbeatCursor;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;

/**
 * Where a backfill stands, saved after every batch the target committed, so that a backfill killed at
 * any moment resumes where it was. Resuming from a slightly older checkpoint is harmless: inserts are
 * insert-if-absent.
 *
 * <p>It is bound to its two databases ({@link dev.heartbeatstore.spi.TableAccess#databaseIdentity()}):
 * its cursors say what one target already holds of one source, and are wrong for any other pair.
 */
record Checkpoint(String from, String to, String fromIdentity, String toIdentity, UUID monitorCursor,
                  boolean monitorsDone, HeartbeatCursor heartbeatCursor, long heartbeatsCopied, long monitorsCopied,
                  boolean bulk) {

  static Checkpoint start(String from, String to, String fromIdentity, String toIdentity) {
    return new Checkpoint(from, to, fromIdentity, toIdentity, null, false, null, 0, 0, false);
  }

  Checkpoint afterMonitors(UUID cursor, long copied) {
    return new Checkpoint(from, to, fromIdentity, toIdentity, cursor, false, heartbeatCursor, heartbeatsCopied,
        monitorsCopied + copied, bulk);
  }

  Checkpoint monitorsFinished() {
    return new Checkpoint(from, to, fromIdentity, toIdentity, monitorCursor, true, heartbeatCursor, heartbeatsCopied,
        monitorsCopied, bulk);
  }

  Checkpoint afterHeartbeats(HeartbeatCursor cursor, long copied) {
    return new Checkpoint(from, to, fromIdentity, toIdentity, monitorCursor, monitorsDone, cursor,
        heartbeatsCopied + copied, monitorsCopied, bulk);
  }

  /**
   * In bulk mode: the target's secondary indexes were dropped and are built when the copy is done. Saved
   * before they are dropped, so a resumed run finishes them even if the target's own record were lost.
   */
  Checkpoint inBulkMode() {
    return new Checkpoint(from, to, fromIdentity, toIdentity, monitorCursor, monitorsDone, heartbeatCursor,
        heartbeatsCopied, monitorsCopied, true);
  }

  /**
   * The saved checkpoint of a backfill from {@code from} to {@code to} between these two databases, or
   * null when there is none.
   *
   * @throws CheckpointMismatchException when it was written for another direction or other databases
   */
  static Checkpoint load(Path file, String from, String to, String fromIdentity, String toIdentity) {
    if (file == null || !Files.exists(file)) {
      return null;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the backfill checkpoint " + file, e);
    }
    String savedFrom = p.getProperty("from");
    String savedTo = p.getProperty("to");
    String savedFromIdentity = p.getProperty("fromIdentity");
    String savedToIdentity = p.getProperty("toIdentity");
    if (!from.equals(savedFrom) || !to.equals(savedTo)
        || !fromIdentity.equals(savedFromIdentity) || !toIdentity.equals(savedToIdentity)) {
      throw new CheckpointMismatchException("the checkpoint " + file + " is of a backfill from " + savedFrom
          + " [" + orUnknown(savedFromIdentity) + "] to " + savedTo + " [" + orUnknown(savedToIdentity)
          + "], not from " + from + " [" + fromIdentity + "] to " + to + " [" + toIdentity
          + "]; run with --restart to start over between these databases (rows already there are skipped),"
          + " or pass another --checkpoint");
    }
    try {
      String monitor = p.getProperty("monitorCursor");
      String micros = p.getProperty("heartbeatTimestampMicros");
      String id = p.getProperty("heartbeatId");
      HeartbeatCursor cursor = micros == null ? null
          : new HeartbeatCursor(fromMicros(Long.parseLong(micros)), UUID.fromString(id));
      return new Checkpoint(from, to, fromIdentity, toIdentity, monitor == null ? null : UUID.fromString(monitor),
          Boolean.parseBoolean(p.getProperty("monitorsDone")), cursor,
          Long.parseLong(p.getProperty("heartbeatsCopied", "0")), Long.parseLong(p.getProperty("monitorsCopied", "0")),
          Boolean.parseBoolean(p.getProperty("bulkIndexesPending")));
    } catch (RuntimeException e) {
      throw new IllegalStateException("the backfill checkpoint " + file + " is damaged (" + e.getMessage()
          + "); delete it to start over (nothing is duplicated: inserts skip rows already there)", e);
    }
  }

  /** Writes atomically: a kill mid-write leaves the previous checkpoint whole. */
  void save(Path file) {
    if (file == null) {
      return;
    }
    Properties p = new Properties();
    p.setProperty("from", from);
    p.setProperty("to", to);
    p.setProperty("fromIdentity", fromIdentity);
    p.setProperty("toIdentity", toIdentity);
    if (monitorCursor != null) {
      p.setProperty("monitorCursor", monitorCursor.toString());
    }
    p.setProperty("monitorsDone", Boolean.toString(monitorsDone));
    if (heartbeatCursor != null) {
      p.setProperty("heartbeatTimestampMicros", Long.toString(toMicros(heartbeatCursor.timestamp())));
      p.setProperty("heartbeatId", heartbeatCursor.id().toString());
    }
    p.setProperty("heartbeatsCopied", Long.toString(heartbeatsCopied));
    p.setProperty("monitorsCopied", Long.toString(monitorsCopied));
    if (bulk) {
      p.setProperty("bulkIndexesPending", "true");
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(w, "heartbeat backfill checkpoint");
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the backfill checkpoint " + file, e);
    }
  }

  /** Deletes the checkpoint file, if any. */
  static void delete(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the backfill checkpoint " + file, e);
    }
  }

  private static String orUnknown(String identity) {
    return identity == null ? "databases not recorded" : identity;
  }

  static long toMicros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  static Instant fromMicros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
