package dev.mirror.client;

import static dev.mirror.client.Bytes.concat;
import static dev.mirror.client.Bytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Heartbeat encoding: the measured vector of mm2-compat.md §3, round trips and malformed input. */
class HeartbeatTest {

  private static final Heartbeat VECTOR = new Heartbeat("A", "B", 1_700_000_000_000L);
  private static final byte[] VECTOR_KEY = hex("0001 41 | 0001 42");
  private static final byte[] VECTOR_VALUE = hex("0000 | 0000018bcfe56800");
  private static final String KEY_LAYOUT = "expected sourceClusterAlias STRING, targetClusterAlias STRING";
  private static final String VALUE_LAYOUT = "expected version INT16, timestamp INT64";

  @Test
  void recordKeyAndValue_measuredVector_matchMirrorMaker2Bytes() {
    assertThat(hex(VECTOR.recordKey())).isEqualTo(hex(VECTOR_KEY));
    assertThat(hex(VECTOR.recordValue())).isEqualTo(hex(VECTOR_VALUE));
  }

  @Test
  void fromRecord_measuredVector_decodesEveryField() {
    Heartbeat heartbeat = Heartbeat.fromRecord(VECTOR_KEY, VECTOR_VALUE);
    assertThat(heartbeat).isEqualTo(VECTOR);
    assertThat(heartbeat.sourceClusterAlias()).isEqualTo("A");
    assertThat(heartbeat.targetClusterAlias()).isEqualTo("B");
    assertThat(heartbeat.timestamp()).isEqualTo(1_700_000_000_000L);
  }

  @Test
  void fromRecord_consumerRecord_decodesKeyAndValue() {
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("heartbeats", 0, 0L, VECTOR_KEY, VECTOR_VALUE);
    assertThat(Heartbeat.fromRecord(record)).isEqualTo(VECTOR);
  }

  @Test
  void fromRecord_laterVersionAndTrailingBytes_readsVersion0Fields() {
    byte[] value = concat(VECTOR_VALUE, hex("00000000"));
    value[1] = 3;
    assertThat(Heartbeat.fromRecord(concat(VECTOR_KEY, hex("00")), value)).isEqualTo(VECTOR);
  }

  @Test
  void roundTrip_extremeValues_preserveEveryField() {
    Heartbeat[] heartbeats = {
      new Heartbeat("", "", 0),
      new Heartbeat("A", "B", Long.MAX_VALUE),
      new Heartbeat("A", "B", Long.MIN_VALUE),
      new Heartbeat("s".repeat(32767), "ü".repeat(100), -1),
    };
    for (Heartbeat heartbeat : heartbeats) {
      assertThat(Heartbeat.fromRecord(heartbeat.recordKey(), heartbeat.recordValue())).isEqualTo(heartbeat);
    }
  }

  @Test
  void constructor_nullAlias_throwsNullPointerException() {
    assertThatThrownBy(() -> new Heartbeat(null, "B", 0))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sourceClusterAlias");
    assertThatThrownBy(() -> new Heartbeat("A", null, 0))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("targetClusterAlias");
  }

  @Test
  void recordKey_aliasOver32767Bytes_throwsMirrorRecordFormatException() {
    Heartbeat heartbeat = new Heartbeat("A", "b".repeat(32768), 0);
    assertThatThrownBy(heartbeat::recordKey)
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("heartbeat key field 'targetClusterAlias' is too long: 'bbbbbbbbbbbbbbbbbbbb...' is 32768 UTF-8 "
            + "bytes, but MirrorMaker 2 strings hold at most 32767; shorten it");
  }

  @Test
  void fromRecord_nullValue_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> Heartbeat.fromRecord(VECTOR_KEY, null))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("heartbeat value is null (a tombstone); " + VALUE_LAYOUT + "; skip tombstones");
  }

  @Test
  void fromRecord_nullKey_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> Heartbeat.fromRecord(null, VECTOR_VALUE))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("heartbeat key is null; " + KEY_LAYOUT + "; skip records without a key");
  }

  @Test
  void fromRecord_keyWithoutTarget_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> Heartbeat.fromRecord(hex("0001 41"), VECTOR_VALUE))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("heartbeat key (3 bytes) '000141' is malformed: field 'targetClusterAlias' (STRING) needs 2 bytes "
            + "at position 3, found 0; " + KEY_LAYOUT);
  }

  @Test
  void fromRecord_truncatedTimestamp_throwsMirrorRecordFormatException() {
    byte[] value = Arrays.copyOf(VECTOR_VALUE, 9);
    assertThatThrownBy(() -> Heartbeat.fromRecord(VECTOR_KEY, value))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("heartbeat value (9 bytes) '00000000018bcfe568' is malformed: field 'timestamp' (INT64) needs 8 "
            + "bytes at position 2, found 7; " + VALUE_LAYOUT);
  }

  @Test
  void fromRecord_negativeVersion_throwsMirrorRecordFormatException() {
    byte[] value = VECTOR_VALUE.clone();
    value[0] = (byte) 0x80;
    assertThatThrownBy(() -> Heartbeat.fromRecord(VECTOR_KEY, value))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("heartbeat value (10 bytes) '80000000018bcfe56800' is malformed: field 'version' (INT16) at "
            + "position 0 is -32768, but a version must be >= 0 (MirrorMaker 2 writes 0); " + VALUE_LAYOUT);
  }
}
