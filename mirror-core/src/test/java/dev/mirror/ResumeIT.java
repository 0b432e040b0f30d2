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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Positions live in the target cluster: restarts of the Mirror and of the target broker lose nothing. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ResumeIT {
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  private static Mirror build(String name, String topic, StartPosition start) {
    return build(name, topic, start, false);
  }

  private static Mirror build(String name, String topic, StartPosition start, boolean exactlyOnce) {
    return build(name, topic, start, exactlyOnce, false);
  }

  private static Mirror build(String name, String topic, StartPosition start, boolean exactlyOnce,
      boolean batches) {
    return Mirror.builder()
        .name(name)
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .operationTimeout(Duration.ofSeconds(10))
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .flow(f -> f.from("primary").to("backup").topicNames(topic).startPosition(start)
            .commitInterval(Duration.ofMillis(200)).replicateHeartbeats(false).exactlyOnce(exactlyOnce)
            .copyBatches(batches))
        .build();
  }

  /**
   * Stops the target's broker, produces records 10,000 to 19,999 to the source, keeps the target down for 2 s
   * while the flow goes on polling and sending, and starts the broker again.
   */
  private static void targetDownWhileProducing(String topic) throws InterruptedException {
    backup.stopBroker();
    produce(primary, topic, batch(topic, 4, 10_000, 10_000));
    Thread.sleep(2_000); // the outage: long enough for sends to wait and retry, short of every timeout
    backup.startBroker();
  }

  private static List<ProducerRecord<byte[], byte[]>> batch(String topic, int partitions, int from, int count) {
    List<ProducerRecord<byte[], byte[]>> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(new ProducerRecord<>(topic, i % partitions, ("k" + i).getBytes(StandardCharsets.UTF_8),
          ("v" + i).getBytes(StandardCharsets.UTF_8)));
    }
    return list;
  }


  @ParameterizedTest(name = "batch copy: {0}")
  @ValueSource(booleans = {false, true})
  void stopAndRestart_resumesWhereItStopped_withoutLossOrDuplicates(boolean batches) {
    String topic = uniqueName("resume");
    String name = uniqueName("m");
    createTopic(primary, topic, 3);
    produce(primary, topic, batch(topic, 3, 0, 20_000));
    try (Mirror mirror = build(name, topic, StartPosition.EARLIEST, false, batches).start()) {
      Await.until(Duration.ofSeconds(60), () -> assertThat(
          mirror.status().flow("primary->backup").orElseThrow().recordsReplicated()).isGreaterThan(0));
    }
    produce(primary, topic, batch(topic, 3, 20_000, 20_000));
    try (Mirror mirror = build(name, topic, StartPosition.EARLIEST, false, batches).start()) {
      Await.until(Duration.ofSeconds(90), () -> assertThat(
          KafkaTestData.endOffsets(backup, "primary." + topic).values().stream().mapToLong(Long::longValue).sum())
          .isGreaterThanOrEqualTo(40_000));
      assertCopyMode(mirror, batches);
    }
    Map<Integer, List<String>> source = KafkaTestData.valuesByPartition(readAll(primary, topic, Duration.ofSeconds(60)));
    Map<Integer, List<String>> target = KafkaTestData.valuesByPartition(readAll(backup, "primary." + topic, Duration.ofSeconds(60)));
    assertThat(target).isEqualTo(source);
  }

  @ParameterizedTest(name = "batch copy: {0}")
  @ValueSource(booleans = {false, true})
  void targetBrokerRestart_midFlow_losesNothing(boolean batches) throws Exception {
    String topic = uniqueName("restart");
    createTopic(primary, topic, 4);
    try (Mirror mirror = build(uniqueName("m"), topic, StartPosition.EARLIEST, false, batches).start()) {
      assertThat(mirror.awaitRunning(Duration.ofSeconds(30))).isTrue();
      produce(primary, topic, batch(topic, 4, 0, 10_000));
      Await.until(Duration.ofSeconds(60), () -> assertThat(
          mirror.status().flow("primary->backup").orElseThrow().recordsReplicated()).isGreaterThan(0));
      targetDownWhileProducing(topic);
      produce(primary, topic, batch(topic, 4, 20_000, 10_000));
      Await.until(Duration.ofSeconds(120), () -> assertThat(
          KafkaTestData.endOffsets(backup, "primary." + topic).values().stream().mapToLong(Long::longValue).sum())
          .isGreaterThanOrEqualTo(30_000));
      assertCopyMode(mirror, batches);
    }
    Map<Integer, List<String>> source = KafkaTestData.valuesByPartition(readAll(primary, topic, Duration.ofSeconds(60)));
    Map<Integer, List<String>> target = KafkaTestData.valuesByPartition(readAll(backup, "primary." + topic, Duration.ofSeconds(60)));
    // At-least-once: every source record is there, in order; a retried batch may appear twice.
    Map<Integer, List<String>> distinct = new TreeMap<>();
    target.forEach((p, values) -> distinct.put(p, new ArrayList<>(new LinkedHashSet<>(values))));
    assertThat(distinct).isEqualTo(source);
  }

  @Test
  void exactlyOnce_targetBrokerRestart_midFlow_readCommittedSeesEveryRecordOnce() throws Exception {
    String topic = uniqueName("restart-eos");
    String remote = "primary." + topic;
    createTopic(primary, topic, 4);
    try (Mirror mirror = build(uniqueName("m"), topic, StartPosition.EARLIEST, true).start()) {
      assertThat(mirror.awaitRunning(Duration.ofSeconds(30))).isTrue();
      produce(primary, topic, batch(topic, 4, 0, 10_000));
      Await.until(Duration.ofSeconds(60), () -> assertThat(
          mirror.status().flow("primary->backup").orElseThrow().recordsReplicated()).isGreaterThan(0));
      targetDownWhileProducing(topic); // in exactly-once mode the transaction coordinator goes with it
      produce(primary, topic, batch(topic, 4, 20_000, 10_000));
      Await.until(Duration.ofSeconds(120), () -> assertThat(readAll(backup, remote, Duration.ofSeconds(20)))
          .hasSizeGreaterThanOrEqualTo(30_000));
    }
    Map<Integer, List<String>> source = KafkaTestData.valuesByPartition(readAll(primary, topic, Duration.ofSeconds(60)));
    Map<Integer, List<String>> target = KafkaTestData.valuesByPartition(readAll(backup, remote, Duration.ofSeconds(60)));
    assertThat(target).as("every record exactly once for a read_committed reader").isEqualTo(source);
  }

  @Test
  void startPositionLatest_copiesOnlyRecordsProducedAfterTheFlowSawThePartition() {
    String topic = uniqueName("latest");
    createTopic(primary, topic, 2);
    produce(primary, topic, batch(topic, 2, 0, 100));
    try (Mirror mirror = build(uniqueName("m"), topic, StartPosition.LATEST).start()) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(
          mirror.status().flow("primary->backup").orElseThrow().partitions()).isEqualTo(2));
      produce(primary, topic, batch(topic, 2, 100, 50));
      Await.until(Duration.ofSeconds(30), () -> assertThat(readAll(backup, "primary." + topic,
          Duration.ofSeconds(10))).hasSize(50));
    }
    assertThat(readAll(backup, "primary." + topic, Duration.ofSeconds(10)))
        .extracting(r -> KafkaTestData.utf8(r.value()))
        .allMatch(v -> Integer.parseInt(v.substring(1)) >= 100);
  }
}
