package dev.heartbeatstore.migration;

import dev.heartbeatstore.spi.MigrationAccess.HeartbeatCursor;
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
 */
record Checkpoint(String from, String to, UUID monitorCursor, boolean monitorsDone,
                  HeartbeatCursor heartbeatCursor, long heartbeatsCopied, long monitorsCopied) {

  static Checkpoint start(String from, String to) {
    return new Checkpoint(from, to, null, false, null, 0, 0);
  }

  Checkpoint afterMonitors(UUID cursor, long copied) {
    return new Checkpoint(from, to, cursor, false, heartbeatCursor, heartbeatsCopied, monitorsCopied + copied);
  }

  Checkpoint monitorsFinished() {
    return new Checkpoint(from, to, monitorCursor, true, heartbeatCursor, heartbeatsCopied, monitorsCopied);
  }

  Checkpoint afterHeartbeats(HeartbeatCursor cursor, long copied) {
    return new Checkpoint(from, to, monitorCursor, monitorsDone, cursor, heartbeatsCopied + copied, monitorsCopied);
  }

  /** The saved checkpoint of this direction, or null when there is none. */
  static Checkpoint load(Path file, String from, String to) {
    if (file == null || !Files.exists(file)) {
      return null;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the backfill checkpoint " + file, e);
    }
    if (!from.equals(p.getProperty("from")) || !to.equals(p.getProperty("to"))) {
      throw new IllegalStateException("the checkpoint " + file + " is of a backfill from " + p.getProperty("from")
          + " to " + p.getProperty("to") + ", not from " + from + " to " + to + "; delete it or pass another --checkpoint");
    }
    try {
      String monitor = p.getProperty("monitorCursor");
      String micros = p.getProperty("heartbeatTimestampMicros");
      String id = p.getProperty("heartbeatId");
      HeartbeatCursor cursor = micros == null ? null
          : new HeartbeatCursor(fromMicros(Long.parseLong(micros)), UUID.fromString(id));
      return new Checkpoint(from, to, monitor == null ? null : UUID.fromString(monitor),
          Boolean.parseBoolean(p.getProperty("monitorsDone")), cursor,
          Long.parseLong(p.getProperty("heartbeatsCopied", "0")), Long.parseLong(p.getProperty("monitorsCopied", "0")));
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

  static long toMicros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  static Instant fromMicros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
