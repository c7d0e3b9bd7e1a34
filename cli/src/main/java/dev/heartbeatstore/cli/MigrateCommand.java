package dev.heartbeatstore.cli;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Apply the schema of the configured backend (both sides for hedging), or with --check only validate it.")
final class MigrateCommand extends ConfiguredCommand {

  @Option(names = "--check", description = "only check that the schema is there and current; change nothing")
  boolean check;

  @Override
  public Integer call() {
    PrintWriter out = out();
    HeartbeatStoreConfig config = settings().migrate(!check).build();
    for (String side : ConnectionOptions.sides(config)) {
      try (TableAccess access = Backends.openTableAccess(config, side)) {
        out.printf("%s: schema version %s (%s)%n", ConnectionOptions.describe(config, side), access.schemaVersion(),
            check ? "checked, current" : "applied, current");
      } catch (ConfigurationException e) {
        if (!check) {
          throw e;
        }
        // --check found the schema missing or behind: the answer to the question asked, not a usage error.
        err().println("heartbeat: " + ConnectionOptions.describe(config, side) + ": "
            + e.getMessage());
        return HeartbeatCli.UNAVAILABLE;
      }
    }
    return HeartbeatCli.OK;
  }
}
