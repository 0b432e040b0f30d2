package dev.mirror.client;

import static dev.mirror.client.Bytes.concat;
import static dev.mirror.client.Bytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Offset-sync encoding: the measured vector of mm2-compat.md §2, round trips and malformed input. */
class OffsetSyncTest {

  private static final OffsetSync VECTOR = new OffsetSync("t1", 3, 100, 42);
  private static final byte[] VECTOR_KEY = hex("0002 7431 | 00000003");
  private static final byte[] VECTOR_VALUE = hex("0000000000000064 | 000000000000002a");
  private static final String KEY_LAYOUT = "expected topic STRING, partition INT32";
  private static final String VALUE_LAYOUT = "expected upstreamOffset INT64, offset INT64";

  @Test
  void recordKeyAndValue_measuredVector_matchMirrorMaker2Bytes() {
    assertThat(hex(VECTOR.recordKey())).isEqualTo(hex(VECTOR_KEY));
    assertThat(hex(VECTOR.recordValue())).isEqualTo(hex(VECTOR_VALUE));
  }

  @Test
  void recordValue_hasNoVersionField() {
    assertThat(VECTOR.recordValue()).hasSize(16);
  }

  @Test
  void fromRecord_measuredVector_decodesEveryField() {
    OffsetSync sync = OffsetSync.fromRecord(VECTOR_KEY, VECTOR_VALUE);
    assertThat(sync).isEqualTo(VECTOR);
    assertThat(sync.topic()).isEqualTo("t1");
    assertThat(sync.partition()).isEqualTo(3);
    assertThat(sync.upstreamOffset()).isEqualTo(100);
    assertThat(sync.downstreamOffset()).isEqualTo(42);
    assertThat(sync.topicPartition()).isEqualTo(new TopicPartition("t1", 3));
  }

  @Test
  void fromRecord_consumerRecord_decodesKeyAndValue() {
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>("mm2-offset-syncs.B.internal", 0, 0L, VECTOR_KEY, VECTOR_VALUE);
    assertThat(OffsetSync.fromRecord(record)).isEqualTo(VECTOR);
  }

  @Test
  void fromRecord_trailingBytes_areIgnored() {
    byte[] extra = hex("ff");
    assertThat(OffsetSync.fromRecord(concat(VECTOR_KEY, extra), concat(VECTOR_VALUE, extra))).isEqualTo(VECTOR);
  }

  @Test
  void roundTrip_extremeValues_preserveEveryField() {
    OffsetSync[] syncs = {
      new OffsetSync("", 0, 0, 0),
      new OffsetSync("t", Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE),
      new OffsetSync("t", Integer.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE),
      new OffsetSync("t".repeat(32767), -1, -1, -1),
    };
    for (OffsetSync sync : syncs) {
      assertThat(OffsetSync.fromRecord(sync.recordKey(), sync.recordValue())).isEqualTo(sync);
    }
  }

  @Test
  void constructor_nullTopic_throwsNullPointerException() {
    assertThatThrownBy(() -> new OffsetSync(null, 0, 0, 0))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("topic");
  }

  @Test
  void recordKey_topicOver32767Bytes_throwsMirrorRecordFormatException() {
    OffsetSync sync = new OffsetSync("t".repeat(32768), 0, 0, 0);
    assertThatThrownBy(sync::recordKey)
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("offset sync key field 'topic' is too long: 'tttttttttttttttttttt...' is 32768 UTF-8 bytes, but "
            + "MirrorMaker 2 strings hold at most 32767; shorten it");
  }

  @Test
  void fromRecord_nullValue_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> OffsetSync.fromRecord(VECTOR_KEY, null))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("offset sync value is null (a tombstone); " + VALUE_LAYOUT + "; skip tombstones");
  }

  @Test
  void fromRecord_nullKey_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> OffsetSync.fromRecord(null, VECTOR_VALUE))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("offset sync key is null; " + KEY_LAYOUT + "; skip records without a key");
  }

  @Test
  void fromRecord_truncatedValue_throwsMirrorRecordFormatException() {
    byte[] value = Arrays.copyOf(VECTOR_VALUE, 15);
    assertThatThrownBy(() -> OffsetSync.fromRecord(VECTOR_KEY, value))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("offset sync value (15 bytes) '000000000000006400000000000000' is malformed: field 'offset' "
            + "(INT64) needs 8 bytes at position 8, found 7; " + VALUE_LAYOUT);
  }

  @Test
  void fromRecord_negativeTopicLength_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> OffsetSync.fromRecord(hex("fffe 00000003"), VECTOR_VALUE))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("offset sync key (6 bytes) 'fffe00000003' is malformed: field 'topic' (STRING) at position 0 has "
            + "length -2, but a length must be 0..32767; " + KEY_LAYOUT);
  }
}
