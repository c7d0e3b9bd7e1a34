package dev.heartbeatstore.libsql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeatstore.CorruptRecordException;
import dev.heartbeatstore.Heartbeat;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The row mapper")
class RowsTest {

  private static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

  private static Object[] heartbeatRow() {
    return new Object[] {ID, "owner", "1.0", 1L, "user", 1714558530123456L};
  }

  @Test
  @DisplayName("maps a good row, microseconds included")
  void goodRow() {
    Heartbeat h = Rows.heartbeat(heartbeatRow());
    assertThat(h).isEqualTo(new Heartbeat(UUID.fromString(ID), "owner", "1.0", true, "user",
        Instant.parse("2024-05-01T10:15:30.123456Z")));
  }

  @Test
  @DisplayName("instants before 1970 round-trip through microseconds exactly")
  void beforeEpoch() {
    for (String s : new String[] {"1969-12-31T23:59:59.999999Z", "1900-01-01T00:00:00.000001Z", "1970-01-01T00:00:00Z",
        "2999-12-31T23:59:59.999999Z"}) {
      Instant i = Instant.parse(s);
      assertThat(Rows.instant(Rows.micros(i))).isEqualTo(i);
    }
    assertThat(Rows.micros(Instant.parse("1969-12-31T23:59:59.999999Z"))).isEqualTo(-1L);
  }

  @Test
  @DisplayName("a NULL, a blob or a real where a value is required is corrupt, never a default")
  void wrongTypes() {
    Object[] nullOwner = heartbeatRow();
    nullOwner[1] = null;
    assertThatThrownBy(() -> Rows.heartbeat(nullOwner)).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("heartbeats").hasMessageContaining(ID).hasMessageContaining("owner")
        .hasMessageContaining("NULL");
    Object[] nullId = heartbeatRow();
    nullId[0] = null;
    assertThatThrownBy(() -> Rows.heartbeat(nullId)).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("column id");
    Object[] blobTime = heartbeatRow();
    blobTime[5] = new byte[] {1, 2};
    assertThatThrownBy(() -> Rows.heartbeat(blobTime)).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("blob");
    Object[] realBool = heartbeatRow();
    realBool[3] = 1.0;
    assertThatThrownBy(() -> Rows.heartbeat(realBool)).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("charging");
  }

  @Test
  @DisplayName("an upper-case UUID is not the canonical form and is corrupt")
  void upperCaseId() {
    Object[] row = heartbeatRow();
    row[0] = ID.toUpperCase();
    assertThatThrownBy(() -> Rows.heartbeat(row)).isInstanceOf(CorruptRecordException.class);
  }
}
