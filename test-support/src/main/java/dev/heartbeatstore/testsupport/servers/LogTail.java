package dev.heartbeatstore.testsupport.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The end of a log file (sqld's or npm's), to quote in an error message. */
final class LogTail {

  private LogTail() {}

  /** The last 30 lines of a log, or a note saying why it cannot be read. */
  static String of(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
