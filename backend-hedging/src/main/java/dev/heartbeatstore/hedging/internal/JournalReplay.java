package dev.heartbeatstore.hedging.internal;

import dev.heartbeatstore.spi.ReplicationAccess;
import java.time.Duration;

/** One batch of the journal replayed now, whatever its age: for tools that drain on demand. */
public final class JournalReplay {

  private JournalReplay() {}

  /** Replays up to one batch of the oldest pending entries of {@code journal} into {@code target}; returns how many. */
  public static int replayBatch(ReplicationAccess journal, ReplicationAccess target) {
    Replayer.Outcome done = new Replayer(journal, target).replay(journal.pending(JournalRelay.BATCH, Duration.ZERO));
    return done.applied() + done.deadLettered();
  }
}
