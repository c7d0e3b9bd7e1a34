package dev.heartbeatstore.testsupport.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One sqld operating-system process for {@link Sqld}: launched with its output appended to a log, awaited
 * until it answers {@code /health}, guarded by a JVM shutdown hook until it is killed or stopped, signalled
 * by PID. Not thread-safe: {@link Sqld} calls it under its own lock.
 */
final class SqldProcess {

  private final Process process;
  private final int port;
  private final Path log;
  private Thread shutdownHook;

  private SqldProcess(Process process, int port, Path log, Thread shutdownHook) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.shutdownHook = shutdownHook;
  }

  /**
   * Launches sqld listening on {@code 127.0.0.1:port}, without waiting for it to answer.
   *
   * @throws IllegalStateException when the binary cannot be run
   */
  static SqldProcess launch(Path binary, Path dbPath, int port, Map<String, String> env, Path log) {
    List<String> command = List.of(binary.toString(),
        "--db-path", dbPath.toString(),
        "--http-listen-addr", "127.0.0.1:" + port,
        "--no-welcome");
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    Process started;
    try {
      started = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start sqld " + binary + ": " + e.getMessage(), e);
    }
    Thread shutdownHook = new Thread(started::destroyForcibly, "stop-sqld-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    return new SqldProcess(started, port, log, shutdownHook);
  }

  /**
   * Polls {@code url}'s {@code /health} every 50 ms until it answers.
   *
   * @return true once it answers, false when {@code timeout} passes first (the process is left running)
   * @throws IllegalStateException when the process exits first (with the end of its log), or the thread is
   *     interrupted
   */
  boolean awaitHealthy(String url, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("sqld exited with code " + process.exitValue() + " on port " + port
            + "; its log:\n" + LogTail.of(log));
      }
      if (SqldHttp.healthy(url)) {
        return true;
      }
      sleep(50);
    }
    return false;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Sends {@code SIG<signal>} with {@code kill}, if the process is alive. */
  void signal(String signal) {
    if (!process.isAlive()) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot send SIG" + signal + " to sqld", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGKILL, waits up to 10 s for the process to go, drops the shutdown hook. */
  void kill() {
    process.destroyForcibly();
    waitFor(process);
    removeShutdownHook();
  }

  /**
   * If alive: SIGTERM, then SIGKILL when it has not gone within 5 s (or the wait is interrupted). Then drops
   * the shutdown hook. A stopped (SIGSTOP) process must be continued first.
   */
  void stop() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          waitFor(process);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    removeShutdownHook();
  }

  private void removeShutdownHook() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: the hook runs anyway and finds the process gone
      }
      shutdownHook = null;
    }
  }

  private static void waitFor(Process p) {
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for sqld", e);
    }
  }
}
