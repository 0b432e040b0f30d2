package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaTestData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The topology look-ups on a real broker whose topics describe flows {@code A->B->C->here} (plus a cycle and names
 * for the {@code -} separator), compared with MirrorMaker 2's {@code MirrorClient} and {@code RemoteClusterUtils}
 * on the same broker. The class owns its broker: the assertions depend on the exact topic set.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MirrorClientTopologyIT {

  private static final List<String> TOPICS = List.of(
      "heartbeats", "B.heartbeats", "B.A.heartbeats", "C.B.A.heartbeats", "A.B.A.heartbeats",
      "A.checkpoints.internal", "B.checkpoints.internal", "mm2-offset-syncs.B.internal",
      "B.orders", "C.B.orders", "orders", "__my_internal", ".hidden", "connect-offsets",
      "B-heartbeats", "C-B-heartbeats", "B-orders", "A-checkpoints-internal");

  private static final List<String> ALIASES = List.of("A", "B", "C", "D");

  private static @Nullable EmbeddedKafkaCluster broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedKafkaCluster.start("topology");
    for (String topic : TOPICS) {
      KafkaTestData.createTopic(broker, topic, 1);
    }
    // Create Kafka's own __consumer_offsets, which both clients must leave out.
    try (Admin admin = Admin.create(broker.clientProperties())) {
      admin.alterConsumerGroupOffsets("some-group", Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(0)))
          .all().get(30, TimeUnit.SECONDS);
      assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS))
          .contains("__consumer_offsets");
    }
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void defaultPolicy_answers() {
    try (MirrorClient client = new MirrorClient(broker.clientProperties())) {
      assertThat(client.heartbeatTopics())
          .containsExactly("A.B.A.heartbeats", "B.A.heartbeats", "B.heartbeats", "C.B.A.heartbeats", "heartbeats");
      assertThat(client.checkpointTopics()).containsExactly("A.checkpoints.internal", "B.checkpoints.internal");
      assertThat(client.upstreamClusters()).containsExactly("A", "B", "C");
      assertThat(client.remoteTopics()).containsExactly("A.B.A.heartbeats", "B.A.heartbeats", "B.heartbeats",
          "B.orders", "C.B.A.heartbeats", "C.B.orders");
      assertThat(client.remoteTopics("B")).containsExactly("B.A.heartbeats", "B.heartbeats", "B.orders");
      assertThat(client.replicationHops("A")).isEqualTo(1);
      assertThat(client.replicationHops("B")).isEqualTo(1);
      assertThat(client.replicationHops("C")).isEqualTo(1);
      assertThat(client.replicationHops("D")).isEqualTo(-1);
    }
  }

  @Test
  void everyPolicy_sameAnswersAsMirrorMaker2() throws InterruptedException {
    List<Map<String, Object>> policies = List.of(
        Map.of(),
        Map.of("replication.policy.separator", "-"),
        Map.of("replication.policy.class", "org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
            "source.cluster.alias", "A"));
    for (Map<String, Object> policy : policies) {
      Map<String, Object> props = new HashMap<>(broker.clientProperties());
      props.putAll(policy);
      try (MirrorClient ours = new MirrorClient(props);
          org.apache.kafka.connect.mirror.MirrorClient theirs = new org.apache.kafka.connect.mirror.MirrorClient(props)) {
        assertThat(ours.heartbeatTopics()).as(policy.toString()).isEqualTo(theirs.heartbeatTopics());
        assertThat(ours.checkpointTopics()).as(policy.toString()).isEqualTo(theirs.checkpointTopics());
        assertThat(ours.upstreamClusters()).as(policy.toString()).isEqualTo(theirs.upstreamClusters());
        assertThat(ours.remoteTopics()).as(policy.toString()).isEqualTo(theirs.remoteTopics());
        for (String alias : ALIASES) {
          assertThat(ours.remoteTopics(alias)).as(policy + " " + alias).isEqualTo(theirs.remoteTopics(alias));
          assertThat(ours.replicationHops(alias)).as(policy + " " + alias).isEqualTo(theirs.replicationHops(alias));
        }
      }
    }
  }

  @Test
  void remoteClusterUtils_sameAnswersAsMirrorMaker2() throws Exception {
    Map<String, Object> props = broker.clientProperties();
    assertThat(RemoteClusterUtils.heartbeatTopics(props))
        .isEqualTo(org.apache.kafka.connect.mirror.RemoteClusterUtils.heartbeatTopics(props));
    assertThat(RemoteClusterUtils.checkpointTopics(props))
        .isEqualTo(org.apache.kafka.connect.mirror.RemoteClusterUtils.checkpointTopics(props));
    assertThat(RemoteClusterUtils.upstreamClusters(props))
        .isEqualTo(org.apache.kafka.connect.mirror.RemoteClusterUtils.upstreamClusters(props));
    for (String alias : ALIASES) {
      assertThat(RemoteClusterUtils.replicationHops(props, alias)).as(alias)
          .isEqualTo(org.apache.kafka.connect.mirror.RemoteClusterUtils.replicationHops(props, alias));
    }
  }
}
