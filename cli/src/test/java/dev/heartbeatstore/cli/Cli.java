package dev.heartbeatstore.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code heartbeat} as a real process: its own JVM, working directory and environment. */
final class Cli {

  record Result(int exit, String out, String err) {}

  private Cli() {}

  /** A minimal environment (PATH, HOME, JAVA_HOME) plus {@code extra}: nothing else leaks in. */
  static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    for (String name : List.of("PATH", "HOME", "JAVA_HOME")) {
      String value = System.getenv(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putAll(extra);
    return env;
  }

  static ProcessBuilder builder(Path cwd, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(HeartbeatCli.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Path out = Files.createTempFile(cwd, "out", ".txt");
    Path err = Files.createTempFile(cwd, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    return pb;
  }

  static Result run(Path cwd, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = builder(cwd, env, args);
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("heartbeat " + String.join(" ", args) + " did not finish in 120 s");
    }
    return new Result(p.exitValue(), read(pb.redirectOutput().file()), read(pb.redirectError().file()));
  }

  static String read(File file) throws IOException {
    return Files.readString(file.toPath(), StandardCharsets.UTF_8);
  }
}
