package dev.heartbeatstore.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.testsupport.servers.TestPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing the library depends on writes to stdout or stderr by itself (contract §5): a JVM without any SLF4J
 * provider opens a PostgreSQL store (Flyway migrating a fresh schema) and a libSQL file store, and prints
 * nothing but SLF4J's own notice that it has no provider.
 */
@DisplayName("Starting without an SLF4J provider prints nothing but SLF4J's notice")
class QuietStartTest {

  /** Jars that would give SLF4J a provider (or route JUL into one). */
  private static final List<String> PROVIDERS =
      List.of("slf4j-simple", "logback-classic", "slf4j-jdk14", "log4j-slf4j", "slf4j-reload4j", "jul-to-slf4j");

  @TempDir
  Path dir;

  @Test
  @DisplayName("PostgreSQL with migrate=true on a fresh schema, then a libSQL file: stdout empty, stderr only SLF4J")
  void quiet() throws Exception {
    String postgres = TestPostgres.isolatedSchema("quiet");
    String file = "file:" + dir.resolve("quiet.db");
    String classpath = Arrays.stream(testClassPath().split(File.pathSeparator))
        .filter(entry -> PROVIDERS.stream().noneMatch(entry::contains))
        .collect(Collectors.joining(File.pathSeparator));
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-cp", classpath, QuietStartMain.class.getName(), postgres, file)
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile())
        .start();
    // Generous: only a real hang reaches it.
    boolean ended = child.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      child.destroyForcibly();
    }

    List<String> err = Files.readAllLines(stderr, StandardCharsets.UTF_8);
    assertThat(ended).as("the child JVM ended").isTrue();
    assertThat(child.exitValue()).as("exit status; stderr: %s", err).isZero();
    assertThat(Files.readString(stdout, StandardCharsets.UTF_8)).as("stdout").isEmpty();
    assertThat(err).as("stderr").isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("SLF4J"));
  }

  /** The test's class path as surefire gives it (its own JVM may only see a manifest-only jar). */
  private static String testClassPath() throws IOException {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }
}
