package dev.mirror.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.client.Checkpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class CheckpointIndexTest {
  private static final String TOPIC = "A.checkpoints.internal";

  @Test
  void apply_outcomes() {
    CheckpointIndex index = new CheckpointIndex(TOPIC, Optional.of(Uuid.randomUuid()));
    Checkpoint checkpoint = new Checkpoint("g", "A.t", 0, 10, 7, "m");

    assertThat(index.apply(record(0, checkpoint.recordKey(), checkpoint.recordValue())))
        .isEqualTo(CheckpointIndex.Outcome.APPLIED);
    assertThat(index.offsets("g")).containsEntry(new TopicPartition("A.t", 0), new OffsetAndMetadata(7, "m"));
    assertThat(index.apply(record(1, new byte[] {0, 1, 'g'}, new byte[] {0, 0})))
        .isEqualTo(CheckpointIndex.Outcome.SKIPPED);
    assertThat(index.lastProblem()).startsWith("offset 1: checkpoint key (3 bytes) '000167' is malformed");
    assertThat(index.apply(record(2, null, null))).isEqualTo(CheckpointIndex.Outcome.SKIPPED);
    assertThat(index.lastProblem()).isEqualTo("offset 2: checkpoint key is null; expected group STRING, topic "
        + "STRING, partition INT32; skip records without a key");
    Checkpoint negative = new Checkpoint("g", "A.t", 1, 10, -3, "");
    assertThat(index.apply(record(3, negative.recordKey(), negative.recordValue())))
        .isEqualTo(CheckpointIndex.Outcome.SKIPPED);
    assertThat(index.lastProblem()).isEqualTo("offset 3: checkpoint of group 'g' for A.t-1 has downstream offset "
        + "'-3', but it must be >= 0");
    assertThat(index.apply(record(4, checkpoint.recordKey(), null))).isEqualTo(CheckpointIndex.Outcome.REMOVED);
    assertThat(index.offsets("g")).isEmpty();
    assertThat(index.offsets(Pattern.compile(".*"))).isEmpty();
    assertThat(index.position()).isEqualTo(5);
    assertThat(index.recordsRead()).isEqualTo(5);
  }

  @Test
  void apply_inAnySteps_sameAsAllAtOnce() {
    Random random = new Random(7);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int offset = 0; offset < 300; offset++) {
      Checkpoint checkpoint = new Checkpoint("g" + random.nextInt(5), "A.t", random.nextInt(4),
          random.nextInt(1000), random.nextInt(1000), "m" + offset);
      byte[] value = random.nextInt(20) == 0 ? null : checkpoint.recordValue();
      records.add(record(offset, checkpoint.recordKey(), value));
    }
    CheckpointIndex whole = new CheckpointIndex(TOPIC, Optional.empty());
    records.forEach(whole::apply);
    for (int split = 0; split <= records.size(); split += 37) {
      CheckpointIndex stepwise = new CheckpointIndex(TOPIC, Optional.empty());
      records.subList(0, split).forEach(stepwise::apply);
      stepwise.offsets(Pattern.compile(".*"));
      records.subList(split, records.size()).forEach(stepwise::apply);
      assertThat(stepwise.offsets(Pattern.compile(".*"))).isEqualTo(whole.offsets(Pattern.compile(".*")));
    }
  }

  @Test
  void advanceTo_neverMovesBack() {
    CheckpointIndex index = new CheckpointIndex(TOPIC, Optional.empty());
    index.advanceTo(10);
    index.advanceTo(4);
    assertThat(index.position()).isEqualTo(10);
  }

  private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] key, byte[] value) {
    return new ConsumerRecord<>(TOPIC, 0, offset, key, value);
  }
}
