package dev.heartbeatstore.libsql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a test directory, for a disk that really fills up. Mounting needs root
 * (as in this project's test containers); elsewhere the test is skipped, and {@code JdbcSessionTest}
 * still proves the same recovery with SQLite's {@code max_page_count}.
 */
final class Tmpfs implements AutoCloseable {

  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code size} (e.g. {@code 1m}) on the existing, empty directory {@code dir}. */
  static Tmpfs mount(Path dir, String size) {
    Result r = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()));
    Assumptions.assumeTrue(r.exitCode == 0, () -> "cannot mount a tmpfs (root needed): " + r.output);
    return new Tmpfs(dir);
  }

  @Override
  public void close() {
    Result r = run(List.of("umount", dir.toString()));
    if (r.exitCode != 0) {
      run(List.of("umount", "-l", dir.toString()));
      throw new IllegalStateException("umount " + dir + " failed (lazily unmounted instead): " + r.output);
    }
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, command + " did not finish");
      }
      return new Result(p.exitValue(), output);
    } catch (IOException e) {
      return new Result(-1, command + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, command + " was interrupted");
    }
  }
}
