package dev.mirror.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.client.ReplicationPolicies;
import dev.mirror.client.ReplicationPolicy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopologyTest {
  private final ReplicationPolicy policy = ReplicationPolicies.defaultPolicy();

  @Test
  void hops_countsEachSourceAlongTheName() {
    assertThat(Topology.hops(policy, "C.B.A.heartbeats", "C")).isEqualTo(1);
    assertThat(Topology.hops(policy, "C.B.A.heartbeats", "B")).isEqualTo(2);
    assertThat(Topology.hops(policy, "C.B.A.heartbeats", "A")).isEqualTo(3);
    assertThat(Topology.hops(policy, "C.B.A.heartbeats", "D")).isEqualTo(-1);
    assertThat(Topology.hops(policy, "heartbeats", "A")).isEqualTo(-1);
  }

  @Test
  void hops_cycle_stopsAtAClusterSeenBefore() {
    assertThat(Topology.hops(policy, "A.B.A.heartbeats", "A")).isEqualTo(1);
    assertThat(Topology.hops(policy, "A.B.A.B.heartbeats", "C")).isEqualTo(-1);
    assertThat(Topology.sources(policy, "A.B.A.B.heartbeats")).containsExactly("A", "B");
  }

  @Test
  void walks_policyWithEndlessNames_stopAfterMaxHops() {
    // Every name has a new source and a longer upstream name: only the hop bound ends the walk.
    ReplicationPolicy endless = new ReplicationPolicy() {
      @Override
      public String formatRemoteTopic(String sourceClusterAlias, String topic) {
        return sourceClusterAlias + "." + topic;
      }

      @Override
      public Optional<String> topicSource(String topic) {
        return Optional.of("s" + topic.length());
      }

      @Override
      public Optional<String> upstreamTopic(String topic) {
        return Optional.of(topic + "x");
      }

      @Override
      public String offsetSyncsTopic(String clusterAlias) {
        return "syncs";
      }

      @Override
      public String checkpointsTopic(String clusterAlias) {
        return "checkpoints";
      }

      @Override
      public boolean isCheckpointsTopic(String topic) {
        return false;
      }

      @Override
      public boolean isMM2InternalTopic(String topic) {
        return false;
      }
    };
    assertThat(Topology.hops(endless, "t", "never")).isEqualTo(-1);
    assertThat(Topology.sources(endless, "t")).hasSize(Topology.MAX_HOPS);
  }
}
