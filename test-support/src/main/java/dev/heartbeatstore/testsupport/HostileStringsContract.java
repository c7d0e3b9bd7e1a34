package dev.heartbeatstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeatstore.Heartbeat;
import dev.heartbeatstore.HeartbeatMonitor;
import dev.heartbeatstore.IndexParams;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract kit on one topic: Any text is stored and returned literally.
 * {@link HeartbeatStoreContract} runs it as a nested class, over its one store.
 */
abstract class HostileStringsContract extends ContractTopic {

  HostileStringsContract(HeartbeatStoreContract kit) {
    super(kit);
  }

    /** No NUL: PostgreSQL's text type cannot hold it. */
    private final List<String> hostile = List.of(
        "'; DROP TABLE heartbeats; --",
        "\" OR \"1\"=\"1",
        "' OR '1'='1",
        "back\\slash\\\\ and \\' escaped",
        "emoji 📱🔋💀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "line one\nline two\r\nline three\ttab",
        "ünïcødé — ΕΛΛΗΝΙΚΆ — 日本語 — עברית",
        "$1 $$ ? :name @p1 %s %d {0}",
        "  leading and trailing spaces  ",
        "/* comment */ SELECT 1; -- ",
        "<script>alert('x')</script>&amp;");

    @Test
    @DisplayName("quotes, SQL fragments, backslashes, emoji and newlines in every text field come back unchanged")
    void everyFieldLiteral() {
      for (String text : hostile) {
        String user = text + " " + UUID.randomUUID();
        String owner = text + " " + UUID.randomUUID();
        Heartbeat h = new Heartbeat(UUID.randomUUID(), owner, text, true, user, T0);
        HeartbeatMonitor m = new HeartbeatMonitor(UUID.randomUUID(), UUID.randomUUID(), user, text, owner, true,
            T0, T0);

        heartbeats().store(h);
        monitors().store(m);

        assertThat(heartbeats().last(user, owner)).as(text).contains(h);
        assertThat(all(user, owner)).as(text).containsExactly(h);
        assertThat(monitors().load(user, owner)).as(text).contains(m);
        assertThat(monitors().exists(user, m.id())).as(text).isTrue();
      }
    }

    @Test
    @DisplayName("a hostile query is a literal substring too")
    void hostileQuery() {
      String user = newUserId();
      String owner = newOwner();
      List<Heartbeat> stored = new ArrayList<>();
      for (int i = 0; i < hostile.size(); i++) {
        stored.add(heartbeat(user, owner, T0.plusSeconds(i), hostile.get(i)));
      }
      heartbeats().storeAll(stored);

      for (Heartbeat h : stored) {
        assertThat(heartbeats().index(user, owner, new IndexParams(0, 100, h.version())))
            .as(h.version()).containsExactly(h);
      }
    }

    @Test
    @DisplayName("the tables survive: after the SQL fragments, both repositories still work")
    void tablesSurvive() {
      String user = newUserId();
      String owner = newOwner();
      Heartbeat h = heartbeat(user, owner, T0, "'; DROP TABLE heartbeats; --");
      HeartbeatMonitor m = withQueueId(monitor(user, owner), "'; DROP TABLE heartbeat_monitors; --");
      heartbeats().store(h);
      monitors().store(m);
      heartbeats().deleteAllForUser("'; DELETE FROM heartbeats; --");
      monitors().deleteAllForUser("' OR '1'='1");
      monitors().delete("' OR '1'='1", "' OR '1'='1");

      assertThat(heartbeats().last(user, owner)).contains(h);
      assertThat(monitors().load(user, owner)).contains(m);
    }
}
