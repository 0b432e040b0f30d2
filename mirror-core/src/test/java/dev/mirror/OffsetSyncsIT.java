package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.client.OffsetSync;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MirrorMaker 2-format offset syncs: on the target by default, on the source when asked, and exact. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OffsetSyncsIT {
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  /** Source value by offset, for one topic with one partition. */
  private static Map<Long, String> values(EmbeddedKafkaCluster cluster, String topic) {
    Map<Long, String> map = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(cluster, topic, Duration.ofSeconds(20))) {
      map.put(r.offset(), KafkaTestData.utf8(r.value()));
    }
    return map;
  }

  @Test
  void offsetSyncs_onTargetByDefault_pairTheSameRecordOnBothSides() throws Exception {
    String topic = uniqueName("syncs");
    createTopic(primary, topic, 1);
    // Transactions leave gaps (markers) in the source offsets, so the syncs must follow them.
    Map<String, Object> props = new HashMap<>(primary.clientProperties());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, uniqueName("tx"));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
      p.initTransactions();
      for (int t = 0; t < 10; t++) {
        p.beginTransaction();
        for (int i = 0; i < 10; i++) {
          p.send(KafkaTestData.record(topic, null, "t" + t + "-" + i));
        }
        p.commitTransaction();
      }
    }
    try (Mirror mirror = Mirror.builder()
        .name(uniqueName("os"))
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .flow(f -> f.from("primary").to("backup").topicNames(topic).commitInterval(Duration.ofMillis(200)))
        .build().start()) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(readAll(backup, "primary." + topic,
          Duration.ofSeconds(10))).hasSize(100));
    }
    Map<Long, String> source = values(primary, topic);
    Map<Long, String> target = values(backup, "primary." + topic);
    List<OffsetSync> syncs = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(backup, "mm2-offset-syncs.primary.internal",
        Duration.ofSeconds(20))) {
      OffsetSync s = OffsetSync.fromRecord(r.key(), r.value());
      if (s.topic().equals(topic)) {
        syncs.add(s);
      }
    }
    // One sync per transaction start (each follows a marker) at least, and every one pairs the same record.
    assertThat(syncs.size()).isGreaterThanOrEqualTo(10);
    for (OffsetSync s : syncs) {
      assertThat(target.get(s.downstreamOffset())).as("record of sync %s", s).isEqualTo(source.get(s.upstreamOffset()))
          .isNotNull();
    }
    assertThat(KafkaTestData.topics(primary)).doesNotContain("mm2-offset-syncs.backup.internal");
  }

  @Test
  void offsetSyncs_onSource_whenAsked() {
    String topic = uniqueName("src-syncs");
    createTopic(primary, topic, 1);
    produce(primary, topic, List.of(KafkaTestData.record(topic, "k", "v"), KafkaTestData.record(topic, "k", "w")));
    try (Mirror mirror = Mirror.builder()
        .name(uniqueName("os"))
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .flow(f -> f.from("primary").to("backup").topicNames(topic).offsetSyncsLocation(OffsetSyncsLocation.SOURCE)
            .commitInterval(Duration.ofMillis(200)))
        .build().start()) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(readAll(primary, "mm2-offset-syncs.backup.internal",
          Duration.ofSeconds(10))).extracting(r -> OffsetSync.fromRecord(r.key(), r.value()))
          .contains(new OffsetSync(topic, 0, 1, 1)));
    }
  }
}
