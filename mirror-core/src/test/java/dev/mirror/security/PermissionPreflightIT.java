package dev.mirror.security;

import static dev.mirror.security.Secure.allow;
import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.FlowSpec;
import dev.mirror.Mirror;
import dev.mirror.PermissionReport;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The permission check names, per cluster, each permission the Mirror's principal lacks. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PermissionPreflightIT {
  private static final Map<String, String> USERS = Map.of("admin", "admin-secret", "mirror", "mirror-secret");
  private static EmbeddedKafkaCluster source;
  private static EmbeddedKafkaCluster target;

  @BeforeAll
  static void startClusters() {
    source = EmbeddedKafkaCluster.startSaslScram("source", "SCRAM-SHA-256", USERS, true, "admin");
    target = EmbeddedKafkaCluster.startSaslScram("target", "SCRAM-SHA-256", USERS, true, "admin");
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

  private static Mirror mirror(String topicPrefix) {
    return mirror(topicPrefix, f -> f);
  }

  private static Mirror mirror(String topicPrefix, java.util.function.UnaryOperator<FlowSpec.Builder> more) {
    return Mirror.builder()
        .name(uniqueName("perm"))
        .cluster("source", source.clientProperties("mirror"))
        .cluster("target", target.clientProperties("mirror"))
        .operationTimeout(Duration.ofSeconds(10))
        .flow(f -> more.apply(f.from("source").to("target").topics(topicPrefix + ".*").emitHeartbeats(false)
            .replicateHeartbeats(false).syncTopicAcls(false)))
        .build();
  }

  private static void allowCreateOnTargetCluster() throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = Secure.admin(target.clientProperties())) {
      admin.createAcls(List.of(new org.apache.kafka.common.acl.AclBinding(
          new org.apache.kafka.common.resource.ResourcePattern(ResourceType.CLUSTER, "kafka-cluster",
              org.apache.kafka.common.resource.PatternType.LITERAL),
          new org.apache.kafka.common.acl.AccessControlEntry("User:mirror", "*", AclOperation.CREATE,
              org.apache.kafka.common.acl.AclPermissionType.ALLOW)))).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> missing(PermissionReport report) {
    return report.missing().stream().map(c -> c.cluster() + " " + c.operation() + " " + c.resourceType())
        .distinct().collect(Collectors.toList());
  }

  @Test
  @Order(1)
  void checkPermissions_principalMissingEachPermissionInTurn_namesIt() throws Exception {
    // 1. Everything but CREATE on the target cluster.
    String p1 = uniqueName("perm");
    createTopic(source, p1 + "-t", 1);
    allow(source, "mirror", ResourceType.TOPIC, p1, AclOperation.DESCRIBE, AclOperation.READ,
        AclOperation.DESCRIBE_CONFIGS);
    try (Mirror mirror = mirror(p1)) {
      PermissionReport report = Await.until(Duration.ofSeconds(20), () -> mirror.checkPermissions(
          Duration.ofSeconds(10)), r -> missing(r).equals(List.of("target CREATE TOPIC")));
      assertThat(missing(report)).containsExactly("target CREATE TOPIC");
      assertThat(report.toString()).contains("cluster 'target': missing CREATE on TOPIC 'source." + p1 + "-t' (to create"
          + " it (CREATE on the topic or on the cluster))");
    }
    allowCreateOnTargetCluster();

    // 2. READ on the source topics withheld.
    String p2 = uniqueName("perm");
    createTopic(source, p2 + "-t", 1);
    allow(source, "mirror", ResourceType.TOPIC, p2, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
    try (Mirror mirror = mirror(p2)) {
      // ACLs reach the brokers' authorizers a moment after createAcls returns.
      Await.until(Duration.ofSeconds(20), () -> assertThat(missing(mirror.checkPermissions(Duration.ofSeconds(10))))
          .containsExactly("source READ TOPIC"));
    }

    // 3. DESCRIBE_CONFIGS on the source topics withheld.
    String p3 = uniqueName("perm");
    createTopic(source, p3 + "-t", 1);
    allow(source, "mirror", ResourceType.TOPIC, p3, AclOperation.DESCRIBE, AclOperation.READ);
    try (Mirror mirror = mirror(p3)) {
      Await.until(Duration.ofSeconds(20), () -> assertThat(missing(mirror.checkPermissions(Duration.ofSeconds(10))))
          .containsExactly("source DESCRIBE_CONFIGS TOPIC"));
    }

    // 4. With all of them, nothing is missing; the flow starts and reports nothing.
    allow(source, "mirror", ResourceType.TOPIC, p3, AclOperation.DESCRIBE_CONFIGS);
    try (Mirror mirror = mirror(p3)) {
      Await.until(Duration.ofSeconds(20), () -> assertThat(
          mirror.checkPermissions(Duration.ofSeconds(10)).allRequiredGranted()).isTrue());
    }

    // 5. Exactly-once mode also needs WRITE on the flow's transactional ids.
    try (Mirror mirror = mirror(p3, f -> f.exactlyOnce(true))) {
      PermissionReport report = Await.until(Duration.ofSeconds(20), () -> mirror.checkPermissions(
          Duration.ofSeconds(10)), r -> missing(r).equals(List.of("target WRITE TRANSACTIONAL_ID")));
      assertThat(missing(report)).containsExactly("target WRITE TRANSACTIONAL_ID");
      assertThat(report.toString()).contains("a PREFIXED ACL on 'mirror-" + mirror.name() + "-source->target-txn-'");
      allow(target, "mirror", ResourceType.TRANSACTIONAL_ID, "mirror-" + mirror.name() + "-", AclOperation.WRITE);
      Await.until(Duration.ofSeconds(20), () -> assertThat(
          mirror.checkPermissions(Duration.ofSeconds(10)).allRequiredGranted()).isTrue());
    }
  }

  @Test
  @Order(3)
  void checkPermissions_existingTargetTopicsAndSyncedGroups_namesEachMissingPermission() throws Exception {
    allowCreateOnTargetCluster();
    String p = uniqueName("perm");
    String topic = p + "-t";
    String group = p + "-g";
    createTopic(source, topic, 1);
    allow(source, "mirror", ResourceType.TOPIC, p, AclOperation.DESCRIBE, AclOperation.READ,
        AclOperation.DESCRIBE_CONFIGS);
    allow(source, "mirror", ResourceType.GROUP, p, AclOperation.DESCRIBE);
    try (org.apache.kafka.clients.admin.Admin admin = Secure.admin(source.clientProperties())) {
      admin.alterConsumerGroupOffsets(group, Map.of(new org.apache.kafka.common.TopicPartition(topic, 0),
          new org.apache.kafka.clients.consumer.OffsetAndMetadata(0))).all().get(30, TimeUnit.SECONDS);
    }
    try (Mirror mirror = mirror(p, f -> f.syncGroupOffsets(true))) {
      // The remote topic and the state topic exist already (an operator created them); Mirror may see them only.
      String state = "__mirror-state." + mirror.name() + ".source";
      createTopic(target, "source." + topic, 1);
      createTopic(target, state, 12);
      allow(target, "mirror", ResourceType.TOPIC, "source." + p, AclOperation.DESCRIBE);
      allow(target, "mirror", ResourceType.TOPIC, state, AclOperation.DESCRIBE);
      PermissionReport report = Await.until(Duration.ofSeconds(20), () -> mirror.checkPermissions(
          Duration.ofSeconds(10)), r -> missing(r).size() == 4);
      assertThat(missing(report)).containsExactlyInAnyOrder("target WRITE TOPIC", "target ALTER_CONFIGS TOPIC",
          "target READ TOPIC", "target READ GROUP");
      assertThat(report.toString())
          .contains("missing WRITE on TOPIC 'source." + topic + "'")
          .contains("missing ALTER_CONFIGS on TOPIC 'source." + topic + "'")
          .contains("missing WRITE on TOPIC '" + state + "'")
          .contains("missing READ on TOPIC '" + state + "'")
          .contains("missing READ on GROUP '" + group + "'");

      // Granted one by one, each leaves the report.
      allow(target, "mirror", ResourceType.TOPIC, "source." + p, AclOperation.WRITE, AclOperation.ALTER_CONFIGS);
      Await.until(Duration.ofSeconds(20), () -> assertThat(missing(mirror.checkPermissions(Duration.ofSeconds(10))))
          .containsExactlyInAnyOrder("target WRITE TOPIC", "target READ TOPIC", "target READ GROUP"));
      allow(target, "mirror", ResourceType.TOPIC, state, AclOperation.WRITE, AclOperation.READ);
      Await.until(Duration.ofSeconds(20), () -> assertThat(missing(mirror.checkPermissions(Duration.ofSeconds(10))))
          .containsExactly("target READ GROUP"));
      allow(target, "mirror", ResourceType.GROUP, p, AclOperation.READ);
      Await.until(Duration.ofSeconds(20), () -> assertThat(
          mirror.checkPermissions(Duration.ofSeconds(10)).allRequiredGranted()).isTrue());
    }
  }

  @Test
  @Order(2)
  void flowStart_withMissingPermission_reportsItInStatusBeforeCopying() throws Exception {
    allowCreateOnTargetCluster();
    String p = uniqueName("perm");
    createTopic(source, p + "-t", 1);
    allow(source, "mirror", ResourceType.TOPIC, p, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
    try (Mirror mirror = mirror(p).start()) {
      Await.until(Duration.ofSeconds(30), () -> assertThat(
          mirror.status().flow("source->target").orElseThrow().lastError())
          .contains("missing READ on TOPIC '" + p + "-t'"));
    }
  }
}
