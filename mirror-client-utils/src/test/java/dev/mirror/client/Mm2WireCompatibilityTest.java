package dev.mirror.client;

import static dev.mirror.client.Bytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.protocol.types.SchemaException;
import org.apache.kafka.connect.mirror.Mm2Records;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks our codecs with MirrorMaker 2's own classes (connect-mirror-client and connect-mirror 4.3.1):
 * MirrorMaker 2 decodes our bytes to the same fields, we decode MirrorMaker 2's bytes, and both produce identical
 * bytes. Samples are edge cases plus records generated from a seeded {@link Random}.
 */
class Mm2WireCompatibilityTest {

  private static final int GENERATED = 300;

  @Test
  void checkpoint_ourBytes_mirrorMaker2DecodesSameFields() {
    for (Checkpoint ours : checkpoints()) {
      org.apache.kafka.connect.mirror.Checkpoint theirs =
          org.apache.kafka.connect.mirror.Checkpoint.deserializeRecord(record(ours.recordKey(), ours.recordValue()));
      assertThat(theirs.consumerGroupId()).isEqualTo(ours.group());
      assertThat(theirs.topicPartition()).isEqualTo(ours.topicPartition());
      assertThat(theirs.upstreamOffset()).isEqualTo(ours.upstreamOffset());
      assertThat(theirs.downstreamOffset()).isEqualTo(ours.downstreamOffset());
      assertThat(theirs.metadata()).isEqualTo(ours.metadata());
      if (ours.downstreamOffset() >= 0) {
        assertThat(theirs.offsetAndMetadata()).isEqualTo(ours.offsetAndMetadata());
      }
    }
  }

  @Test
  void checkpoint_mirrorMaker2Bytes_weDecodeAndReencodeIdentically() {
    for (Checkpoint expected : checkpoints()) {
      org.apache.kafka.connect.mirror.Checkpoint theirs = Mm2Records.checkpoint(expected.group(), expected.topic(),
          expected.partition(), expected.upstreamOffset(), expected.downstreamOffset(), expected.metadata());
      byte[] key = Mm2Records.checkpointKey(theirs);
      byte[] value = Mm2Records.checkpointValue(theirs);
      assertThat(Checkpoint.fromRecord(key, value)).isEqualTo(expected);
      assertThat(hex(expected.recordKey())).isEqualTo(hex(key));
      assertThat(hex(expected.recordValue())).isEqualTo(hex(value));
    }
  }

  @Test
  void checkpoint_laterVersion_weReadVersion0FieldsWhereMirrorMaker2OnlyAsserts() {
    // MirrorMaker 2 checks the version with a Java assert: it cannot write version 1 under -ea (Surefire's default),
    // and without -ea it parses any version as version 0. So patch the version into MirrorMaker 2's own bytes.
    Checkpoint expected = new Checkpoint("g1", "A.t1", 3, 100, 42, "meta");
    org.apache.kafka.connect.mirror.Checkpoint theirs = Mm2Records.checkpoint("g1", "A.t1", 3, 100, 42, "meta");
    byte[] key = Mm2Records.checkpointKey(theirs);
    byte[] value = Mm2Records.checkpointValue(theirs);
    value[1] = 1;
    assertThat(Checkpoint.fromRecord(key, value)).isEqualTo(expected);
    if (org.apache.kafka.connect.mirror.Checkpoint.class.desiredAssertionStatus()) {
      assertThatThrownBy(() -> org.apache.kafka.connect.mirror.Checkpoint.deserializeRecord(record(key, value)))
          .isInstanceOf(AssertionError.class);
    } else {
      assertThat(org.apache.kafka.connect.mirror.Checkpoint.deserializeRecord(record(key, value)).downstreamOffset())
          .isEqualTo(42);
    }
  }

  @Test
  void checkpoint_stringOver32767Bytes_bothRefuseToEncode() {
    String tooLong = "g".repeat(32768);
    assertThatThrownBy(() -> Mm2Records.checkpointKey(Mm2Records.checkpoint(tooLong, "t", 0, 0, 0, "")))
        .isInstanceOf(SchemaException.class);
    assertThatThrownBy(() -> new Checkpoint(tooLong, "t", 0, 0, 0, "").recordKey())
        .isInstanceOf(MirrorRecordFormatException.class);
  }

  @Test
  void heartbeat_ourBytes_mirrorMaker2DecodesSameFields() {
    for (Heartbeat ours : heartbeats()) {
      org.apache.kafka.connect.mirror.Heartbeat theirs =
          org.apache.kafka.connect.mirror.Heartbeat.deserializeRecord(record(ours.recordKey(), ours.recordValue()));
      assertThat(theirs.sourceClusterAlias()).isEqualTo(ours.sourceClusterAlias());
      assertThat(theirs.targetClusterAlias()).isEqualTo(ours.targetClusterAlias());
      assertThat(theirs.timestamp()).isEqualTo(ours.timestamp());
    }
  }

  @Test
  void heartbeat_mirrorMaker2Bytes_weDecodeAndReencodeIdentically() {
    for (Heartbeat expected : heartbeats()) {
      org.apache.kafka.connect.mirror.Heartbeat theirs = new org.apache.kafka.connect.mirror.Heartbeat(
          expected.sourceClusterAlias(), expected.targetClusterAlias(), expected.timestamp());
      byte[] key = Mm2Records.heartbeatKey(theirs);
      byte[] value = Mm2Records.heartbeatValue(theirs);
      assertThat(Heartbeat.fromRecord(key, value)).isEqualTo(expected);
      assertThat(hex(expected.recordKey())).isEqualTo(hex(key));
      assertThat(hex(expected.recordValue())).isEqualTo(hex(value));
    }
  }

  @Test
  void offsetSync_ourBytes_mirrorMaker2DecodesSameFields() {
    for (OffsetSync ours : offsetSyncs()) {
      org.apache.kafka.connect.mirror.OffsetSync theirs =
          org.apache.kafka.connect.mirror.OffsetSync.deserializeRecord(record(ours.recordKey(), ours.recordValue()));
      assertThat(theirs.topicPartition()).isEqualTo(ours.topicPartition());
      assertThat(theirs.upstreamOffset()).isEqualTo(ours.upstreamOffset());
      assertThat(theirs.downstreamOffset()).isEqualTo(ours.downstreamOffset());
    }
  }

  @Test
  void offsetSync_mirrorMaker2Bytes_weDecodeAndReencodeIdentically() {
    for (OffsetSync expected : offsetSyncs()) {
      org.apache.kafka.connect.mirror.OffsetSync theirs = Mm2Records.offsetSync(
          expected.topic(), expected.partition(), expected.upstreamOffset(), expected.downstreamOffset());
      byte[] key = Mm2Records.offsetSyncKey(theirs);
      byte[] value = Mm2Records.offsetSyncValue(theirs);
      assertThat(OffsetSync.fromRecord(key, value)).isEqualTo(expected);
      assertThat(hex(expected.recordKey())).isEqualTo(hex(key));
      assertThat(hex(expected.recordValue())).isEqualTo(hex(value));
    }
  }

  private static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
    return new ConsumerRecord<>("topic", 0, 0L, key, value);
  }

  private static List<Checkpoint> checkpoints() {
    List<Checkpoint> checkpoints = new ArrayList<>(List.of(
        new Checkpoint("g1", "A.t1", 3, 100, 42, "meta"),
        new Checkpoint("grüppe", "t", 0, 0, 0, "é"),
        new Checkpoint("", "", 0, 0, 0, ""),
        new Checkpoint("g", "t", Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, "m"),
        new Checkpoint("g", "t", Integer.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, "m"),
        new Checkpoint("g".repeat(32767), "t".repeat(32767), 1, 2, 3, "m".repeat(32767))));
    Random random = new Random(4_301L);
    for (int i = 0; i < GENERATED; i++) {
      checkpoints.add(new Checkpoint(string(random), string(random), random.nextInt(), random.nextLong(),
          random.nextBoolean() ? random.nextLong() : Math.abs(random.nextInt()), string(random)));
    }
    return checkpoints;
  }

  private static List<Heartbeat> heartbeats() {
    List<Heartbeat> heartbeats = new ArrayList<>(List.of(
        new Heartbeat("A", "B", 1_700_000_000_000L),
        new Heartbeat("", "", 0),
        new Heartbeat("A", "B", Long.MIN_VALUE),
        new Heartbeat("s".repeat(32767), "t".repeat(32767), Long.MAX_VALUE)));
    Random random = new Random(4_302L);
    for (int i = 0; i < GENERATED; i++) {
      heartbeats.add(new Heartbeat(string(random), string(random), random.nextLong()));
    }
    return heartbeats;
  }

  private static List<OffsetSync> offsetSyncs() {
    List<OffsetSync> syncs = new ArrayList<>(List.of(
        new OffsetSync("t1", 3, 100, 42),
        new OffsetSync("", 0, 0, 0),
        new OffsetSync("t", Integer.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE),
        new OffsetSync("t".repeat(32767), Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE)));
    Random random = new Random(4_303L);
    for (int i = 0; i < GENERATED; i++) {
      syncs.add(new OffsetSync(string(random), random.nextInt(), random.nextLong(), random.nextLong()));
    }
    return syncs;
  }

  /** A string of 0 to 40 code points: ASCII, Latin-1, CJK and astral (4-byte UTF-8) characters. */
  private static String string(Random random) {
    StringBuilder builder = new StringBuilder();
    int length = random.nextInt(41);
    for (int i = 0; i < length; i++) {
      int codePoint = switch (random.nextInt(4)) {
        case 0 -> 0x20 + random.nextInt(0x5f);
        case 1 -> 0xa0 + random.nextInt(0x60);
        case 2 -> 0x4e00 + random.nextInt(0x5000);
        default -> 0x1f300 + random.nextInt(0x300);
      };
      builder.appendCodePoint(codePoint);
    }
    return builder.toString();
  }
}
