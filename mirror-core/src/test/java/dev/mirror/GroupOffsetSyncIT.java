package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.time.Duration;
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

/** Translated offsets committed to the target's idle groups, never backwards, never to active groups. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GroupOffsetSyncIT {
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(EmbeddedKafkaCluster cluster, String group)
      throws Exception {
    try (Admin admin = Admin.create(cluster.clientProperties())) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
    }
  }

  private static void commit(EmbeddedKafkaCluster cluster, String group, TopicPartition tp, long offset)
      throws Exception {
    try (Admin admin = Admin.create(cluster.clientProperties())) {
      admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(offset))).all()
          .get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void idleTargetGroup_getsTranslatedOffsets_neverBackwards_activeGroupUntouched() throws Exception {
    String topic = uniqueName("sync");
    createTopic(primary, topic, 1);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      records.add(KafkaTestData.record(topic, "k" + i, "v" + i));
    }
    produce(primary, topic, records);
    String idle = uniqueName("idle");
    String ahead = uniqueName("ahead");
    String active = uniqueName("active");
    TopicPartition source = new TopicPartition(topic, 0);
    TopicPartition remote = new TopicPartition("primary." + topic, 0);
    commit(primary, idle, source, 400);
    commit(primary, ahead, source, 300);
    commit(primary, active, source, 500);

    // Before the Mirror starts: the remote topic exists, 'ahead' went further on the target, and 'active' has a
    // live member there (a group that becomes active while Mirror writes to it races, in MirrorMaker 2 too).
    KafkaTestData.createTopic(backup, remote.topic(), 1);
    commit(backup, ahead, remote, 900);
    Map<String, Object> props = new HashMap<>(backup.clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, active);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(props)) {
      member.subscribe(List.of(remote.topic()));
      Await.until(Duration.ofSeconds(30), () -> {
        member.poll(Duration.ofMillis(100));
        assertThat(member.assignment()).contains(remote);
      });
      member.commitSync(Map.of(remote, new OffsetAndMetadata(10)));

      try (Mirror mirror = Mirror.builder()
          .cluster("primary", primary.clientProperties())
          .cluster("backup", backup.clientProperties())
          .name(uniqueName("gs"))
          .flow(f -> f.from("primary").to("backup").topicNames(topic).syncGroupOffsets(true)
              .checkpointInterval(Duration.ofMillis(300)).syncGroupOffsetsInterval(Duration.ofMillis(300)))
          .build().start()) {
        Await.until(Duration.ofSeconds(30), () -> {
          member.poll(Duration.ofMillis(50));
          assertThat(offsets(backup, idle).get(remote)).isNotNull().extracting(OffsetAndMetadata::offset)
              .isEqualTo(400L);
        });
        // Several more sync rounds pass while the member stays active.
        long until = System.nanoTime() + Duration.ofMillis(1_500).toNanos();
        while (System.nanoTime() < until) {
          member.poll(Duration.ofMillis(100));
        }
        assertThat(offsets(backup, ahead).get(remote).offset()).as("never moved backwards").isEqualTo(900L);
        assertThat(offsets(backup, active).get(remote).offset()).as("active group untouched").isEqualTo(10L);
      }
    }
  }
}
