package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.client.FailoverReport;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The failover report counts re-reads exactly and the records that never reached the target. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FailoverReportIT {
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  @Test
  void report_whileReplicationLags_countsUnreplicatedRecordsAndZeroReRead() throws Exception {
    String topic = uniqueName("lagging");
    createTopic(primary, topic, 2);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      records.add(KafkaTestData.record(topic, "k" + i, "v" + i));
    }
    produce(primary, topic, records);
    String group = uniqueName("billing");
    try (Admin admin = Admin.create(primary.clientProperties())) {
      admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(120),
          new TopicPartition(topic, 1), new OffsetAndMetadata(7))).all().get(20, TimeUnit.SECONDS);
    }
    Map<String, Object> backupProps = new HashMap<>(backup.clientProperties());
    // A deliberately slow flow: one record per request, so the backlog lasts while the report is taken.
    try (Mirror mirror = Mirror.builder()
        .name(uniqueName("rep"))
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .flow(f -> f.from("primary").to("backup").topicNames(topic).replicateHeartbeats(false)
            .checkpointInterval(Duration.ofMillis(200))
            .consumerOverrides(Map.of("max.partition.fetch.bytes", 1, "max.poll.records", 1))
            .copyBatches(false) // the slow producer below is the record path's
            .producerOverrides(Map.of("batch.size", 1, "linger.ms", 0, "max.in.flight.requests.per.connection", 1,
                "buffer.memory", 32_768)))
        .build().start()) {
      Await.until(Duration.ofSeconds(60), () -> {
        FailoverReport running = FailoverReport.create(backupProps, "primary", group, Duration.ofSeconds(10));
        assertThat(running.partitions()).hasSize(2);
        assertThat(running.unreplicatedRecords()).isPositive();
      });
    }
    FailoverReport report = FailoverReport.create(backupProps, "primary", group, Duration.ofSeconds(10));
    long onTarget = KafkaTestData.endOffsets(backup, "primary." + topic).values().stream()
        .mapToLong(Long::longValue).sum();
    assertThat(onTarget).as("the flow was stopped before it caught up").isLessThan(30_000);
    assertThat(report.unreplicatedRecords()).isEqualTo(30_000 - onTarget);
    assertThat(report.expectedReRead()).isZero();
    assertThat(report.offsets()).containsEntry(new TopicPartition("primary." + topic, 0),
        new OffsetAndMetadata(120, ""));
    assertThat(report.partitions()).extracting(FailoverReport.PartitionReport::upstreamOffset)
        .containsExactly(120L, 7L);
    assertThat(report.toString()).contains("failover of group '" + group + "' from cluster 'primary': 2 partitions,"
        + " re-read 0, not replicated " + (30_000 - onTarget));
  }
}
