package dev.mirror;

import static dev.mirror.CopyModes.assertCopyMode;
import static dev.mirror.SameRecords.assertSameRecords;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A broker that leads partitions stops while batch copy works on them, on the target (the batches the old
 * leader refused are written again to the new one) or on the source (the reader asks who leads now and fetches
 * on from its position), and on the target under record copy (the producer retries): each time the target holds
 * every source record once, at the source's offsets, without the flow restarting.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LeaderMoveIT {
  private static final int PARTITIONS = 4;
  private static final int RECORDS = 20_000;

  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.withBrokers(3, "primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  @Test
  void targetLeaderStops_whileBatchCopyWrites_everyRecordArrivesOnce() throws Exception {
    copyWhileABrokerStops(backup, true);
  }

  @Test
  void sourceLeaderStops_whileBatchCopyReads_everyRecordArrivesOnce() throws Exception {
    copyWhileABrokerStops(primary, true);
  }

  @Test
  void targetLeaderStops_whileRecordCopyWrites_everyRecordArrivesOnce() throws Exception {
    copyWhileABrokerStops(backup, false);
  }

  private static void copyWhileABrokerStops(EmbeddedKafkaCluster stopping, boolean batches) throws Exception {
    String topic = uniqueName("moving");
    String remote = "primary." + topic;
    try (Admin admin = Admin.create(primary.clientProperties())) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
    }
    try (Mirror mirror = Mirror.builder()
        .name(uniqueName("leaders"))
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .operationTimeout(Duration.ofSeconds(10))
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .internalTopicReplicationFactor(3)
        .flow(f -> f.from("primary").to("backup").topicNames(topic).replicationFactor(3)
            .emitHeartbeats(false).replicateHeartbeats(false).copyBatches(batches))
        .build().start()) {
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> produce(topic));
      // Some records are copied before the broker stops, and more are written after.
      Await.until(Duration.ofSeconds(60), () -> assertThat(total(KafkaTestData.endOffsets(backup, remote)))
          .isGreaterThan(RECORDS / 4));
      int stopped = busiestLeader(stopping, stopping == backup ? remote : topic);
      stopping.stopBroker(stopped);
      writing.get(60, TimeUnit.SECONDS);

      Await.until(Duration.ofSeconds(90), () -> assertThat(total(KafkaTestData.endOffsets(backup, remote)))
          .isGreaterThanOrEqualTo(RECORDS));
      assertSameRecords(primary, topic, backup, remote);
      assertCopyMode(mirror, batches);
      FlowStatus flow = mirror.status().flow("primary->backup").orElseThrow();
      assertThat(flow.state()).isEqualTo(State.RUNNING);
      assertThat(flow.restarts()).as("restarts of the flow's clients").isZero();
      assertThat(flow.recordsReplicated()).isEqualTo(RECORDS);
    } finally {
      for (int id : stopping.brokerIds()) {
        stopping.startBroker(id);
      }
    }
  }

  /** Writes {@link #RECORDS} records, numbered per partition, over a few seconds. */
  private static void produce(String topic) {
    Map<String, Object> props = new HashMap<>(primary.clientProperties());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
      for (int i = 0; i < RECORDS; i++) {
        int partition = i % PARTITIONS;
        p.send(new ProducerRecord<>(topic, partition, null,
            ("p" + partition + "-" + (i / PARTITIONS) + "-" + "x".repeat(200)).getBytes(StandardCharsets.UTF_8)));
        if (i % 1_000 == 999) {
          p.flush();
          sleep(150); // pacing: the stop lands while records are still being written
        }
      }
      p.flush();
    }
  }

  /**
   * The broker of {@code cluster} leading the most partitions of {@code topic}, preferring one that is not the
   * controller's node.
   */
  private static int busiestLeader(EmbeddedKafkaCluster cluster, String topic) throws Exception {
    try (Admin admin = Admin.create(cluster.clientProperties())) {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(topic);
      Map<Integer, Integer> led = new HashMap<>();
      for (TopicPartitionInfo p : d.partitions()) {
        assertThat(p.replicas()).as("replicas of " + topic + "-" + p.partition()).hasSize(3);
        led.merge(p.leader().id(), 1, Integer::sum);
      }
      int first = cluster.brokerIds().get(0);
      return led.entrySet().stream()
          .sorted((a, b) -> a.getKey() == first ? 1 : b.getKey() == first ? -1 : b.getValue() - a.getValue())
          .findFirst().orElseThrow().getKey();
    }
  }

  private static long total(Map<?, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
