package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Metrics read while a flow runs: lag falls to 0 when caught up, latency is positive, JMX has them. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MetricsIT {
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  private static double value(Mirror mirror, String group, String name, Map<String, String> tags) {
    for (Map.Entry<MetricName, ? extends Metric> e : mirror.metrics().entrySet()) {
      MetricName n = e.getKey();
      if (n.group().equals(group) && n.name().equals(name) && n.tags().entrySet().containsAll(tags.entrySet())) {
        return ((Number) e.getValue().metricValue()).doubleValue();
      }
    }
    throw new AssertionError("no metric " + group + "/" + name + " with tags " + tags + " in "
        + mirror.metrics().keySet());
  }

  /** Creates {@code topic} with 2 partitions and 5,000 records. */
  private static void produceTopic(String topic) {
    createTopic(primary, topic, 2);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      records.add(KafkaTestData.record(topic, "k" + i, "value-" + i));
    }
    produce(primary, topic, records);
  }

  private static Mirror.Builder mirror(String name) {
    return Mirror.builder()
        .name(name)
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties());
  }

  @Test
  void metrics_whileReplicating_lagFallsToZero_latencyPositive_andJmxHasThem() throws Exception {
    String topic = uniqueName("metered");
    produceTopic(topic);
    String name = uniqueName("met");
    Map<String, String> flow = Map.of("mirror", name, "source", "primary", "target", "backup");
    try (Mirror mirror = mirror(name)
        .flow(f -> f.from("primary").to("backup").topicNames(topic).replicateHeartbeats(false)
            .commitInterval(Duration.ofMillis(100))
            // Slow on purpose, so the lag can be seen before it falls to 0: the record path's producer, which
            // batch copy does not use.
            .copyBatches(false)
            .producerOverrides(Map.of("batch.size", 1, "linger.ms", 0, "max.in.flight.requests.per.connection", 1,
                "buffer.memory", 32_768)))
        .build().start()) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(value(mirror, "mirror-flow-metrics", "record-lag", flow))
          .isPositive());
      Await.until(Duration.ofSeconds(20), () -> {
        assertThat(value(mirror, "mirror-flow-metrics", "record-count", flow)).isEqualTo(5_000.0);
        assertThat(value(mirror, "mirror-flow-metrics", "record-lag", flow)).isZero();
      });
      Map<String, String> p0 = Map.of("mirror", name, "topic", topic, "partition", "0");
      assertThat(value(mirror, "mirror-partition-metrics", "record-lag", p0)).isZero();
      long inP0 = KafkaTestData.endOffsets(primary, topic).get(new org.apache.kafka.common.TopicPartition(topic, 0));
      assertThat(value(mirror, "mirror-partition-metrics", "record-count", p0)).isEqualTo((double) inP0);
      assertThat(value(mirror, "mirror-partition-metrics", "byte-count", p0)).isGreaterThan(inP0 * 10.0);
      assertThat(value(mirror, "mirror-partition-metrics", "replication-latency-ms-max", p0)).isPositive();
      assertThat(value(mirror, "mirror-partition-metrics", "record-age-ms-max", p0)).isPositive();
      assertThat(value(mirror, "mirror-flow-metrics", "partition-count", flow)).isEqualTo(2.0);
      assertThat(value(mirror, "mirror-flow-metrics", "topic-count", flow)).isEqualTo(1.0);
      assertThat(value(mirror, "mirror-flow-metrics", "state", flow)).isEqualTo(State.RUNNING.ordinal());
      assertThat(value(mirror, "mirror-flow-metrics", "checkpoint-age-ms", flow)).isBetween(0.0, 30_000.0);
      assertThat(mirror.metrics().keySet()).anyMatch(n -> n.group().equals("producer-metrics"));

      assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(
          new ObjectName("dev.mirror:type=mirror-flow-metrics,mirror=" + name + ",*"), null)).hasSize(1);
      assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(
          new ObjectName("dev.mirror:type=mirror-partition-metrics,mirror=" + name + ",*"), null)).hasSize(2);
    }
    assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(
        new ObjectName("dev.mirror:type=mirror-flow-metrics,mirror=" + name + ",*"), null))
        .as("closing the Mirror unregisters its MBeans").isEmpty();
  }

  @Test
  void batchCopy_countsRecordsBatchesAndLatency() {
    String topic = uniqueName("metered-batches");
    produceTopic(topic);
    String name = uniqueName("met");
    Map<String, String> flow = Map.of("mirror", name, "source", "primary", "target", "backup");
    try (Mirror mirror = mirror(name)
        .flow(f -> f.from("primary").to("backup").topicNames(topic).replicateHeartbeats(false)
            .commitInterval(Duration.ofMillis(100)))
        .build().start()) {
      Await.until(Duration.ofSeconds(30), () -> {
        assertThat(value(mirror, "mirror-flow-metrics", "record-count", flow)).isEqualTo(5_000.0);
        assertThat(value(mirror, "mirror-flow-metrics", "record-lag", flow)).isZero();
      });
      assertThat(value(mirror, "mirror-flow-metrics", "batch-count", flow)).isPositive();
      Map<String, String> p0 = Map.of("mirror", name, "topic", topic, "partition", "0");
      long inP0 = KafkaTestData.endOffsets(primary, topic).get(new org.apache.kafka.common.TopicPartition(topic, 0));
      assertThat(value(mirror, "mirror-partition-metrics", "record-count", p0)).isEqualTo((double) inP0);
      assertThat(value(mirror, "mirror-partition-metrics", "byte-count", p0)).isGreaterThan(inP0 * 10.0);
      assertThat(value(mirror, "mirror-partition-metrics", "replication-latency-ms-max", p0)).isPositive();
      assertThat(value(mirror, "mirror-partition-metrics", "record-lag", p0)).isZero();
    }
  }
}
