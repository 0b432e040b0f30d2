package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.client.internal.StateCodec;
import dev.mirror.client.internal.StateReader;
import dev.mirror.internal.engine.InternalTopics;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A caught-up flow writes nothing to its state topic while nothing changes, and stores positions, offset
 * mapping and progress again as soon as new records arrive.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IdleFlowIT {
  private static final int PARTITIONS = 6;

  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  @Test
  void idleFlow_storesNothingUntilNewRecords_thenStoresTheirPositionsAndProgress() throws Exception {
    String topic = uniqueName("quiet");
    createTopic(primary, topic, PARTITIONS);
    produce(primary, topic, records(topic, 0, 600));
    String group = uniqueName("readers");
    try (Admin admin = Admin.create(primary.clientProperties())) {
      admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1)))
          .all().get(20, TimeUnit.SECONDS);
    }
    String name = uniqueName("idle");
    String stateTopic = InternalTopics.state(name, "primary");
    try (Mirror mirror = Mirror.builder()
        .name(name)
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .flow(f -> f.from("primary").to("backup").topicNames(topic).emitHeartbeats(false)
            .replicateHeartbeats(false).checkpointInterval(Duration.ofMillis(200)))
        .build().start()) {
      awaitReplicated(topic, 600);
      // The rounds right after catching up store the final positions and progress; then it settles.
      Map<TopicPartition, Long> settled = Await.until(Duration.ofSeconds(30), () -> {
        Map<TopicPartition, Long> before = KafkaTestData.endOffsets(backup, stateTopic);
        awaitCheckpointRounds(mirror, Duration.ofMillis(1_000));
        return KafkaTestData.endOffsets(backup, stateTopic).equals(before) ? before : null;
      }, r -> r != null);

      awaitCheckpointRounds(mirror, Duration.ofMillis(1_500));
      assertThat(KafkaTestData.endOffsets(backup, stateTopic))
          .as("state records written by an idle flow over several checkpoint rounds")
          .isEqualTo(settled);

      produce(primary, topic, records(topic, 600, 300));
      awaitReplicated(topic, 900);
      Map<TopicPartition, Long> sourceEnds = KafkaTestData.endOffsets(primary, topic);
      Await.until(Duration.ofSeconds(30), () -> {
        StateReader.State state = readState(stateTopic);
        sourceEnds.forEach((tp, end) -> {
          assertThat(state.index().translate(tp, end - 1)).as("mapping of the last record of %s", tp).isPresent();
          StateCodec.Progress progress = state.progress().get(tp);
          assertThat(progress).as("progress of %s", tp).isNotNull();
          assertThat(progress.replicatedUpTo()).as("progress of %s", tp).isEqualTo(end);
          assertThat(progress.unreplicated()).as("unreplicated records of %s", tp).isZero();
        });
      });
    }
  }

  private static List<ProducerRecord<byte[], byte[]>> records(String topic, int from, int count) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      records.add(new ProducerRecord<>(topic, i % PARTITIONS, null, ("v" + i).getBytes()));
    }
    return records;
  }

  private static void awaitReplicated(String topic, long total) {
    Await.until(Duration.ofSeconds(60), () -> assertThat(KafkaTestData.endOffsets(backup, "primary." + topic)
        .values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total));
  }

  /** Waits until the flow checkpointed at a time at least {@code span} after now: several rounds went by. */
  private static void awaitCheckpointRounds(Mirror mirror, Duration span) {
    Instant after = Instant.now().plus(span);
    Await.until(Duration.ofSeconds(30), () -> assertThat(mirror.status().flow("primary->backup").orElseThrow()
        .lastCheckpointTime()).isNotNull().isAfter(after));
  }

  private static StateReader.State readState(String stateTopic) {
    Map<String, Object> props = new HashMap<>(backup.clientProperties());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      return StateReader.read(consumer, List.of(stateTopic), Duration.ofSeconds(20));
    }
  }
}
