package dev.mirror.internal.engine;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.ClusterSpec;
import dev.mirror.FlowSpec;
import dev.mirror.client.DefaultReplicationPolicy;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a first start does, and in which order, so that the first records come early: it asks the target for the
 * remote topics before its own internal topics (a broker makes the partitions of new topics one after another in
 * the order asked, and the first records wait only for the remote topics' partitions), and batch copy makes no
 * consumer (its fetcher reads).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartOrderIT {
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");

  @Test
  void firstStart_asksTheTargetForRemoteTopicsBeforeInternalTopics_andBatchCopyMakesNoConsumer() throws Exception {
    EmbeddedKafkaCluster primary = CLUSTERS.get("primary");
    EmbeddedKafkaCluster backup = CLUSTERS.get("backup");
    String topic = uniqueName("orders");
    createTopic(primary, topic, 4);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      records.add(new ProducerRecord<>(topic, i % 4, null,
          ("v" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    produce(primary, topic, records);

    String name = uniqueName("order");
    String targetServers = String.valueOf(backup.clientProperties().get("bootstrap.servers"));
    List<List<String>> targetCreations = new CopyOnWriteArrayList<>();
    List<String> consumers = new CopyOnWriteArrayList<>();
    KafkaClients recording = new KafkaClients() {
      @Override
      public org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
        consumers.add(String.valueOf(config.get("client.id")));
        return KafkaClients.super.consumer(config);
      }

      @Override
      public Admin admin(Map<String, Object> config) {
        boolean target = targetServers.equals(String.valueOf(config.get("bootstrap.servers")));
        return new ForwardingAdmin(config) {
          @Override
          public CreateTopicsResult createTopics(Collection<NewTopic> newTopics, CreateTopicsOptions options) {
            if (target) {
              targetCreations.add(newTopics.stream().map(NewTopic::name).toList());
            }
            return super.createTopics(newTopics, options);
          }
        };
      }
    };
    ClusterSpec source = ClusterSpec.builder("primary").properties(primary.clientProperties()).build();
    ClusterSpec target = ClusterSpec.builder("backup").properties(backup.clientProperties()).build();
    FlowSpec flow = FlowSpec.builder().from("primary").to("backup").topicNames(topic).build();
    EngineConfig config = new EngineConfig(name, Map.of("primary", source, "backup", target), List.of(flow),
        new DefaultReplicationPolicy(), -1, Duration.ofMillis(100), Duration.ofSeconds(1), Clock.systemUTC(),
        recording);
    MirrorEngine engine = new MirrorEngine(config, Duration.ofSeconds(30));
    try {
      engine.start();
      String remote = "primary." + topic;
      Await.until(Duration.ofSeconds(60), () -> KafkaTestData.endOffsets(backup, remote).values().stream()
          .mapToLong(Long::longValue).sum(), n -> n == 400);

      String stateTopic = InternalTopics.state(name, "primary");
      int remoteAsked = indexOf(targetCreations, remote);
      int stateAsked = indexOf(targetCreations, stateTopic);
      assertThat(remoteAsked).as("creation requests to the target: %s", targetCreations).isNotNegative();
      assertThat(stateAsked).as("creation requests to the target: %s", targetCreations).isNotNegative();
      assertThat(remoteAsked)
          .as("the remote topic is asked for before the state topic: %s", targetCreations)
          .isLessThan(stateAsked);
      assertThat(targetCreations.get(stateAsked))
          .as("the target's internal topics are asked for in one request")
          .contains(stateTopic, "primary.checkpoints.internal", "mm2-offset-syncs.primary.internal");
      assertThat(consumers).as("consumers made by a first start that copies batches").isEmpty();
    } finally {
      assertThat(engine.close(Duration.ofSeconds(30))).isTrue();
    }
  }

  private static int indexOf(List<List<String>> requests, String topic) {
    for (int i = 0; i < requests.size(); i++) {
      if (requests.get(i).contains(topic)) {
        return i;
      }
    }
    return -1;
  }
}
