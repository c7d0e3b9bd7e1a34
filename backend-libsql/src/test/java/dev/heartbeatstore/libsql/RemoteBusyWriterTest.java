package dev.heartbeatstore.libsql;

import static dev.heartbeatstore.libsql.Fixtures.T0;
import static dev.heartbeatstore.libsql.Fixtures.heartbeat;
import static dev.heartbeatstore.libsql.Fixtures.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatStore;
import dev.heartbeatstore.StoreTimeoutException;
import dev.heartbeatstore.testsupport.servers.TestSqld;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sqld whose single writer is held by another client (as a long {@code CREATE INDEX} or another service's batch
 * holds it): sqld keeps running a write whose client gave up, so every write a store sends then waits on the
 * server, and a store that sent one per deadline would pile them up there.
 */
class RemoteBusyWriterTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Pattern BATON = Pattern.compile("\"baton\":\"([^\"]+)\"");

  @Test
  @Timeout(60)
  @DisplayName("a process leaves at most 2 unanswered writes waiting on a server, whatever the store; the writes after"
      + " them are not sent (and never applied), the 2 are applied once the writer is free, and the store then writes")
  void atMostTwoWritesWaitOnTheServer() throws Exception {
    String user = newUser();
    try (HeartbeatStore store = Fixtures.open(TestSqld.url(), Duration.ofMillis(250));
         HeartbeatStore other = Fixtures.open(TestSqld.url(), Duration.ofMillis(250))) {
      store.heartbeats().store(heartbeat(user, "warm", T0)); // open, migrated, connections warm
      other.heartbeats().store(heartbeat(user, "warm-other", T0));
      List<Heartbeat> unknown = new ArrayList<>();
      List<Heartbeat> notSent = new ArrayList<>();
      String baton = holdWriteLock();
      try {
        for (int i = 0; i < 6; i++) {
          Heartbeat h = heartbeat(user, "held", T0.plusSeconds(i));
          try {
            store.heartbeats().store(h);
            throw new AssertionError("write " + i + " succeeded while another client held the write lock");
          } catch (StoreTimeoutException e) {
            if (e.getMessage().contains("may still have been applied")) {
              unknown.add(h);
            } else {
              assertThat(e.getMessage()).contains("it was not sent")
                  .contains("has not answered 2 earlier writes of this process");
              notSent.add(h);
            }
          }
        }
        // Another store of the same process, to the same server: the limit is the process's.
        Heartbeat h = heartbeat(user, "held", T0.plusSeconds(100));
        assertThatThrownBy(() -> other.heartbeats().store(h)).isInstanceOf(StoreTimeoutException.class)
            .hasMessageContaining("it was not sent");
        notSent.add(h);
      } finally {
        release(baton);
      }
      assertThat(unknown).hasSize(2);
      assertThat(notSent).hasSize(5);

      // The two waiting on the server run once it is free; the store writes again at once.
      Heartbeat after = heartbeat(user, "after", T0);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (true) {
        try {
          store.heartbeats().store(after);
          break;
        } catch (StoreTimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
        }
      }
      List<Heartbeat> held = store.heartbeats().index(user, "held", dev.heartbeatstore.IndexParams.first(100));
      assertThat(held).containsExactlyInAnyOrderElementsOf(unknown).doesNotContainAnyElementsOf(notSent);
    }
  }

  /** Opens a stream that takes sqld's write lock ({@code BEGIN IMMEDIATE}) and keeps it; returns the baton. */
  private static String holdWriteLock() throws Exception {
    String body = post("{\"baton\":null,\"requests\":[{\"type\":\"execute\",\"stmt\":{\"sql\":\"BEGIN IMMEDIATE\"}}]}");
    Matcher m = BATON.matcher(body);
    assertThat(m.find()).as("a baton in %s", body).isTrue();
    return m.group(1);
  }

  /** Ends the lock holder's transaction (sqld may have taken the lock back already: then this fails, harmlessly). */
  private static void release(String baton) throws Exception {
    post("{\"baton\":\"" + baton + "\",\"requests\":[{\"type\":\"execute\",\"stmt\":{\"sql\":\"ROLLBACK\"}},"
        + "{\"type\":\"close\"}]}");
  }

  private static String post(String json) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(TestSqld.url() + "/v3/pipeline"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}
