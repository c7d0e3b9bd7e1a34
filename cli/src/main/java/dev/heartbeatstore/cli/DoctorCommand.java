package dev.heartbeatstore.cli;

import dev.heartbeatstore.ConfigurationException;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStoreException;
import dev.heartbeatstore.spi.Backends;
import dev.heartbeatstore.spi.TableAccess;
import dev.heartbeatstore.spi.ReplicationAccess;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Print the effective configuration (secrets redacted) and check each side: reachable, "
        + "authenticated, schema version.")
final class DoctorCommand extends ConfiguredCommand {

  @Override
  public Integer call() {
    PrintWriter out = out();
    HeartbeatStoreConfig config = settings().build();
    out.println("configuration: " + config);
    // Only look: never create or change a schema from doctor.
    HeartbeatStoreConfig checkOnly = config.toBuilder().migrate(false).build();
    boolean healthy = true;
    boolean badSetting = false;
    boolean unfit = false;
    for (String side : ConnectionOptions.sides(config)) {
      String name = ConnectionOptions.describe(config, side);
      try (TableAccess access = Backends.openTableAccess(checkOnly, side)) {
        java.util.List<String> missing = access.pendingIndexes();
        if (missing.isEmpty()) {
          out.printf("%s: reachable, authenticated, schema version %s (library expects %s): OK%n", name,
              access.schemaVersion(), access.expectedSchemaVersion());
        } else {
          // Fine as the hedging secondary (the relay writes by primary key); not as what the service reads from.
          boolean secondary = HeartbeatStoreConfig.HEDGING.equals(config.backend())
              && side.equals(config.hedgingSecondary());
          unfit |= !secondary;
          out.printf("%s: reachable, authenticated, schema version %s (library expects %s), but: secondary indexes"
              + " missing %s (bulk backfill in progress / interrupted; run `heartbeat backfill` to finish)%n"
              + "  → it serves as the hedging secondary meanwhile; as a store or the hedging primary it is refused%n",
              name, access.schemaVersion(), access.expectedSchemaVersion(), missing);
        }
      } catch (ConfigurationException e) {
        healthy = false;
        if (e.getMessage() != null && e.getMessage().contains(HeartbeatStoreConfig.MIGRATE)) {
          // The schema is missing or behind: the database answered, it is not a bad setting.
          out.printf("%s: reachable, but: %s%n  → run `heartbeat migrate` to apply the schema%n", name, e.getMessage());
        } else {
          badSetting = true;
          out.printf("%s: bad setting: %s%n", name, e.getMessage());
        }
      } catch (HeartbeatStoreException e) {
        healthy = false;
        out.printf("%s: NOT OK: %s%n", name, e.getMessage());
      }
    }
    if (healthy && HeartbeatStoreConfig.HEDGING.equals(config.backend())) {
      for (String side : ConnectionOptions.sides(config)) {
        try (ReplicationAccess journal = Backends.openReplicationAccess(checkOnly, side)) {
          ReplicationAccess.Stats s = journal.stats();
          out.printf("journal of %s: depth %d, lag %.1f s, dead letters %d%n", side, s.depth(),
              s.lag().toMillis() / 1000.0, s.deadLetters());
        } catch (HeartbeatStoreException e) {
          healthy = false;
          out.printf("journal of %s: NOT OK: %s%n", side, e.getMessage());
        }
      }
    }
    if (badSetting) {
      return HeartbeatCli.USAGE;
    }
    return healthy && !unfit ? HeartbeatCli.OK : HeartbeatCli.UNAVAILABLE;
  }
}
