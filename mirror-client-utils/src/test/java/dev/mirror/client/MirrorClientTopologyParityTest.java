package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.connect.mirror.Mm2Clients;
import org.junit.jupiter.api.Test;

/**
 * The topology look-ups of {@link MirrorClient} against MirrorMaker 2's {@code MirrorClient} on the same topic
 * names and the same policy configuration, without a broker: fixed topologies with cycles, and random names.
 */
class MirrorClientTopologyParityTest {

  private static final List<Map<String, Object>> POLICY_CONFIGS = List.of(
      Map.of(),
      Map.of("replication.policy.separator", "_"),
      Map.of("replication.policy.separator", "__", "replication.policy.internal.topic.separator.enabled", "false"),
      Map.of("replication.policy.class", "org.apache.kafka.connect.mirror.IdentityReplicationPolicy"),
      Map.of("replication.policy.class", "org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
          "source.cluster.alias", "A"));

  private static final List<String> ALIASES = List.of("A", "B", "C", "D", "X", "");

  @Test
  void fixedTopologies_sameAnswersAsMirrorMaker2() throws InterruptedException {
    List<Set<String>> topologies = List.of(
        Set.of(),
        Set.of("heartbeats"),
        Set.of("heartbeats", "B.heartbeats", "B.A.heartbeats", "C.B.A.heartbeats", "A.checkpoints.internal",
            "B.orders", "orders", "__consumer_offsets_like", ".hidden", "mm2-offset-syncs.B.internal"),
        // Cycles: MirrorMaker 2 stops at a cluster seen before.
        Set.of("A.B.A.heartbeats", "B.A.B.A.heartbeats", "A.A.heartbeats", "B.A.orders"),
        Set.of("B_heartbeats", "C_B_A_heartbeats", "A__checkpoints__internal", "A_checkpoints_internal",
            "B__A__heartbeats", "B__orders", "myheartbeats", "A.myheartbeats", "heartbeats.B"),
        Set.of("A.", ".A", "A..heartbeats", "A..t", "A.checkpoints.internal.x", "foo.internal", "foo-internal"));
    for (Map<String, Object> config : POLICY_CONFIGS) {
      for (Set<String> topics : topologies) {
        assertSameAnswers(config, topics);
      }
    }
  }

  @Test
  void randomTopicNames_sameAnswersAsMirrorMaker2() throws InterruptedException {
    Random random = new Random(42);
    String[] pieces = {"A", "B", "C", "heartbeats", "orders", "checkpoints", "internal", "mm2", "", "x"};
    String[] separators = {".", "_", "__", "-"};
    for (int round = 0; round < 200; round++) {
      Set<String> topics = new LinkedHashSet<>();
      for (int t = 0; t < 8; t++) {
        StringBuilder name = new StringBuilder();
        int count = 1 + random.nextInt(5);
        for (int p = 0; p < count; p++) {
          if (p > 0) {
            name.append(separators[random.nextInt(separators.length)]);
          }
          name.append(pieces[random.nextInt(pieces.length)]);
        }
        if (name.length() > 0) {
          topics.add(name.toString());
        }
      }
      for (Map<String, Object> config : POLICY_CONFIGS) {
        assertSameAnswers(config, topics);
      }
    }
  }

  private static void assertSameAnswers(Map<String, Object> config, Set<String> topics)
      throws InterruptedException {
    org.apache.kafka.connect.mirror.MirrorClient theirs =
        Mm2Clients.withTopics(topics, Mm2Clients.policy(config));
    FakeCluster cluster = new FakeCluster().withTopics(topics.toArray(String[]::new));
    MirrorClient ours = new MirrorClient(ReplicationPolicies.fromConfig(config), cluster);
    String context = "policy " + config + ", topics " + topics;

    assertThat(ours.heartbeatTopics()).as(context).isEqualTo(theirs.heartbeatTopics());
    assertThat(ours.checkpointTopics()).as(context).isEqualTo(theirs.checkpointTopics());
    assertThat(ours.upstreamClusters()).as(context).isEqualTo(theirs.upstreamClusters());
    assertThat(ours.remoteTopics()).as(context).isEqualTo(theirs.remoteTopics());
    for (String alias : ALIASES) {
      assertThat(ours.remoteTopics(alias)).as(context + ", source " + alias).isEqualTo(theirs.remoteTopics(alias));
      assertThat(ours.replicationHops(alias)).as(context + ", hops from " + alias)
          .isEqualTo(theirs.replicationHops(alias));
    }
  }
}
