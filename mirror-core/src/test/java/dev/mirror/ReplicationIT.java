package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The data path and topic sync against two real KRaft clusters. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReplicationIT {
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  static Mirror.Builder mirror(String name) {
    return Mirror.builder()
        .name(name)
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .operationTimeout(Duration.ofSeconds(10));
  }

  @Test
  void dataPath_100kRecordsOverSeveralTopics_arriveIdentical() {
    String run = uniqueName("bulk");
    Map<String, Integer> topics = Map.of(run + "-orders", 4, run + "-payments", 3, run + "-events", 2);
    topics.forEach((t, p) -> createTopic(primary, t, p));
    long baseTs = 1_700_000_000_000L;
    int perTopic = 34_000;
    for (Map.Entry<String, Integer> t : topics.entrySet()) {
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(perTopic);
      for (int i = 0; i < perTopic; i++) {
        byte[] key = i % 10 == 0 ? null : ("k" + i).getBytes(StandardCharsets.UTF_8);
        byte[] value = i % 17 == 0 ? null : ("v" + i + "-" + t.getKey()).getBytes(StandardCharsets.UTF_8);
        List<Header> headers = i % 3 == 0
            ? List.of(new RecordHeader("h1", ("x" + i).getBytes(StandardCharsets.UTF_8)),
                new RecordHeader("h2", null))
            : List.of();
        records.add(new ProducerRecord<>(t.getKey(), i % t.getValue(), baseTs + i, key, value, headers));
      }
      produce(primary, t.getKey(), records);
    }

    Mirror mirror = mirror(uniqueName("m")).flow(f -> f.from("primary").to("backup").topics(run + "-.*")
        .emitHeartbeats(false).replicateHeartbeats(false)).build().start();
    try (mirror) {
      for (String t : topics.keySet()) {
        Await.until(Duration.ofSeconds(120), () -> assertThat(total(KafkaTestData.endOffsets(backup,
            "primary." + t))).isEqualTo(perTopic));
      }
    }
    assertThat(mirror.status().flow("primary->backup").orElseThrow().recordsReplicated())
        .isEqualTo(3L * perTopic);

    for (String t : topics.keySet()) {
      SameRecords.assertSameRecords(primary, t, backup, "primary." + t);
    }
  }

  @Test
  void transactions_abortedRecordsAreNotCopied() throws Exception {
    String topic = uniqueName("tx");
    createTopic(primary, topic, 1);
    Map<String, Object> props = new HashMap<>(primary.clientProperties());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, uniqueName("txid"));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
      p.initTransactions();
      for (String batch : List.of("commit1", "abort", "commit2")) {
        p.beginTransaction();
        for (int i = 0; i < 10; i++) {
          p.send(KafkaTestData.record(topic, null, batch + "-" + i));
        }
        p.flush();
        if (batch.equals("abort")) {
          p.abortTransaction();
        } else {
          p.commitTransaction();
        }
      }
    }
    try (Mirror mirror = mirror(uniqueName("m")).flow(f -> f.from("primary").to("backup").topicNames(topic))
        .build().start()) {
      Await.until(Duration.ofSeconds(60), () -> assertThat(readAll(backup, "primary." + topic,
          Duration.ofSeconds(10))).hasSize(20));
    }
    List<String> values = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(backup, "primary." + topic, Duration.ofSeconds(10))) {
      values.add(KafkaTestData.utf8(r.value()));
    }
    assertThat(values).hasSize(20).allMatch(v -> v.startsWith("commit")).noneMatch(v -> v.startsWith("abort"));
  }

  @Test
  void topicSync_copiesConfigs_growsPartitions_andPicksUpNewTopics() throws Exception {
    String run = uniqueName("sync");
    String first = run + "-a";
    createTopic(primary, first, 2, Map.of("retention.ms", "123456789", "cleanup.policy", "compact",
        "min.insync.replicas", "1", "max.message.bytes", "200000"));
    try (Mirror mirror = mirror(uniqueName("m")).flow(f -> f.from("primary").to("backup").topics(run + "-.*")
            .topicRefreshInterval(Duration.ofMillis(500)).replicateHeartbeats(false)).build().start();
         Admin admin = Admin.create(backup.clientProperties());
         Admin sourceAdmin = Admin.create(primary.clientProperties())) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(KafkaTestData.topics(backup)).contains("primary." + first));
      Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
          "primary." + first))).all().get().values().iterator().next();
      assertThat(config.get("retention.ms").value()).isEqualTo("123456789");
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(config.get("max.message.bytes").value()).isEqualTo("200000");
      assertThat(config.get("min.insync.replicas").source())
          .as("min.insync.replicas is never copied").isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assertThat(admin.describeTopics(List.of("primary." + first)).allTopicNames().get()
          .get("primary." + first).partitions()).hasSize(2);

      sourceAdmin.createPartitions(Map.of(first, NewPartitions.increaseTo(5))).all().get();
      Await.until(Duration.ofSeconds(30), () -> assertThat(admin.describeTopics(List.of("primary." + first))
          .allTopicNames().get().get("primary." + first).partitions()).hasSize(5));
      produce(primary, first, List.of(new ProducerRecord<>(first, 4, "k".getBytes(StandardCharsets.UTF_8),
          "in-new-partition".getBytes(StandardCharsets.UTF_8))));
      Await.until(Duration.ofSeconds(30), () -> assertThat(readAll(backup, "primary." + first,
          Duration.ofSeconds(10))).extracting(ConsumerRecord::partition).containsExactly(4));

      String second = run + "-b";
      createTopic(primary, second, 3);
      produce(primary, second, List.of(KafkaTestData.record(second, "k", "late topic")));
      Await.until(Duration.ofSeconds(30), () -> assertThat(readAll(backup, "primary." + second,
          Duration.ofSeconds(10))).extracting(r -> KafkaTestData.utf8(r.value())).containsExactly("late topic"));
      assertThat(mirror.status().flow("primary->backup").orElseThrow().topics()).isEqualTo(2);
    }
  }

  @Test
  void internalAndCyclicTopics_areNotReplicated_butUserDotInternalIs() {
    String run = uniqueName("int");
    String userInternal = run + ".internal";
    String fromBackup = "backup." + run;
    String mm2Internal = "mm2-offset-syncs." + run + ".internal";
    String kafkaStyle = "__" + run;
    for (String t : List.of(userInternal, fromBackup, mm2Internal, kafkaStyle)) {
      createTopic(primary, t, 1);
      produce(primary, t, List.of(KafkaTestData.record(t, "k", "v")));
    }
    try (Mirror mirror = mirror(uniqueName("m")).flow(f -> f.from("primary").to("backup")
        .topics(".*" + run + ".*").replicateHeartbeats(false)).build().start()) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(readAll(backup, "primary." + userInternal,
          Duration.ofSeconds(10))).hasSize(1));
      assertThat(KafkaTestData.topics(backup)).doesNotContain("primary." + fromBackup, "primary." + mm2Internal,
          "primary." + kafkaStyle);
      assertThat(mirror.status().flow("primary->backup").orElseThrow().topics()).isEqualTo(1);
    }
  }

  private static long total(Map<?, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }
}
