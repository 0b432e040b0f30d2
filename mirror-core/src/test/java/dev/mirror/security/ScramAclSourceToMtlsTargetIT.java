package dev.mirror.security;

import static dev.mirror.security.Secure.allow;
import static dev.mirror.SameRecords.assertSameRecords;
import static dev.mirror.security.Secure.checkpoints;
import static dev.mirror.security.Secure.total;
import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.endOffsets;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.topics;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.FlowStatus;
import dev.mirror.Mirror;
import dev.mirror.State;
import dev.mirror.client.Checkpoint;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A SASL/SCRAM-SHA-512 source with ACLs enforced, where Mirror's principal may only read (READ, DESCRIBE,
 * DESCRIBE_CONFIGS on its topics; DESCRIBE, READ on its groups), replicating to a mutual-TLS target. Every
 * client Mirror creates must carry each cluster's SASL or TLS settings, and nothing may need more than read
 * access to the source.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScramAclSourceToMtlsTargetIT {
  private static final String MIRROR_USER = "mirror";
  private static EmbeddedKafkaCluster source;
  private static EmbeddedKafkaCluster target;

  @BeforeAll
  static void startClusters() {
    source = EmbeddedKafkaCluster.startSaslScram("source", "SCRAM-SHA-512",
        Map.of("admin", "admin-" + uniqueName("pw"), MIRROR_USER, "mirror-" + uniqueName("pw")), true, "admin");
    target = EmbeddedKafkaCluster.startTls("target", true);
  }

  @AfterAll
  static void stopClusters() {
    if (source != null) {
      source.close();
    }
    if (target != null) {
      target.close();
    }
  }

  private static Mirror.Builder mirror() {
    return Mirror.builder()
        .name(uniqueName("m"))
        .cluster("source", source.clientProperties(MIRROR_USER))
        .cluster("target", target.clientProperties(MIRROR_USER))
        .operationTimeout(Duration.ofSeconds(10))
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1));
  }

  /** Grants Mirror's principal read-only access to the topics and groups named {@code prefix*}. */
  private static void grantReadOnly(String prefix) throws Exception {
    allow(source, MIRROR_USER, ResourceType.TOPIC, prefix,
        AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
    allow(source, MIRROR_USER, ResourceType.GROUP, prefix, AclOperation.DESCRIBE, AclOperation.READ);
  }

  private static void commit(String group, String topic, int partitions, long offset) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(offset, "meta"));
    }
    try (Admin admin = Secure.admin(source.clientProperties())) {
      admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void readOnlySource_recordsAndCheckpointsReplicateToMutualTlsTarget() throws Exception {
    String prefix = uniqueName("ro");
    String topic = prefix + "-orders";
    String group = prefix + "-app";
    grantReadOnly(prefix);
    createTopic(source, topic, 3);
    produce(source, topic, Secure.records(topic, 300, 3));
    commit(group, topic, 3, 40);
    Set<String> sourceTopicsBefore = topics(source);

    Mirror mirror = mirror()
        .flow(f -> f.from("source").to("target").topics(prefix + "-.*")
            .commitInterval(Duration.ofMillis(200)).checkpointInterval(Duration.ofMillis(500))
            .groupRefreshInterval(Duration.ofMillis(500)))
        .build().start();
    try (mirror) {
      Await.until(Secure.WAIT, () -> assertThat(total(endOffsets(target, "source." + topic))).isEqualTo(300));
      assertSameRecords(source, topic, target, "source." + topic);

      Await.until(Secure.WAIT, () -> {
        Map<TopicPartition, Checkpoint> cps = checkpoints(target, "source", group);
        assertThat(cps).hasSize(3);
        cps.values().forEach(c -> {
          assertThat(c.upstreamOffset()).isEqualTo(40);
          assertThat(c.downstreamOffset()).isEqualTo(40);
        });
      });
      FlowStatus status = mirror.status().flow("source->target").orElseThrow();
      assertThat(status.state()).isEqualTo(State.RUNNING);
      assertThat(status.groups()).isEqualTo(1);
    }
    // Read-only: no heartbeats, offset-syncs or state topic appeared on the source.
    assertThat(topics(source)).isEqualTo(sourceTopicsBefore);
  }

  @Test
  void readRevokedWhileRunning_flowReportsNotAuthorizedForTheTopic() throws Exception {
    String topic = uniqueName("revoked");
    String error = errorAfterReadRevoked(topic);
    assertThat(error).contains("not authorized").contains(topic);
  }

  @Test
  void readRevokedWhileRunning_errorNamesReadOnTheTopic() throws Exception {
    String topic = uniqueName("revoked");
    String error = errorAfterReadRevoked(topic);
    assertThat(error).contains("READ on TOPIC '" + topic + "'");
  }

  /**
   * Replicates {@code topic} with read-only permissions, then revokes READ on it while the flow runs (after the
   * flow's permission preflight passed), and returns the flow's error once it names the topic.
   */
  private static String errorAfterReadRevoked(String topic) throws Exception {
    allow(source, MIRROR_USER, ResourceType.TOPIC, topic,
        AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
    createTopic(source, topic, 1);
    produce(source, topic, Secure.records(topic, 5, 1));

    try (LogCapture capture = LogCapture.start();
        Mirror mirror = mirror()
        .flow(f -> f.from("source").to("target").topicNames(topic).emitCheckpoints(false).syncTopicAcls(false))
        .build().start()) {
      Await.until(Secure.WAIT, () -> assertThat(total(endOffsets(target, "source." + topic))).isEqualTo(5));
      // The permission check runs once the first records are copied; it reports the optional CREATE on
      // 'heartbeats' missing on the source. Only then is READ revoked, so the copy path is what notices.
      Await.until(Secure.WAIT, () -> assertThat(capture.text()).contains("permission check before replicating"));
      try (Admin admin = Secure.admin(source.clientProperties())) {
        admin.deleteAcls(List.of(new AclBindingFilter(
            new ResourcePatternFilter(ResourceType.TOPIC, topic, PatternType.PREFIXED),
            new AccessControlEntryFilter("User:" + MIRROR_USER, null, AclOperation.READ, AclPermissionType.ALLOW))))
            .all().get(30, TimeUnit.SECONDS);
      }
      // The consumer keeps fetching at the end of the partition, so its next fetch after the broker applied the
      // deletion is refused.
      return Await.until(Secure.WAIT, () -> mirror.status().flow("source->target").orElseThrow().lastError(),
          e -> e != null && e.contains(topic));
    }
  }

  @Test
  void readOnlySource_defaultSettings_noErrorBeyondOneHeartbeatWarning() throws Exception {
    String prefix = uniqueName("quiet");
    String topic = prefix + "-orders";
    grantReadOnly(prefix);
    createTopic(source, topic, 1);
    produce(source, topic, Secure.records(topic, 10, 1));

    String log;
    FlowStatus status;
    try (LogCapture capture = LogCapture.start()) {
      try (Mirror mirror = mirror()
          .flow(f -> f.from("source").to("target").topics(prefix + "-.*")
              .topicAclSyncInterval(Duration.ofSeconds(1)).topicConfigSyncInterval(Duration.ofSeconds(1)))
          .build().start()) {
        Await.until(Secure.WAIT, () -> assertThat(total(endOffsets(target, "source." + topic))).isEqualTo(10));
        // Several ACL and config sync intervals: the flow must stay free of errors all along.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (int i = 0; i < 100 && System.nanoTime() < end; i++) {
          assertThat(mirror.status().flow("source->target").orElseThrow().lastError()).isNull();
          Thread.sleep(Await.POLL_INTERVAL.toMillis());
        }
        status = mirror.status().flow("source->target").orElseThrow();
      }
      log = capture.text();
    }
    assertThat(status.healthy()).isTrue();
    assertThat(log.split("heartbeats go to cluster 'target' only", -1)).hasSize(2);
  }

  @Test
  void wrongTargetKeystorePassword_statusNamesTheTargetAndTheCause() {
    Map<String, Object> badTarget = new HashMap<>(target.clientProperties(MIRROR_USER));
    badTarget.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, "not-the-password");
    badTarget.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, "not-the-password");
    try (Mirror mirror = mirror()
        .cluster("target2", badTarget)
        .flow(f -> f.from("source").to("target2").topics(uniqueName("none")))
        .build().start()) {
      Await.until(Duration.ofSeconds(15), () -> assertThat(
          mirror.status().flow("source->target2").orElseThrow().lastError())
          .contains("cluster 'target2'").containsIgnoringCase("keystore"));
    }
  }
}
