package dev.heartbeatstore.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official {@code @libsql/client} for Node, as a worker process ({@code benchmarks/node/libsql-client-worker.mjs})
 * that runs blocks of calls on request and answers with its own timings, so its blocks interleave with
 * the Java sides' blocks in one run. Installed with {@code npm install --prefix benchmarks/node} when its
 * {@code node_modules} is missing.
 */
final class NodeLibsqlClient implements AutoCloseable {

  private static final JsonFactory JSON = new JsonFactory();

  private final Process process;
  private final BufferedWriter in;
  private final BufferedReader out;

  private NodeLibsqlClient(Process process) {
    this.process = process;
    this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Installs the script's dependencies if needed and starts the worker. */
  static NodeLibsqlClient start(Path dir) throws IOException, InterruptedException {
    Path script = dir.resolve("libsql-client-worker.mjs");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException(script + " not found: run from the repository root or set BENCH_NODE_DIR");
    }
    if (!Files.isDirectory(dir.resolve("node_modules").resolve("@libsql").resolve("client"))) {
      System.out.println("installing @libsql/client: npm install --prefix " + dir + " --no-audit --no-fund");
      Process npm = new ProcessBuilder("npm", "install", "--prefix", dir.toString(), "--no-audit", "--no-fund",
          "--loglevel=error").inheritIO().start();
      if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
        npm.destroyForcibly();
        throw new IllegalStateException("npm install --prefix " + dir + " failed");
      }
    }
    Process node = new ProcessBuilder("node", script.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new NodeLibsqlClient(node);
  }

  /** A new client (so new connections), as the Java sides get at each round. */
  void open(String url) throws IOException {
    call("{\"op\":\"open\",\"url\":\"" + url + "\"}");
  }

  void closeClient() throws IOException {
    call("{\"op\":\"close\"}");
  }

  long[] store(int n) throws IOException {
    return call("{\"op\":\"store\",\"n\":" + n + "}");
  }

  long[] last(int n, String user, String owner) throws IOException {
    return call("{\"op\":\"last\",\"n\":" + n + ",\"user\":\"" + user + "\",\"owner\":\"" + owner + "\"}");
  }

  /** One {@code batch(…, "write")} of {@code rows} rows: single-row INSERTs, or the library's 100-row ones. */
  long batch(int rows, boolean multiRow) throws IOException {
    return call("{\"op\":\"batch\",\"rows\":" + rows + ",\"multi\":" + multiRow + "}")[0];
  }

  private long[] call(String command) throws IOException {
    in.write(command);
    in.write('\n');
    in.flush();
    String line = out.readLine();
    if (line == null) {
      throw new IOException("the Node worker exited (exit code " + exitCode() + ")");
    }
    long[] nanos = new long[0];
    try (JsonParser p = JSON.createParser(line)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if ("error".equals(field)) {
          throw new IOException("the Node worker failed on " + command + ": " + p.getText());
        } else if ("nanos".equals(field)) {
          List<Long> values = new java.util.ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            values.add(p.getLongValue());
          }
          nanos = values.stream().mapToLong(Long::longValue).toArray();
        } else {
          p.skipChildren();
        }
      }
    }
    return nanos;
  }

  private String exitCode() {
    try {
      return process.waitFor(1, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  @Override
  public void close() {
    try {
      in.write("{\"op\":\"exit\"}\n");
      in.flush();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
  }

  /** The {@code @libsql/client} version pinned in {@code dir}'s package.json, or {@code ?}. */
  static String clientVersion(Path dir) {
    try {
      String json = Files.readString(dir.resolve("package.json"));
      int at = json.indexOf("\"@libsql/client\"");
      return at < 0 ? "?" : json.substring(json.indexOf('"', at + 17) + 1, json.indexOf('"', json.indexOf('"', at + 17) + 1));
    } catch (IOException e) {
      return "?";
    }
  }

  /** {@code node --version}, or {@code (not found)}. */
  static String nodeVersion() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "(not found)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
