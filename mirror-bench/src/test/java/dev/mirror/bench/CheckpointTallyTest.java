package dev.mirror.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.client.Checkpoint;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.types.Struct;
import org.junit.jupiter.api.Test;

class CheckpointTallyTest {

  @Test
  void countsEachExpectedPairOnceAndNotesWhenTheLastArrived() {
    CheckpointTally tally = new CheckpointTally(Set.of(
        new CheckpointTally.Pair("g1", "src.t", 0), new CheckpointTally.Pair("g1", "src.t", 1),
        new CheckpointTally.Pair("g2", "src.t", 0)));
    assertThat(tally.record("g1", new TopicPartition("src.t", 0), 10)).isTrue();
    assertThat(tally.record("g1", new TopicPartition("src.t", 0), 11)).isFalse(); // a repeat
    assertThat(tally.record("g3", new TopicPartition("src.t", 0), 12)).isFalse(); // nobody committed it
    assertThat(tally.record("g2", new TopicPartition("t", 0), 13)).isFalse(); // not the remote topic
    assertThat(tally.seen()).isEqualTo(1);
    assertThat(tally.complete()).isFalse();
    assertThat(tally.completeNanos()).isEqualTo(-1);
    tally.record("g2", new TopicPartition("src.t", 0), 20);
    tally.record("g1", new TopicPartition("src.t", 1), 30);
    tally.record("g1", new TopicPartition("src.t", 1), 40);
    assertThat(tally.complete()).isTrue();
    assertThat(tally.seen()).isEqualTo(3);
    assertThat(tally.firstNanos()).isEqualTo(10);
    assertThat(tally.completeNanos()).isEqualTo(30);
    assertThat(tally.unexpected()).isEqualTo(2);
    assertThat(tally.records()).isEqualTo(7);
  }

  @Test
  void missingPairsAreCountedPerRemotePartitionInOrder() {
    CheckpointTally tally = new CheckpointTally(Set.of(
        new CheckpointTally.Pair("g1", "src.t", 10), new CheckpointTally.Pair("g2", "src.t", 10),
        new CheckpointTally.Pair("g1", "src.t", 2), new CheckpointTally.Pair("g1", "src.a", 7)));
    tally.record("g2", new TopicPartition("src.t", 10), 1);
    assertThat(tally.missingByPartition()).containsExactly(
        Map.entry(new TopicPartition("src.a", 7), 1), Map.entry(new TopicPartition("src.t", 2), 1),
        Map.entry(new TopicPartition("src.t", 10), 1));
    tally.record("g1", new TopicPartition("src.t", 10), 2);
    tally.record("g1", new TopicPartition("src.t", 2), 3);
    tally.record("g1", new TopicPartition("src.a", 7), 4);
    assertThat(tally.missingByPartition()).isEmpty();
  }

  @Test
  void expectsEveryCommittedPairUnderItsRemoteTopic() {
    ScaleWorkload w = new ScaleWorkload(20, 10, 50, 100, 50, 30);
    CheckpointTally tally = CheckpointTally.forWorkload(w, "srcr1mirror");
    assertThat(tally.expected()).isEqualTo(1_500);
    w.commits(3).keySet().forEach(tp -> assertThat(tally.record(w.group(3),
        new TopicPartition("srcr1mirror." + tp.topic(), tp.partition()), 1)).isTrue());
    assertThat(tally.seen()).isEqualTo(30);
    assertThat(tally.unexpected()).isZero();
  }

  @Test
  void decodesCheckpointsInMm2sFormat() {
    CheckpointTally tally = new CheckpointTally(Set.of(new CheckpointTally.Pair("g", "src.t", 4),
        new CheckpointTally.Pair("h", "src.t", 5)));
    // As MirrorMaker 2's checkpoint task writes them.
    Struct key = new Struct(org.apache.kafka.connect.mirror.Checkpoint.KEY_SCHEMA)
        .set(org.apache.kafka.connect.mirror.Checkpoint.CONSUMER_GROUP_ID_KEY, "g")
        .set(org.apache.kafka.connect.mirror.Checkpoint.TOPIC_KEY, "src.t")
        .set(org.apache.kafka.connect.mirror.Checkpoint.PARTITION_KEY, 4);
    Struct header = new Struct(org.apache.kafka.connect.mirror.Checkpoint.HEADER_SCHEMA)
        .set(org.apache.kafka.connect.mirror.Checkpoint.VERSION_KEY, (short) 0);
    Struct value = new Struct(org.apache.kafka.connect.mirror.Checkpoint.VALUE_SCHEMA_V0)
        .set(org.apache.kafka.connect.mirror.Checkpoint.UPSTREAM_OFFSET_KEY, 7L)
        .set(org.apache.kafka.connect.mirror.Checkpoint.DOWNSTREAM_OFFSET_KEY, 7L)
        .set(org.apache.kafka.connect.mirror.Checkpoint.METADATA_KEY, "");
    ByteBuffer k = ByteBuffer.allocate(key.sizeOf());
    key.writeTo(k);
    ByteBuffer v = ByteBuffer.allocate(header.sizeOf() + value.sizeOf());
    header.writeTo(v);
    value.writeTo(v);
    CheckpointWatcher.count(record(k.array(), v.array()), tally, 1);
    // As Mirror writes them.
    Checkpoint mirror = new Checkpoint("h", "src.t", 5, 9, 9, "meta");
    CheckpointWatcher.count(record(mirror.recordKey(), mirror.recordValue()), tally, 2);
    assertThat(tally.complete()).isTrue();
    assertThat(tally.completeNanos()).isEqualTo(2);
    // A tombstone is skipped, a record that is no checkpoint counted as unreadable.
    CheckpointWatcher.count(record(k.array(), null), tally, 3);
    CheckpointWatcher.count(record(new byte[] {1}, new byte[] {2}), tally, 4);
    assertThat(tally.records()).isEqualTo(3);
    assertThat(tally.unreadableRecords()).isEqualTo(1);
  }

  private static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
    return new ConsumerRecord<>("src.checkpoints.internal", 0, 0L, key, value);
  }
}
