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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults on the source side: each is recovered with no loss, or reported in the status and the log. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FaultsIT {
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  private static Mirror mirror(String name, String topic) {
    return mirror(name, topic, SourceResetPolicy.CONTINUE, false);
  }

  private static Mirror mirror(String name, String topic, boolean batches) {
    return mirror(name, topic, SourceResetPolicy.CONTINUE, batches);
  }

  private static Mirror mirror(String name, String topic, SourceResetPolicy onSourceReset) {
    return mirror(name, topic, onSourceReset, false);
  }

  private static Mirror mirror(String name, String topic, SourceResetPolicy onSourceReset, boolean batches) {
    return Mirror.builder()
        .name(name)
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .operationTimeout(Duration.ofSeconds(10))
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .flow(f -> f.from("primary").to("backup").topicNames(topic).replicateHeartbeats(false).emitHeartbeats(false)
            .commitInterval(Duration.ofMillis(200)).topicRefreshInterval(Duration.ofMillis(500))
            .onSourceReset(onSourceReset).copyBatches(batches))
        .build();
  }

  private static List<ProducerRecord<byte[], byte[]>> batch(String topic, int from, int count) {
    List<ProducerRecord<byte[], byte[]>> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return list;
  }

  private static List<String> values(EmbeddedKafkaCluster cluster, String topic) {
    return readAll(cluster, topic, Duration.ofSeconds(20)).stream().map(r -> KafkaTestData.utf8(r.value()))
        .collect(Collectors.toList());
  }

  @ParameterizedTest(name = "batch copy: {0}")
  @ValueSource(booleans = {false, true})
  void remoteTopicDeleted_underARunningFlow_isReportedAndCopiedAgainWithNothingLost(boolean batches)
      throws Exception {
    String topic = uniqueName("remote-deleted");
    String remote = "primary." + topic;
    createTopic(primary, topic, 1);
    try (Mirror mirror = mirror(uniqueName("f"), topic, batches).start()) {
      produce(primary, topic, batch(topic, 0, 5_000));
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(backup, remote)).hasSize(5_000));
      try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
          backup.clientProperties())) {
        admin.deleteTopics(List.of(remote)).all().get(30, TimeUnit.SECONDS);
      }
      produce(primary, topic, batch(topic, 5_000, 5_000));
      java.util.concurrent.atomic.AtomicBoolean reported = new java.util.concurrent.atomic.AtomicBoolean();
      Await.until(Duration.ofSeconds(90), () -> {
        String error = mirror.status().flow("primary->backup").orElseThrow().lastError();
        if (error != null && error.contains("remote topic '" + remote + "'") && error.contains("was deleted")) {
          reported.set(true);
        }
        assertThat(reported).as("the status named the deleted remote topic").isTrue();
        assertThat(new LinkedHashSet<>(values(backup, remote))).hasSize(10_000);
      });
      assertCopyMode(mirror, batches);
    }
    // Records sent while the topic was gone may land first; then the whole source follows, in order.
    assertThat(values(backup, remote)).endsWith(values(primary, topic).toArray(new String[0]));
  }

  @Test
  void remoteTopicDeleted_whileMirrorWasDown_isDetectedAtStartAndCopiedAgain() throws Exception {
    String topic = uniqueName("remote-deleted-down");
    String remote = "primary." + topic;
    String name = uniqueName("f");
    createTopic(primary, topic, 1);
    produce(primary, topic, batch(topic, 0, 3_000));
    try (Mirror mirror = mirror(name, topic).start()) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(backup, remote)).hasSize(3_000));
    }
    try (Admin admin = Admin.create(backup.clientProperties())) {
      admin.deleteTopics(List.of(remote)).all().get(30, TimeUnit.SECONDS);
    }
    Await.until(Duration.ofSeconds(30), () -> assertThat(KafkaTestData.topics(backup)).doesNotContain(remote));
    createTopic(backup, remote, 1); // as a careless operator might, so the topic is there but empty
    produce(primary, topic, batch(topic, 3_000, 1_000));
    try (Mirror mirror = mirror(name, topic).start()) {
      Await.until(Duration.ofSeconds(60), () -> {
        assertThat(mirror.status().flow("primary->backup").orElseThrow().lastError())
            .contains("remote topic '" + remote + "' partition 0").contains("while the flow was not running");
        assertThat(new LinkedHashSet<>(values(backup, remote))).hasSize(4_000);
      });
    }
    assertThat(values(backup, remote)).endsWith(values(primary, topic).toArray(new String[0]));
  }

  @ParameterizedTest(name = "batch copy: {0}")
  @ValueSource(booleans = {false, true})
  void sourceBrokerRestart_midFlow_losesNothing(boolean batches) throws Exception {
    String topic = uniqueName("src-restart");
    createTopic(primary, topic, 1);
    try (Mirror mirror = mirror(uniqueName("f"), topic, batches).start()) {
      produce(primary, topic, batch(topic, 0, 5_000));
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(backup, "primary." + topic)).isNotEmpty());
      primary.restartBroker();
      produce(primary, topic, batch(topic, 5_000, 5_000));
      Await.until(Duration.ofSeconds(90), () -> assertThat(new LinkedHashSet<>(values(backup, "primary." + topic)))
          .hasSize(10_000));
      assertCopyMode(mirror, batches);
    }
    assertThat(new ArrayList<>(new LinkedHashSet<>(values(backup, "primary." + topic))))
        .isEqualTo(values(primary, topic));
  }

  @ParameterizedTest(name = "batch copy: {0}")
  @ValueSource(booleans = {false, true})
  void sourceTruncatedBelowPosition_isReportedAndReplicationContinues(boolean batches) throws Exception {
    String topic = uniqueName("truncated");
    String name = uniqueName("f");
    createTopic(primary, topic, 1);
    produce(primary, topic, batch(topic, 0, 100));
    try (Mirror mirror = mirror(name, topic, batches).start()) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(backup, "primary." + topic)).hasSize(100));
    }
    produce(primary, topic, batch(topic, 100, 100));
    try (Admin admin = Admin.create(primary.clientProperties())) {
      admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(190))).all()
          .get(20, TimeUnit.SECONDS);
    }
    try (Mirror mirror = mirror(name, topic, batches).start()) {
      Await.until(Duration.ofSeconds(30), () -> {
        assertThat(values(backup, "primary." + topic)).hasSize(110).endsWith("v198", "v199");
        assertThat(mirror.status().flow("primary->backup").orElseThrow().lastError())
            .contains("90 records were deleted on the source before they were replicated");
      });
      assertCopyMode(mirror, batches);
    }
  }

  @Test
  void sourceTruncatedBelowPosition_withStopPolicy_failsTheFlowNamingThePartition_thenContinuesWhenAllowed()
      throws Exception {
    String topic = uniqueName("truncated-stop");
    String name = uniqueName("f");
    createTopic(primary, topic, 1);
    produce(primary, topic, batch(topic, 0, 100));
    try (Mirror mirror = mirror(name, topic, SourceResetPolicy.STOP).start()) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(backup, "primary." + topic)).hasSize(100));
    }
    produce(primary, topic, batch(topic, 100, 100));
    try (Admin admin = Admin.create(primary.clientProperties())) {
      admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(190))).all()
          .get(20, TimeUnit.SECONDS);
    }
    try (Mirror mirror = mirror(name, topic, SourceResetPolicy.STOP).start()) {
      Await.until(Duration.ofSeconds(30), () -> {
        FlowStatus status = mirror.status().flow("primary->backup").orElseThrow();
        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.lastError()).contains("source partition " + topic + "-0")
            .contains("90 records were deleted on the source before they were replicated")
            .contains("onSourceReset = STOP");
      });
      assertThat(values(backup, "primary." + topic)).as("nothing copied past the loss").hasSize(100);
    }
    // The operator accepts the loss: the flow goes on from the first record left, and says what was lost.
    try (Mirror mirror = mirror(name, topic, SourceResetPolicy.CONTINUE).start()) {
      Await.until(Duration.ofSeconds(30), () -> {
        assertThat(values(backup, "primary." + topic)).hasSize(110).endsWith("v198", "v199");
        assertThat(mirror.status().flow("primary->backup").orElseThrow().lastError())
            .contains("90 records were deleted on the source before they were replicated");
      });
    }
  }

  /**
   * Deletes a source topic, waits until the flow has let its partitions go, and creates it again with five
   * records, v1000 to v1004.
   */
  private static void recreateWithFiveRecords(Mirror mirror, Admin admin, String topic) throws Exception {
    admin.deleteTopics(List.of(topic)).all().get(20, TimeUnit.SECONDS);
    Await.until(Duration.ofSeconds(30), () -> assertThat(KafkaTestData.topics(primary)).doesNotContain(topic));
    Await.until(Duration.ofSeconds(30), () -> assertThat(
        mirror.status().flow("primary->backup").orElseThrow().partitions()).isZero());
    createTopic(primary, topic, 1);
    produce(primary, topic, batch(topic, 1_000, 5));
  }

  @Test
  void sourceTopicRecreated_withStopPolicy_failsTheFlowNamingTheTopic() throws Exception {
    String topic = uniqueName("recreated-stop");
    createTopic(primary, topic, 1);
    produce(primary, topic, batch(topic, 0, 50));
    try (Mirror mirror = mirror(uniqueName("f"), topic, SourceResetPolicy.STOP).start();
         Admin admin = Admin.create(primary.clientProperties())) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(backup, "primary." + topic)).hasSize(50));
      recreateWithFiveRecords(mirror, admin, topic);
      Await.until(Duration.ofSeconds(60), () -> {
        FlowStatus status = mirror.status().flow("primary->backup").orElseThrow();
        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.lastError()).contains("source topic '" + topic + "' was deleted and created again")
            .contains("onSourceReset = STOP");
      });
      assertThat(values(backup, "primary." + topic)).as("nothing of the new topic copied").hasSize(50);
    }
  }

  @ParameterizedTest(name = "batch copy: {0}")
  @ValueSource(booleans = {false, true})
  void sourceTopicRecreated_isReportedAndItsNewRecordsAreCopied(boolean batches) throws Exception {
    String topic = uniqueName("recreated");
    createTopic(primary, topic, 1);
    produce(primary, topic, batch(topic, 0, 50));
    try (Mirror mirror = mirror(uniqueName("f"), topic, batches).start();
         Admin admin = Admin.create(primary.clientProperties())) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(values(backup, "primary." + topic)).hasSize(50));
      recreateWithFiveRecords(mirror, admin, topic);
      Await.until(Duration.ofSeconds(60), () -> {
        assertThat(values(backup, "primary." + topic)).hasSize(55).endsWith("v1000", "v1001", "v1002", "v1003",
            "v1004");
        assertThat(mirror.status().flow("primary->backup").orElseThrow().lastError())
            .contains("was deleted and created again");
      });
      assertCopyMode(mirror, batches);
    }
  }
}
