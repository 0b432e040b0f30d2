package dev.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.client.Heartbeat;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaTestData;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.mirror.RemoteClusterUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Heartbeats along a chain A -> B -> C let MirrorMaker 2's client trace the replication path. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HeartbeatChainIT {
  private static EmbeddedKafkaCluster a;
  private static EmbeddedKafkaCluster b;
  private static EmbeddedKafkaCluster c;

  @BeforeAll
  static void startClusters() {
    a = EmbeddedKafkaCluster.start("A");
    b = EmbeddedKafkaCluster.start("B");
    c = EmbeddedKafkaCluster.start("C");
  }

  @AfterAll
  static void stopClusters() {
    for (EmbeddedKafkaCluster k : new EmbeddedKafkaCluster[] {a, b, c}) {
      if (k != null) {
        k.close();
      }
    }
  }

  @Test
  void chain_replicationHopsAndUpstreamClusters_areRightOnEveryCluster() {
    try (Mirror mirror = Mirror.builder()
        .name("chain")
        .cluster("A", a.clientProperties())
        .cluster("B", b.clientProperties())
        .cluster("C", c.clientProperties())
        .flow(f -> f.from("A").to("B").topics("none").heartbeatInterval(Duration.ofMillis(200))
            .topicRefreshInterval(Duration.ofMillis(500)))
        .flow(f -> f.from("B").to("C").topics("none").heartbeatInterval(Duration.ofMillis(200))
            .topicRefreshInterval(Duration.ofMillis(500)))
        .build().start()) {
      Map<String, Object> cProps = new HashMap<>(c.clientProperties());
      Map<String, Object> bProps = new HashMap<>(b.clientProperties());
      Await.until(Duration.ofSeconds(60), () -> {
        assertThat(KafkaTestData.topics(c)).contains("heartbeats", "B.heartbeats", "B.A.heartbeats");
        assertThat(RemoteClusterUtils.replicationHops(cProps, "B")).isEqualTo(1);
        assertThat(RemoteClusterUtils.replicationHops(cProps, "A")).isEqualTo(2);
        assertThat(RemoteClusterUtils.upstreamClusters(cProps)).containsExactlyInAnyOrder("A", "B");
        assertThat(RemoteClusterUtils.replicationHops(bProps, "A")).isEqualTo(1);
        assertThat(RemoteClusterUtils.upstreamClusters(bProps)).containsExactly("A");
      });
      // Mirror's own client agrees.
      assertThat(dev.mirror.client.RemoteClusterUtils.replicationHops(cProps, "A")).isEqualTo(2);
      assertThat(dev.mirror.client.RemoteClusterUtils.replicationHops(cProps, "B")).isEqualTo(1);
      assertThat(dev.mirror.client.RemoteClusterUtils.upstreamClusters(cProps)).containsExactlyInAnyOrder("A", "B");
      assertThat(dev.mirror.client.RemoteClusterUtils.heartbeatTopics(cProps))
          .contains("heartbeats", "B.heartbeats", "B.A.heartbeats");
      assertThat(KafkaTestData.topics(a)).as("nothing flows back").doesNotContain("B.heartbeats", "C.heartbeats");
      assertThat(KafkaTestData.topics(c)).doesNotContain("C.heartbeats", "B.C.heartbeats");
      // The records are MirrorMaker 2 heartbeats: the flow B->C beats into C, and A's beats arrive via B.
      // The topic can exist a moment before the first beat is written into it.
      Await.until(Duration.ofSeconds(30), () -> {
        Map<String, Long> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTestData.readAll(c, "heartbeats", Duration.ofSeconds(5))) {
          Heartbeat hb = Heartbeat.fromRecord(r.key(), r.value());
          seen.merge(hb.sourceClusterAlias() + "->" + hb.targetClusterAlias(), 1L, Long::sum);
        }
        assertThat(seen).containsKey("B->C");
      });
      // The remote topic can exist on C a moment before its first record is copied into it.
      Await.until(Duration.ofSeconds(30),
          () -> assertThat(KafkaTestData.readAll(c, "B.A.heartbeats", Duration.ofSeconds(5))).isNotEmpty());
    }
  }
}
