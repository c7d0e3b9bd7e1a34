package dev.heartbeatstore.cli;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.migration.CheckpointMismatchException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code heartbeat}: a thin shell over the library. Every command reads the same environment as the
 * library (contract §3) and takes flags that override it.
 *
 * <p>Exit codes: 0 success; 1 a backend cannot be reached, refused or failed; 2 bad arguments or
 * settings (with usage), or a backfill checkpoint of other databases; 3 {@code verify} found differences
 * (or could not confirm them).
 */
@Command(name = "heartbeat", mixinStandardHelpOptions = true, version = "heartbeat 0.1.0-SNAPSHOT",
    description = "Phone heartbeats in PostgreSQL or libSQL/Turso, and the migration between them.",
    footerHeading = "%nEnvironment (every command reads it; flags override):%n",
    footer = {
        "  HEARTBEAT_DB_BACKEND                 postgres (default), turso (alias libsql) or hedging",
        "  DATABASE_URL                         postgres://user:pass@host:port/db?... or jdbc:postgresql://...",
        "  TURSO_DATABASE_URL                   libsql://host, https://..., http://... or file:path/to.db",
        "  TURSO_AUTH_TOKEN                     bearer token for remote libSQL",
        "  HEARTBEAT_HEDGING_PRIMARY            postgres (default) or turso",
        "  HEARTBEAT_HEDGING_MODE               sync (default) or async",
        "  HEARTBEAT_HEDGING_SECONDARY_TIMEOUT  deadline of each secondary write (default 1s)",
        "  HEARTBEAT_HEDGING_QUEUE_SIZE         async queue size (default 10000)",
        "  HEARTBEAT_HEDGING_VERIFY_READS       fraction 0..1 of reads re-run on the secondary (default 0)",
        "  HEARTBEAT_DB_TIMEOUT                 per-operation deadline, e.g. 5s, 750ms, PT5S (default 5s)",
        "  HEARTBEAT_DB_MIGRATE                 true (default): create/upgrade the schema; false: only check it",
        "  HEARTBEAT_DB_POOL_SIZE               connections (PostgreSQL) / concurrent requests (libSQL), default 10",
        "",
        "Exit codes:",
        "  0  done / identical / healthy / drained",
        "  1  a backend cannot be reached, refused authentication or failed; a drain did not finish in time",
        "  2  bad arguments or settings (the variable or flag is named)",
        "  3  verify found differences"},
    subcommands = {DemoCommand.class, MigrateCommand.class, BackfillCommand.class, VerifyCommand.class,
        JournalCommand.class, DoctorCommand.class, CommandLine.HelpCommand.class})
public final class HeartbeatCli implements Runnable {

  /** Exit code 0: done, identical, healthy or drained. */
  public static final int OK = 0;
  /** Exit code 1: a backend cannot be reached, refused authentication or failed; a drain did not finish in time. */
  public static final int UNAVAILABLE = 1;
  /** Exit code 2: bad arguments or settings (the variable or flag is named), or a checkpoint of other databases. */
  public static final int USAGE = 2;
  /** Exit code 3: {@code verify} found differences, or could not confirm them. */
  public static final int DIFFERENT = 3;

  @Spec
  CommandSpec spec;

  /** The top-level command; it only dispatches to its subcommands. */
  public HeartbeatCli() {}

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /**
   * Runs one command line with the process's environment, standard output and error, then exits the JVM
   * with the command's exit code.
   *
   * @param args the command line, e.g. {@code backfill --from postgres --to turso}
   */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs one command line; does not exit the JVM. Errors are reported on {@code err} as one
   * {@code heartbeat: ...} line, not thrown.
   *
   * @param args the command line
   * @param env  the environment variables the commands read, in place of the process's
   * @param out  where the commands print their results
   * @param err  where usage and errors go
   * @return the exit code: {@link #OK}, {@link #UNAVAILABLE}, {@link #USAGE} or {@link #DIFFERENT}
   */
  public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {

    CommandLine cli = new CommandLine(new HeartbeatCli(), new Factory(env));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigurationException || e instanceof IllegalArgumentException
          || e instanceof CheckpointMismatchException) {
        err.println("heartbeat: " + e.getMessage());
        return USAGE;
      }
      if (e instanceof HeartbeatStoreException) {
        err.println("heartbeat: " + e.getMessage());
        return UNAVAILABLE;
      }
      // Not one of ours: say what happened in words, not with a class name.
      err.println("heartbeat: unexpected failure: " + (e.getMessage() != null ? e.getMessage() : "no detail")
          + " (run with -Dorg.slf4j.simpleLogger.defaultLogLevel=debug for more)");
      return UNAVAILABLE;
    });
    return cli.execute(args);
  }

  /** Gives every command the environment it runs in (the process's, or a test's). */
  private static final class Factory implements CommandLine.IFactory {
    private final Map<String, String> env;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    Factory(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      K instance = fallback.create(cls);
      if (instance instanceof EnvironmentAware aware) {
        aware.environment(env);
      }
      return instance;
    }
  }

  /** A command that reads the environment. */
  interface EnvironmentAware {
    void environment(Map<String, String> env);
  }
}
