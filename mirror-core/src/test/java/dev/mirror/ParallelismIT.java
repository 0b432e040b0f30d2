package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static dev.mirror.CopyModes.assertCopyMode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code tasks(n)} splits a flow's partitions over n copy threads, each with its own consumer and producer. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ParallelismIT {
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  private static Mirror build(String name, String prefix, int tasks, boolean batches) {
    return Mirror.builder()
        .name(name)
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .operationTimeout(Duration.ofSeconds(10))
        .flow(f -> f.from("primary").to("backup").topics(prefix + ".*").tasks(tasks)
            .commitInterval(Duration.ofMillis(200)).replicateHeartbeats(false).copyBatches(batches))
        .build();
  }

  private static void produceRange(String topic, int partitions, int from, int count) {
    List<ProducerRecord<byte[], byte[]>> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(new ProducerRecord<>(topic, i % partitions, ("k" + i).getBytes(StandardCharsets.UTF_8),
          ("v" + i).getBytes(StandardCharsets.UTF_8)));
    }
    produce(primary, topic, list);
  }


  private static long remoteRecords(String topic) {
    return KafkaTestData.endOffsets(backup, "primary." + topic).values().stream().mapToLong(Long::longValue).sum();
  }

  private static double sent(Map<MetricName, ? extends Metric> metrics, String clientId) {
    return metrics.entrySet().stream()
        .filter(e -> e.getKey().name().equals("record-send-total") && e.getKey().group().equals("producer-metrics")
            && clientId.equals(e.getKey().tags().get("client-id")))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
  }

  @ParameterizedTest(name = "batch copy: {0}")
  @ValueSource(booleans = {false, true})
  void threeTasks_splitThePartitions_copyEveryRecordOnce_andResumeExactlyWithOneTask(boolean batches) {
    String prefix = uniqueName("par");
    String wide = prefix + "-wide";
    String narrow = prefix + "-narrow";
    String name = uniqueName("m");
    createTopic(primary, wide, 9);
    createTopic(primary, narrow, 4);
    produceRange(wide, 9, 0, 18_000);
    produceRange(narrow, 4, 0, 8_000);
    try (Mirror mirror = build(name, prefix, 3, batches).start()) {
      Await.until(Duration.ofSeconds(90), () -> {
        assertThat(remoteRecords(wide)).isEqualTo(18_000);
        assertThat(remoteRecords(narrow)).isEqualTo(8_000);
      });
      Set<String> copyThreads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
          .filter(n -> n.startsWith("mirror-" + name + "-")).filter(n -> n.contains("-copy"))
          .filter(n -> !n.endsWith("-flush")) // a copy thread's helper that flushes its producer
          .collect(Collectors.toSet());
      String flowThread = "mirror-" + name + "-primary->backup";
      assertThat(copyThreads).containsExactlyInAnyOrder(flowThread + "-copy-0", flowThread + "-copy-1",
          flowThread + "-copy-2");
      if (batches) {
        // Each task writes its batches through a writer of its own; the producers carry only positions.
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
            .filter(n -> n.startsWith(flowThread + "-batch-writer-"))).hasSize(3);
        assertCopyMode(mirror, true);
      } else {
        Map<MetricName, ? extends Metric> metrics = mirror.metrics();
        String clientPrefix = "mirror-" + name + "-primary->backup-producer-";
        double total = 0;
        for (int i = 0; i < 3; i++) {
          double byTask = sent(metrics, clientPrefix + i);
          assertThat(byTask).as("records sent by task %d", i).isGreaterThan(0);
          total += byTask;
        }
        // Each record went through exactly one task's producer (plus that task's position records).
        assertThat(total).isGreaterThanOrEqualTo(26_000);
      }
      Await.until(Duration.ofSeconds(10), () -> assertThat(
          mirror.status().flow("primary->backup").orElseThrow().partitions()).isEqualTo(13));
    }
    produceRange(wide, 9, 18_000, 9_000);
    produceRange(narrow, 4, 8_000, 4_000);
    try (Mirror mirror = build(name, prefix, 1, batches).start()) {
      Await.until(Duration.ofSeconds(90), () -> {
        assertThat(remoteRecords(wide)).isGreaterThanOrEqualTo(27_000);
        assertThat(remoteRecords(narrow)).isGreaterThanOrEqualTo(12_000);
      });
    }
    for (String topic : List.of(wide, narrow)) {
      assertThat(KafkaTestData.valuesByPartition(readAll(backup, "primary." + topic, Duration.ofSeconds(60))))
          .as("remote copy of %s, partition by partition", topic)
          .isEqualTo(KafkaTestData.valuesByPartition(readAll(primary, topic, Duration.ofSeconds(60))));
    }
  }
}
