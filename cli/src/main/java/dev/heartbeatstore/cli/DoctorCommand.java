package dev.heartbeatstore.cli;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.internal.StoreFactory;
import dev.heartbeatstore.spi.MigrationAccess;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Print the effective configuration (secrets redacted) and check each side: reachable, "
        + "authenticated, schema version.")
final class DoctorCommand implements Callable<Integer>, HeartbeatCli.EnvironmentAware {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  private Map<String, String> env;

  @Override
  public void environment(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    HeartbeatStoreConfig config = connection.builder(env).build();
    out.println("configuration: " + config);
    // Only look: never create or change a schema from doctor.
    HeartbeatStoreConfig checkOnly = config.toBuilder().migrate(false).build();
    boolean healthy = true;
    for (String side : ConnectionOptions.sides(config)) {
      String name = ConnectionOptions.describe(config, side);
      try (MigrationAccess access = StoreFactory.openMigrationAccess(checkOnly, side)) {
        out.printf("%s: reachable, authenticated, schema version %s (library expects %s): OK%n", name,
            access.schemaVersion(), access.expectedSchemaVersion());
      } catch (ConfigurationException e) {
        healthy = false;
        out.printf("%s: reachable, but: %s%n", name, e.getMessage());
      } catch (HeartbeatStoreException e) {
        healthy = false;
        out.printf("%s: NOT OK: %s%n", name, e.getMessage());
      }
    }
    return healthy ? HeartbeatCli.OK : HeartbeatCli.UNAVAILABLE;
  }
}
