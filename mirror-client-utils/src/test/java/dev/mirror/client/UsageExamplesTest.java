package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The examples in the Javadoc (package-info and class comments), compiled and checked. Keep them in sync. */
class UsageExamplesTest {

  @Test
  void packageInfo_policyExample_givesDocumentedResults() {
    ReplicationPolicy policy = ReplicationPolicies.defaultPolicy();
    String remote = policy.formatRemoteTopic("primary", "orders");
    Optional<String> source = policy.topicSource("primary.orders");
    String original = policy.originalTopic("backup.primary.orders");
    String checkpoints = policy.checkpointsTopic("primary");

    ReplicationPolicy fromConfig = ReplicationPolicies.fromConfig(Map.of(
        "replication.policy.class", "org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
        "source.cluster.alias", "primary"));

    assertThat(remote).isEqualTo("primary.orders");
    assertThat(source).contains("primary");
    assertThat(original).isEqualTo("orders");
    assertThat(checkpoints).isEqualTo("primary.checkpoints.internal");
    assertThat(fromConfig.formatRemoteTopic("primary", "orders")).isEqualTo("orders");
  }

  @Test
  void packageInfo_checkpointExample_latestCheckpointWins() {
    List<ConsumerRecord<byte[], byte[]>> records = List.of(
        record(new Checkpoint("billing", "primary.orders", 0, 10, 7, "")),
        record(new Checkpoint("other", "primary.orders", 0, 99, 98, "")),
        record(new Checkpoint("billing", "primary.orders", 0, 20, 17, "m")));

    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Checkpoint checkpoint = Checkpoint.fromRecord(record);
      if (checkpoint.group().equals("billing")) {
        offsets.put(checkpoint.topicPartition(), checkpoint.offsetAndMetadata());
      }
    }

    assertThat(offsets).containsExactly(
        Map.entry(new TopicPartition("primary.orders", 0), new OffsetAndMetadata(17, "m")));
  }

  @Test
  void defaultReplicationPolicy_classExample_givesDocumentedResults() {
    ReplicationPolicy policy = new DefaultReplicationPolicy();
    assertThat(policy.formatRemoteTopic("primary", "orders")).isEqualTo("primary.orders");
    assertThat(policy.topicSource("backup.primary.orders")).contains("backup");
    assertThat(policy.upstreamTopic("backup.primary.orders")).contains("primary.orders");
    assertThat(policy.originalTopic("backup.primary.orders")).isEqualTo("orders");
    assertThat(policy.checkpointsTopic("primary")).isEqualTo("primary.checkpoints.internal");
  }

  @Test
  void identityReplicationPolicy_classExample_givesDocumentedResults() {
    ReplicationPolicy policy = IdentityReplicationPolicy.withSourceClusterAlias("primary");
    assertThat(policy.formatRemoteTopic("primary", "orders")).isEqualTo("orders");
    assertThat(policy.topicSource("orders")).contains("primary");
    assertThat(policy.formatRemoteTopic("primary", "heartbeats")).isEqualTo("primary.heartbeats");
  }

  @Test
  void replicationPolicies_classExample_givesDocumentedResults() {
    ReplicationPolicy policy = ReplicationPolicies.fromConfig(Map.of(
        ReplicationPolicies.REPLICATION_POLICY_CLASS_CONFIG, "org.apache.kafka.connect.mirror.DefaultReplicationPolicy",
        ReplicationPolicies.REPLICATION_POLICY_SEPARATOR_CONFIG, "_"));
    assertThat(policy.formatRemoteTopic("primary", "orders")).isEqualTo("primary_orders");
  }

  // The examples below need a cluster; they are compiled here, and MirrorClientOffsetsIT runs the first one against
  // an embedded broker.

  @SuppressWarnings("unused")
  private static void packageInfo_failoverExample() {
    try (MirrorClient client = new MirrorClient(Map.of("bootstrap.servers", "backup:9092"))) {
      Map<TopicPartition, OffsetAndMetadata> offsets = client.remoteConsumerOffsets("billing", "primary", Duration.ofSeconds(10));
    }
  }

  @SuppressWarnings("unused")
  private static void packageInfo_seekExample(MirrorClient client, Consumer<?, ?> consumer,
      List<TopicPartition> partitions) {
    consumer.assign(partitions);                             // partitions of primary.orders on backup
    Failover.seekToTranslatedOffsets(consumer, client, "primary", "billing", Duration.ofSeconds(10));
  }

  @SuppressWarnings("unused")
  private static void mirrorClient_classExample() {
    try (MirrorClient client = new MirrorClient(Map.of("bootstrap.servers", "backup:9092"))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          client.remoteConsumerOffsets("billing", "primary", Duration.ofSeconds(10));
      // offsets of group "billing" on topics such as "primary.orders", ready to commit or seek to on "backup"
    }
  }

  @SuppressWarnings("unused")
  private static void failover_classExample(Map<String, Object> consumerProps) {
    try (MirrorClient client = new MirrorClient(Map.of("bootstrap.servers", "backup:9092"));
         KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) { // on "backup"
      consumer.assign(List.of(new TopicPartition("primary.orders", 0), new TopicPartition("primary.orders", 1)));
      Failover.seekToTranslatedOffsets(consumer, client, "primary", "billing", Duration.ofSeconds(10));
      // poll() now starts where group "billing" had got to on "primary"
    }
  }

  @SuppressWarnings("unused")
  private static void remoteClusterUtils_classExample() {
    Map<TopicPartition, OffsetAndMetadata> offsets = RemoteClusterUtils.translateOffsets(
        Map.of("bootstrap.servers", "backup:9092"), "primary", "billing", Duration.ofSeconds(10));
  }

  private static ConsumerRecord<byte[], byte[]> record(Checkpoint checkpoint) {
    return new ConsumerRecord<>("primary.checkpoints.internal", 0, 0L, checkpoint.recordKey(),
        checkpoint.recordValue());
  }
}
