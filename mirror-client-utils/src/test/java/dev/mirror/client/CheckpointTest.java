package dev.mirror.client;

import static dev.mirror.client.Bytes.concat;
import static dev.mirror.client.Bytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Checkpoint encoding: the measured vectors of mm2-compat.md §1, round trips and malformed input. */
class CheckpointTest {

  private static final Checkpoint VECTOR = new Checkpoint("g1", "A.t1", 3, 100, 42, "meta");
  private static final byte[] VECTOR_KEY = hex("0002 6731 | 0004 412e7431 | 00000003");
  private static final byte[] VECTOR_VALUE = hex("0000 | 0000000000000064 | 000000000000002a | 0004 6d657461");
  private static final String KEY_LAYOUT = "expected group STRING, topic STRING, partition INT32";
  private static final String VALUE_LAYOUT =
      "expected version INT16, upstreamOffset INT64, offset INT64, metadata STRING";

  @Test
  void recordKey_measuredVector_matchesMirrorMaker2Bytes() {
    assertThat(hex(VECTOR.recordKey())).isEqualTo(hex(VECTOR_KEY));
  }

  @Test
  void recordValue_measuredVector_matchesMirrorMaker2Bytes() {
    assertThat(hex(VECTOR.recordValue())).isEqualTo(hex(VECTOR_VALUE));
  }

  @Test
  void recordValue_emptyMetadata_writesZeroLengthString() {
    Checkpoint checkpoint = new Checkpoint("g1", "A.t1", 3, 100, 42, "");
    assertThat(hex(checkpoint.recordValue())).isEqualTo("0000" + "0000000000000064" + "000000000000002a" + "0000");
  }

  @Test
  void constructor_nullMetadata_storedAsEmptyString() {
    Checkpoint checkpoint = new Checkpoint("g1", "A.t1", 3, 100, 42, null);
    assertThat(checkpoint.metadata()).isEmpty();
    assertThat(checkpoint).isEqualTo(new Checkpoint("g1", "A.t1", 3, 100, 42, ""));
    assertThat(hex(checkpoint.recordValue())).endsWith("0000");
  }

  @Test
  void recordKeyAndValue_utf8Vector_lengthsCountUtf8Bytes() {
    Checkpoint checkpoint = new Checkpoint("grüppe", "t", 0, 0, 0, "é");
    assertThat(hex(checkpoint.recordKey())).isEqualTo(hex(hex("0007 6772c3bc707065 | 0001 74 | 00000000")));
    assertThat(hex(checkpoint.recordValue()))
        .isEqualTo(hex(hex("0000 | 0000000000000000 | 0000000000000000 | 0002 c3a9")));
    assertThat(Checkpoint.fromRecord(checkpoint.recordKey(), checkpoint.recordValue())).isEqualTo(checkpoint);
  }

  @Test
  void fromRecord_measuredVector_decodesEveryField() {
    Checkpoint checkpoint = Checkpoint.fromRecord(VECTOR_KEY, VECTOR_VALUE);
    assertThat(checkpoint).isEqualTo(VECTOR);
    assertThat(checkpoint.group()).isEqualTo("g1");
    assertThat(checkpoint.topic()).isEqualTo("A.t1");
    assertThat(checkpoint.partition()).isEqualTo(3);
    assertThat(checkpoint.upstreamOffset()).isEqualTo(100);
    assertThat(checkpoint.downstreamOffset()).isEqualTo(42);
    assertThat(checkpoint.metadata()).isEqualTo("meta");
  }

  @Test
  void fromRecord_consumerRecord_decodesKeyAndValue() {
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>("A.checkpoints.internal", 0, 7L, VECTOR_KEY, VECTOR_VALUE);
    assertThat(Checkpoint.fromRecord(record)).isEqualTo(VECTOR);
  }

  @Test
  void fromRecord_laterVersion_readsVersion0Fields() {
    byte[] version1 = VECTOR_VALUE.clone();
    version1[1] = 1;
    assertThat(Checkpoint.fromRecord(VECTOR_KEY, version1)).isEqualTo(VECTOR);
    byte[] version32767 = VECTOR_VALUE.clone();
    version32767[0] = 0x7f;
    version32767[1] = (byte) 0xff;
    assertThat(Checkpoint.fromRecord(VECTOR_KEY, version32767)).isEqualTo(VECTOR);
  }

  @Test
  void fromRecord_trailingBytes_areIgnored() {
    byte[] extra = hex("0102030405");
    assertThat(Checkpoint.fromRecord(concat(VECTOR_KEY, extra), concat(VECTOR_VALUE, extra))).isEqualTo(VECTOR);
  }

  @Test
  void roundTrip_extremeValues_preserveEveryField() {
    String longest = "g".repeat(32767);
    String longestMultiByte = "é".repeat(16383) + "x"; // 32767 UTF-8 bytes
    Checkpoint[] checkpoints = {
      new Checkpoint("", "", 0, 0, 0, ""),
      new Checkpoint("g", "t", Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, "m"),
      new Checkpoint("g", "t", Integer.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, "m"),
      new Checkpoint("g", "t", -1, -1, -1, ""),
      new Checkpoint(longest, longest, 1, 2, 3, longest),
      new Checkpoint(longestMultiByte, "𝄞.t", 1, 2, 3, longestMultiByte),
    };
    for (Checkpoint checkpoint : checkpoints) {
      assertThat(Checkpoint.fromRecord(checkpoint.recordKey(), checkpoint.recordValue())).isEqualTo(checkpoint);
    }
    assertThat(checkpoints[4].recordKey()).hasSize(2 + 32767 + 2 + 32767 + 4);
    assertThat(checkpoints[4].recordValue()).hasSize(2 + 8 + 8 + 2 + 32767);
  }

  @Test
  void topicPartitionAndOffsetAndMetadata_returnTargetSidePosition() {
    assertThat(VECTOR.topicPartition()).isEqualTo(new TopicPartition("A.t1", 3));
    assertThat(VECTOR.offsetAndMetadata()).isEqualTo(new OffsetAndMetadata(42, "meta"));
    assertThat(VECTOR.offsetAndMetadata().leaderEpoch()).isEmpty();
  }

  @Test
  void constructor_nullGroupOrTopic_throwsNullPointerException() {
    assertThatThrownBy(() -> new Checkpoint(null, "t", 0, 0, 0, ""))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("group");
    assertThatThrownBy(() -> new Checkpoint("g", null, 0, 0, 0, ""))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("topic");
    assertThatThrownBy(() -> Checkpoint.fromRecord(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("record");
  }

  @Test
  void recordKey_groupOver32767Bytes_throwsMirrorRecordFormatException() {
    Checkpoint checkpoint = new Checkpoint("g".repeat(32768), "t", 0, 0, 0, "");
    assertThatThrownBy(checkpoint::recordKey)
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint key field 'group' is too long: 'gggggggggggggggggggg...' is 32768 UTF-8 bytes, but "
            + "MirrorMaker 2 strings hold at most 32767; shorten it");
  }

  @Test
  void recordKey_topicOver32767Utf8Bytes_throwsMirrorRecordFormatException() {
    Checkpoint checkpoint = new Checkpoint("g", "é".repeat(16384), 0, 0, 0, "");
    assertThatThrownBy(checkpoint::recordKey)
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint key field 'topic' is too long: 'éééééééééééééééééééé...' is 32768 UTF-8 bytes, but "
            + "MirrorMaker 2 strings hold at most 32767; shorten it");
  }

  @Test
  void recordValue_metadataOver32767Bytes_throwsMirrorRecordFormatException() {
    Checkpoint checkpoint = new Checkpoint("g", "t", 0, 0, 0, "m".repeat(40000));
    assertThatThrownBy(checkpoint::recordValue)
        .isInstanceOf(MirrorClientException.class)
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint value field 'metadata' is too long: 'mmmmmmmmmmmmmmmmmmmm...' is 40000 UTF-8 bytes, "
            + "but MirrorMaker 2 strings hold at most 32767; shorten it");
  }

  @Test
  void fromRecord_nullValue_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> Checkpoint.fromRecord(VECTOR_KEY, null))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint value is null (a tombstone); " + VALUE_LAYOUT + "; skip tombstones");
    ConsumerRecord<byte[], byte[]> tombstone = new ConsumerRecord<>("A.checkpoints.internal", 0, 0L, VECTOR_KEY, null);
    assertThatThrownBy(() -> Checkpoint.fromRecord(tombstone))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessageStartingWith("checkpoint value is null (a tombstone)");
  }

  @Test
  void fromRecord_nullKey_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> Checkpoint.fromRecord(null, VECTOR_VALUE))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint key is null; " + KEY_LAYOUT + "; skip records without a key");
  }

  @Test
  void fromRecord_emptyKey_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> Checkpoint.fromRecord(new byte[0], VECTOR_VALUE))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint key (0 bytes) '' is malformed: field 'group' (STRING) needs 2 bytes at position 0, "
            + "found 0; " + KEY_LAYOUT);
  }

  @Test
  void fromRecord_keyWithoutPartition_throwsMirrorRecordFormatException() {
    byte[] key = Arrays.copyOf(VECTOR_KEY, 12);
    assertThatThrownBy(() -> Checkpoint.fromRecord(key, VECTOR_VALUE))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint key (12 bytes) '000267310004412e74310000' is malformed: field 'partition' (INT32) "
            + "needs 4 bytes at position 10, found 2; " + KEY_LAYOUT);
  }

  @Test
  void fromRecord_stringLongerThanKey_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> Checkpoint.fromRecord(hex("0004 6731"), VECTOR_VALUE))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint key (4 bytes) '00046731' is malformed: field 'group' (STRING) needs 4 bytes after "
            + "its length at position 0, found 2; " + KEY_LAYOUT);
  }

  @Test
  void fromRecord_negativeStringLength_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> Checkpoint.fromRecord(hex("ffff 6731"), VECTOR_VALUE))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint key (4 bytes) 'ffff6731' is malformed: field 'group' (STRING) at position 0 has "
            + "length -1, but a length must be 0..32767; " + KEY_LAYOUT);
  }

  @Test
  void fromRecord_truncatedValue_throwsMirrorRecordFormatException() {
    byte[] value = Arrays.copyOf(VECTOR_VALUE, 6);
    assertThatThrownBy(() -> Checkpoint.fromRecord(VECTOR_KEY, value))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint value (6 bytes) '000000000000' is malformed: field 'upstreamOffset' (INT64) needs 8 "
            + "bytes at position 2, found 4; " + VALUE_LAYOUT);
  }

  @Test
  void fromRecord_valueWithoutMetadata_throwsMirrorRecordFormatException() {
    byte[] value = Arrays.copyOf(VECTOR_VALUE, 18);
    assertThatThrownBy(() -> Checkpoint.fromRecord(VECTOR_KEY, value))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint value (18 bytes) '00000000000000000064000000000000002a' is malformed: field "
            + "'metadata' (STRING) needs 2 bytes at position 18, found 0; " + VALUE_LAYOUT);
  }

  @Test
  void fromRecord_oneByteValue_throwsMirrorRecordFormatException() {
    assertThatThrownBy(() -> Checkpoint.fromRecord(VECTOR_KEY, new byte[1]))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint value (1 byte) '00' is malformed: field 'version' (INT16) needs 2 bytes at "
            + "position 0, found 1; " + VALUE_LAYOUT);
  }

  @Test
  void fromRecord_negativeVersion_throwsMirrorRecordFormatException() {
    byte[] value = VECTOR_VALUE.clone();
    value[0] = (byte) 0xff;
    value[1] = (byte) 0xff;
    assertThatThrownBy(() -> Checkpoint.fromRecord(VECTOR_KEY, value))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint value (24 bytes) 'ffff0000000000000064000000000000002a00046d657461' is malformed: "
            + "field 'version' (INT16) at position 0 is -1, but a version must be >= 0 (MirrorMaker 2 writes 0); "
            + VALUE_LAYOUT);
  }

  @Test
  void fromRecord_longMalformedValue_showsFirst32BytesOnly() {
    byte[] value = new byte[40];
    Arrays.fill(value, (byte) 0xab);
    assertThatThrownBy(() -> Checkpoint.fromRecord(VECTOR_KEY, value))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint value (40 bytes) '" + "ab".repeat(32) + "...' is malformed: field 'version' (INT16) "
            + "at position 0 is -21589, but a version must be >= 0 (MirrorMaker 2 writes 0); " + VALUE_LAYOUT);
  }

  @Test
  void fromRecord_negativeMetadataLength_throwsMirrorRecordFormatException() {
    byte[] value = concat(Arrays.copyOf(VECTOR_VALUE, 18), hex("8000"));
    assertThatThrownBy(() -> Checkpoint.fromRecord(VECTOR_KEY, value))
        .isInstanceOf(MirrorRecordFormatException.class)
        .hasMessage("checkpoint value (20 bytes) '00000000000000000064000000000000002a8000' is malformed: field "
            + "'metadata' (STRING) at position 18 has length -32768, but a length must be 0..32767; "
            + VALUE_LAYOUT);
  }

  @Test
  void fromRecord_malformedUtf8_replacedLikeMirrorMaker2() {
    byte[] key = hex("0001 ff | 0001 74 | 00000000");
    assertThat(Checkpoint.fromRecord(key, VECTOR_VALUE).group()).isEqualTo("\uFFFD");
  }
}
