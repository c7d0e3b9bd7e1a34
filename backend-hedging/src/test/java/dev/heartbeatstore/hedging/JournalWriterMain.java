package dev.heartbeatstore.hedging;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.HeartbeatStoreConfig;
import dev.heartbeatstore.HeartbeatStores;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * A service process for {@link JournalTest}: writes heartbeats through an async hedging store until it is
 * killed, printing {@code ack <id>} for each write the store acknowledged. Arguments: PostgreSQL URL, sqld URL.
 */
public final class JournalWriterMain {

  private JournalWriterMain() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    HeartbeatStore store = HeartbeatStores.open(HeartbeatStoreConfig.builder()
        .backend("hedging")
        .databaseUrl(args[0])
        .tursoDatabaseUrl(args[1])
        .hedgingMode(HeartbeatStoreConfig.HedgingMode.ASYNC)
        .hedgingSecondaryTimeout(java.time.Duration.ofMillis(300))
        .build());
    String user = "killed-writer-" + UUID.randomUUID();
    for (long i = 0; ; i++) {
      Heartbeat h = new Heartbeat(UUID.randomUUID(), "+1555" + (i % 10), "1.0", true, user,
          Instant.now().truncatedTo(ChronoUnit.MICROS));
      store.heartbeats().store(h);
      out.println("ack " + h.id());
      out.flush();
    }
  }
}
