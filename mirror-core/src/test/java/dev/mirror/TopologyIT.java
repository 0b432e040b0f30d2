package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.client.IdentityReplicationPolicy;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaTestData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several flows over three clusters: active/active, chains, a hub, identity names, flows changed at run time. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TopologyIT {
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

  private static Mirror.Builder mirror() {
    return Mirror.builder()
        .name(uniqueName("topo"))
        .cluster("A", a.clientProperties())
        .cluster("B", b.clientProperties())
        .cluster("C", c.clientProperties())
        .operationTimeout(Duration.ofSeconds(10));
  }

  private static void seed(EmbeddedKafkaCluster cluster, String topic, int count) {
    if (!KafkaTestData.topics(cluster).contains(topic)) {
      createTopic(cluster, topic, 2);
    }
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    String batch = uniqueName("b");
    for (int i = 0; i < count; i++) {
      records.add(KafkaTestData.record(topic, "k" + i, cluster.name() + "-" + batch + "-" + i));
    }
    produce(cluster, topic, records);
  }

  private static List<String> values(EmbeddedKafkaCluster cluster, String topic) {
    return readAll(cluster, topic, Duration.ofSeconds(20)).stream().map(r -> KafkaTestData.utf8(r.value()))
        .collect(Collectors.toList());
  }

  private static Set<String> topicsWith(EmbeddedKafkaCluster cluster, String part) {
    return KafkaTestData.topics(cluster).stream().filter(t -> t.contains(part)).collect(Collectors.toSet());
  }

  @Test
  void activeActive_defaultPolicy_everyRecordOnceOnTheOtherSide_noPingPong() {
    String topic = uniqueName("orders");
    seed(a, topic, 100);
    seed(b, topic, 100);
    try (Mirror mirror = mirror()
        .flow(f -> f.from("A").to("B").topics(topic).topicRefreshInterval(Duration.ofMillis(500)))
        .flow(f -> f.from("B").to("A").topics(topic).topicRefreshInterval(Duration.ofMillis(500)))
        .build().start()) {
      Await.until(Duration.ofSeconds(60), () -> {
        assertThat(values(b, "A." + topic)).hasSize(100).allMatch(v -> v.startsWith("A-"));
        assertThat(values(a, "B." + topic)).hasSize(100).allMatch(v -> v.startsWith("B-"));
      });
      // Several refreshes later, still nothing comes back.
      Await.until(Duration.ofSeconds(10), () -> assertThat(mirror.status().flows())
          .allMatch(s -> s.lastPollTime() != null));
      assertThat(topicsWith(a, topic)).containsExactlyInAnyOrder(topic, "B." + topic);
      assertThat(topicsWith(b, topic)).containsExactlyInAnyOrder(topic, "A." + topic);
      assertThat(KafkaTestData.topics(a)).noneMatch(t -> t.startsWith("A.") || t.startsWith("B.A."));
      assertThat(KafkaTestData.topics(b)).noneMatch(t -> t.startsWith("B.") || t.startsWith("A.B."));
      assertThat(values(b, "A." + topic)).hasSize(100);
    }
  }

  @Test
  void threeClusters_aBothWaysB_andBBothWaysC_noCyclesAnywhere() {
    String topic = uniqueName("orders");
    seed(a, topic, 30);
    seed(b, topic, 30);
    seed(c, topic, 30);
    try (Mirror mirror = mirror()
        .flow(f -> f.from("A").to("B").topics(".*" + topic))
        .flow(f -> f.from("B").to("A").topics(".*" + topic))
        .flow(f -> f.from("B").to("C").topics(".*" + topic))
        .flow(f -> f.from("C").to("B").topics(".*" + topic))
        .build().start()) {
      Await.until(Duration.ofSeconds(60), () -> {
        assertThat(topicsWith(a, topic)).containsExactlyInAnyOrder(topic, "B." + topic, "B.C." + topic);
        assertThat(topicsWith(b, topic)).containsExactlyInAnyOrder(topic, "A." + topic, "C." + topic);
        assertThat(topicsWith(c, topic)).containsExactlyInAnyOrder(topic, "B." + topic, "B.A." + topic);
        assertThat(values(c, "B.A." + topic)).hasSize(30).allMatch(v -> v.startsWith("A-"));
        assertThat(values(a, "B.C." + topic)).hasSize(30).allMatch(v -> v.startsWith("C-"));
        assertThat(values(b, "C." + topic)).hasSize(30);
      });
    }
  }

  @Test
  void hub_consumerOfOrdersAndRemoteOrders_seesEveryRecordOnce() {
    String topic = uniqueName("orders");
    seed(a, topic, 40);
    seed(b, topic, 40);
    seed(c, topic, 40);
    try (Mirror mirror = mirror()
        .flow(f -> f.from("A").to("C").topics(topic))
        .flow(f -> f.from("B").to("C").topics(topic))
        .build().start()) {
      Pattern subscription = Pattern.compile(Pattern.quote(topic) + "|.*\\." + Pattern.quote(topic));
      Await.until(Duration.ofSeconds(60), () -> {
        List<String> seen = new ArrayList<>();
        for (String t : KafkaTestData.topics(c)) {
          if (subscription.matcher(t).matches()) {
            seen.addAll(values(c, t));
          }
        }
        assertThat(seen).hasSize(120).doesNotHaveDuplicates();
        assertThat(seen.stream().map(v -> v.substring(0, 1)).collect(Collectors.toSet()))
            .containsExactlyInAnyOrder("A", "B", "C");
      });
    }
  }

  @Test
  void identityPolicy_bothWays_provenanceHeaderStopsPingPong() {
    String topic = uniqueName("events");
    seed(a, topic, 50);
    seed(b, topic, 50);
    try (Mirror mirror = mirror()
        .replicationPolicy(new IdentityReplicationPolicy())
        .flow(f -> f.from("A").to("B").topics(topic).emitHeartbeats(false))
        .flow(f -> f.from("B").to("A").topics(topic).emitHeartbeats(false))
        .build().start()) {
      Await.until(Duration.ofSeconds(60), () -> {
        assertThat(values(a, topic)).hasSize(100).doesNotHaveDuplicates();
        assertThat(values(b, topic)).hasSize(100).doesNotHaveDuplicates();
      });
      seed(a, topic, 5);
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(b, topic)).hasSize(105));
      // Give any echo time to appear: it would show up as more than 105 records on either side.
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < until) {
        assertThat(values(a, topic)).hasSize(105);
        assertThat(values(b, topic)).hasSize(105);
      }
      List<ConsumerRecord<byte[], byte[]>> onB = readAll(b, topic, Duration.ofSeconds(10));
      assertThat(onB).filteredOn(r -> KafkaTestData.utf8(r.value()).startsWith("A-"))
          .allSatisfy(r -> assertThat(KafkaTestData.utf8(r.headers().lastHeader("mirror.path").value()))
              .isEqualTo("A"));
    }
  }

  @Test
  void flows_addPauseResumeRemove_whileOthersRun_loseNothing() {
    String topic = uniqueName("live");
    seed(a, topic, 20);
    try (Mirror mirror = mirror()
        .flow(f -> f.from("A").to("B").topics(topic).commitInterval(Duration.ofMillis(200)))
        .build().start()) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(b, "A." + topic)).hasSize(20));

      mirror.addFlow(f -> f.from("A").to("C").topics(topic));
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(c, "A." + topic)).hasSize(20));

      mirror.pauseFlow("A->B");
      Await.until(Duration.ofSeconds(10), () -> assertThat(mirror.status().flow("A->B").orElseThrow().state())
          .isEqualTo(State.PAUSED));
      seed(a, topic, 30);
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(c, "A." + topic)).hasSize(50));
      assertThat(values(b, "A." + topic)).as("paused flow copies nothing").hasSize(20);

      mirror.resumeFlow("A->B");
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(b, "A." + topic)).hasSize(50)
          .doesNotHaveDuplicates());
      assertThat(mirror.status().flow("A->B").orElseThrow().state()).isEqualTo(State.RUNNING);

      assertThat(mirror.removeFlow("A->C", Duration.ofSeconds(30))).isTrue();
      assertThat(mirror.flows()).extracting(FlowSpec::id).containsExactly("A->B");
      seed(a, topic, 10);
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(b, "A." + topic)).hasSize(60));
      assertThat(values(c, "A." + topic)).as("removed flow copies nothing").hasSize(50);
    }
  }

  @Test
  void migration_awaitCaughtUp_afterProducersStop_reportsZeroLagAndCurrentCheckpoints() throws Exception {
    String topic = uniqueName("migrate");
    String group = uniqueName("app");
    seed(a, topic, 5_000);
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(a.clientProperties())) {
      admin.alterConsumerGroupOffsets(group, Map.of(new org.apache.kafka.common.TopicPartition(topic, 0),
          new org.apache.kafka.clients.consumer.OffsetAndMetadata(1_000))).all().get(20, TimeUnit.SECONDS);
    }
    try (Mirror mirror = mirror()
        .flow(f -> f.from("A").to("B").topics(topic).replicateHeartbeats(false).emitHeartbeats(false)
            .checkpointInterval(Duration.ofMillis(300)))
        .build().start()) {
      seed(a, topic, 5_000); // producers stop after this
      CatchUp catchUp = mirror.awaitCaughtUp("A->B", Duration.ofSeconds(60));
      assertThat(catchUp.caughtUp()).isTrue();
      assertThat(catchUp.checkpointsCurrent()).isTrue();
      assertThat(catchUp.readyToCutOver()).isTrue();
      assertThat(catchUp.totalLag()).isZero();
      assertThat(catchUp.lag()).hasSize(2);
      assertThat(values(b, "A." + topic)).hasSize(10_000);
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> translated =
          dev.mirror.client.RemoteClusterUtils.translateOffsets(new HashMap<>(b.clientProperties()), "A", group,
              Duration.ofSeconds(10));
      assertThat(translated).containsKey(new org.apache.kafka.common.TopicPartition("A." + topic, 0));
    }
  }

}
