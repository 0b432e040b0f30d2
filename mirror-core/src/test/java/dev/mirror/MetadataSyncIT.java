package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Topic configs and ACLs follow the source on an interval, with MirrorMaker 2's rules. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MetadataSyncIT {
  private static final Map<String, String> AUTHORIZER = Map.of(
      "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
      "allow.everyone.if.no.acl.found", "true",
      "super.users", "User:ANONYMOUS");
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS =
      KafkaClustersExtension.withBrokerConfig(AUTHORIZER, "primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  private static Config config(Admin admin, String topic) throws Exception {
    return admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic))).all()
        .get(20, TimeUnit.SECONDS).values().iterator().next();
  }

  private static void alter(Admin admin, String topic, AlterConfigOp... ops) throws Exception {
    admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(ops))).all()
        .get(20, TimeUnit.SECONDS);
  }

  private static AclBinding acl(String topic, PatternType type, String user, AclOperation op, AclPermissionType p) {
    return new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, type),
        new AccessControlEntry("User:" + user, "*", op, p));
  }

  @Test
  void configsAndAcls_followTheSource() throws Exception {
    String topic = uniqueName("meta");
    String remote = "primary." + topic;
    createTopic(primary, topic, 1, Map.of("retention.ms", "100000"));
    try (Admin source = Admin.create(primary.clientProperties());
         Admin target = Admin.create(backup.clientProperties())) {
      source.createAcls(List.of(
          acl(topic, PatternType.LITERAL, "alice", AclOperation.READ, AclPermissionType.ALLOW),
          acl(topic, PatternType.LITERAL, "bob", AclOperation.WRITE, AclPermissionType.ALLOW),
          acl(topic, PatternType.LITERAL, "carol", AclOperation.ALL, AclPermissionType.ALLOW),
          acl(topic, PatternType.LITERAL, "mallory", AclOperation.READ, AclPermissionType.DENY),
          acl(topic.substring(0, 4), PatternType.PREFIXED, "dave", AclOperation.READ, AclPermissionType.ALLOW)))
          .all().get(20, TimeUnit.SECONDS);
      try (Mirror mirror = Mirror.builder()
          .name(uniqueName("meta"))
          .cluster("primary", primary.clientProperties())
          .cluster("backup", backup.clientProperties())
          .flow(f -> f.from("primary").to("backup").topicNames(topic).replicateHeartbeats(false)
              .topicConfigSyncInterval(Duration.ofMillis(300)).topicAclSyncInterval(Duration.ofMillis(300)))
          .build().start()) {
        Await.until(Duration.ofSeconds(30), () -> assertThat(KafkaTestData.topics(backup)).contains(remote));
        assertThat(config(target, remote).get("retention.ms").value()).isEqualTo("100000");

        alter(source, topic, new AlterConfigOp(new ConfigEntry("retention.ms", "200000"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("max.message.bytes", "300000"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("min.insync.replicas", "1"), AlterConfigOp.OpType.SET));
        Await.until(Duration.ofSeconds(30), () -> {
          Config c = config(target, remote);
          assertThat(c.get("retention.ms").value()).isEqualTo("200000");
          assertThat(c.get("max.message.bytes").value()).isEqualTo("300000");
        });
        assertThat(config(target, remote).get("min.insync.replicas").source())
            .as("excluded by default").isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        alter(source, topic, new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE));
        Await.until(Duration.ofSeconds(30), () -> assertThat(config(target, remote).get("retention.ms").source())
            .as("a source default resets the remote override").isNotEqualTo(
                ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG));

        Await.until(Duration.ofSeconds(30), () -> {
          Collection<AclBinding> acls = target.describeAcls(new AclBindingFilter(
              new ResourcePatternFilter(ResourceType.TOPIC, remote, PatternType.ANY), AccessControlEntryFilter.ANY))
              .values().get(20, TimeUnit.SECONDS);
          assertThat(acls).extracting(b -> b.entry().principal(), b -> b.entry().operation(),
              b -> b.entry().permissionType()).containsExactlyInAnyOrder(
                  tuple("User:alice", AclOperation.READ, AclPermissionType.ALLOW),
                  tuple("User:carol", AclOperation.READ, AclPermissionType.ALLOW),
                  tuple("User:mallory", AclOperation.READ, AclPermissionType.DENY));
        });
      }
    }
  }
}
