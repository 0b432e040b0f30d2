package dev.mirror.testing;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.endOffsets;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.record;
import static dev.mirror.testing.KafkaTestData.topics;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static dev.mirror.testing.KafkaTestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two embedded clusters in one JVM, started once for the class; every test uses its own topics and groups.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaClusterIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static @Nullable EmbeddedKafkaCluster primary;
  private static @Nullable EmbeddedKafkaCluster backup;

  @BeforeAll
  static void startClusters() {
    primary = EmbeddedKafkaCluster.start("primary");
    backup = EmbeddedKafkaCluster.start("backup", Map.of("log.retention.ms", "3600000"));
    System.out.printf("start times: primary %d ms, backup %d ms%n",
        primary.startupTime().toMillis(), backup.startupTime().toMillis());
  }

  @AfterAll
  static void closeClusters() {
    try {
      if (backup != null) {
        backup.close();
      }
    } finally {
      if (primary != null) {
        primary.close();
      }
    }
  }

  @Test
  void twoClusters_produceOnEach_eachReadsOnlyItsOwnRecords() {
    String topic = uniqueName("orders");
    createTopic(primary(), topic, 3, Map.of());
    createTopic(backup(), topic, 3, Map.of());

    produce(primary(), topic, List.of(record(topic, "k1", "on-primary-1"), record(topic, "k2", "on-primary-2")));
    produce(backup(), topic, List.of(record(topic, "k1", "on-backup")));

    assertThat(readAll(primary(), topic, WAIT))
        .extracting(r -> utf8(r.key()), r -> utf8(r.value()))
        .containsExactlyInAnyOrder(tuple("k1", "on-primary-1"), tuple("k2", "on-primary-2"));
    assertThat(readAll(backup(), topic, WAIT))
        .extracting(r -> utf8(r.key()), r -> utf8(r.value()))
        .containsExactly(tuple("k1", "on-backup"));
    assertThat(primary().bootstrapServers()).isNotEqualTo(backup().bootstrapServers());
  }

  @Test
  void bootstrapServers_always_loopbackWithPort() {
    for (KafkaCluster cluster : List.of(primary(), backup())) {
      assertThat(cluster.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(cluster.clientProperties())
          .containsEntry("bootstrap.servers", cluster.bootstrapServers())
          .containsEntry("security.protocol", "PLAINTEXT");
    }
    assertThat(primary().name()).isEqualTo("primary");
  }

  @Test
  void readAll_severalPartitions_orderedByPartitionThenOffset() {
    String topic = uniqueName("ordered");
    createTopic(primary(), topic, 3);
    produce(primary(), topic, List.of(
        new ProducerRecord<>(topic, 2, null, bytes("c0")),
        new ProducerRecord<>(topic, 0, null, bytes("a0")),
        new ProducerRecord<>(topic, 2, null, bytes("c1")),
        new ProducerRecord<>(topic, 1, null, bytes("b0")),
        new ProducerRecord<>(topic, 0, null, bytes("a1"))));

    assertThat(readAll(primary(), topic, WAIT))
        .extracting(ConsumerRecord::partition, ConsumerRecord::offset, r -> utf8(r.value()))
        .containsExactly(
            tuple(0, 0L, "a0"), tuple(0, 1L, "a1"), tuple(1, 0L, "b0"), tuple(2, 0L, "c0"), tuple(2, 1L, "c1"));
    assertThat(endOffsets(primary(), topic)).containsExactly(
        entry(new TopicPartition(topic, 0), 2L),
        entry(new TopicPartition(topic, 1), 1L),
        entry(new TopicPartition(topic, 2), 2L));
  }

  @Test
  void readAll_emptyTopic_returnsEmptyList() {
    String topic = uniqueName("empty");
    createTopic(primary(), topic, 2);

    assertThat(readAll(primary(), topic, WAIT)).isEmpty();
  }

  @Test
  void readAll_missingTopic_failsNamingTopicAndCluster() {
    String topic = uniqueName("missing");

    assertThatThrownBy(() -> readAll(primary(), topic, Duration.ofSeconds(5)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("topic '" + topic + "' does not exist on cluster 'primary'");
  }

  @Test
  void createTopic_withConfigs_topicListedWithItsConfig() throws Exception {
    String topic = uniqueName("compacted");
    createTopic(primary(), topic, 1, Map.of("cleanup.policy", "compact"));

    assertThat(topics(primary())).contains(topic).doesNotContain("__consumer_offsets");
    assertThat(topics(backup())).doesNotContain(topic);
    try (Admin admin = Admin.create(primary().clientProperties())) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      ConfigEntry policy = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
          .get(resource).get("cleanup.policy");
      assertThat(policy.value()).isEqualTo("compact");
    }
  }

  @Test
  void createTopic_alreadyExists_failsWithTopicName() {
    String topic = uniqueName("twice");
    createTopic(primary(), topic, 1);

    assertThatThrownBy(() -> createTopic(primary(), topic, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot create topic '" + topic + "' with 1 partitions on cluster 'primary': ")
        .hasMessageContaining("TopicExistsException");
  }

  @Test
  void autoTopicCreation_disabled_producerDoesNotCreateTopics() {
    String topic = uniqueName("not-created");
    Map<String, Object> props = producerProps(primary());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      assertThatThrownBy(() -> producer.send(record(topic, "k", "v")).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("not present in metadata");
    }
    assertThat(topics(primary())).doesNotContain(topic);
  }

  @Test
  void transactionalProducer_commitAndAbort_readCommittedSeesOnlyCommitted() {
    String topic = uniqueName("txn");
    createTopic(backup(), topic, 2);
    Map<String, Object> props = producerProps(backup());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, uniqueName("txn-producer"));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(record(topic, "k1", "committed-1"));
      producer.send(record(topic, "k2", "committed-2"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(record(topic, "k3", "aborted"));
      producer.abortTransaction();
    }

    // commitTransaction() returns before the commit markers are in the partitions: the last stable offset, and
    // so what readAll sees, catches up a moment later.
    Await.until(WAIT, () -> assertThat(readAll(backup(), topic, WAIT))
        .extracting(r -> utf8(r.value()))
        .containsExactlyInAnyOrder("committed-1", "committed-2"));
  }

  @Test
  void consumerGroup_commitSync_committedOffsetsVisibleThroughAdmin() throws Exception {
    String topic = uniqueName("grouped");
    String group = uniqueName("group");
    createTopic(primary(), topic, 2);
    produce(primary(), topic, List.of(record(topic, "a", "1"), record(topic, "b", "2"), record(topic, "c", "3")));
    Map<String, Object> props = new HashMap<>(primary().clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);

    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      List<String> values = new ArrayList<>();
      Await.until(WAIT, () -> {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(utf8(r.value())));
        assertThat(values).hasSize(3);
      });
      consumer.commitSync(Duration.ofSeconds(30));
    }

    try (Admin admin = Admin.create(primary().clientProperties())) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, Long> offsets = new HashMap<>();
      committed.forEach((tp, om) -> offsets.put(tp, om.offset()));
      assertThat(offsets).isEqualTo(endOffsets(primary(), topic));
    }
  }

  @Test
  void start_illegalName_throwsWithTheName() {
    assertThatThrownBy(() -> EmbeddedKafkaCluster.start("bad name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must be made of the characters [a-zA-Z0-9._-], but was 'bad name'");
  }

  @Test
  void close_thirdCluster_deletesItsDataDirectory() {
    EmbeddedKafkaCluster third = EmbeddedKafkaCluster.start("third");
    Path dataDirectory;
    try {
      String topic = uniqueName("doomed");
      createTopic(third, topic, 1);
      produce(third, topic, List.of(record(topic, "k", "v")));
      dataDirectory = third.dataDirectory();
      assertThat(dataDirectory).isDirectory();
    } finally {
      third.close();
    }
    assertThat(Files.exists(dataDirectory)).isFalse();
  }

  private static Map<String, Object> producerProps(KafkaCluster cluster) {
    Map<String, Object> props = new HashMap<>(cluster.clientProperties());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return props;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static EmbeddedKafkaCluster primary() {
    EmbeddedKafkaCluster c = primary;
    assertThat(c).as("primary started in @BeforeAll").isNotNull();
    return c;
  }

  private static EmbeddedKafkaCluster backup() {
    EmbeddedKafkaCluster c = backup;
    assertThat(c).as("backup started in @BeforeAll").isNotNull();
    return c;
  }
}
