package dev.mirror.security;

import static dev.mirror.testing.KafkaTestData.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.client.Checkpoint;
import dev.mirror.testing.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/** Helpers shared by the security tests: ACL grants, varied records, record and checkpoint comparisons. */
final class Secure {
  static final Duration WAIT = Duration.ofSeconds(30);

  private Secure() {}

  /** Grants {@code operations} on resources named with {@code prefix} to {@code User:<user>}, as a super user. */
  static void allow(KafkaCluster cluster, String user, ResourceType type, String prefix, AclOperation... operations)
      throws Exception {
    List<AclBinding> acls = new ArrayList<>();
    for (AclOperation op : operations) {
      acls.add(new AclBinding(new ResourcePattern(type, prefix, PatternType.PREFIXED),
          new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)));
    }
    try (Admin admin = admin(cluster.clientProperties())) {
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** An admin client with bounded timeouts. */
  static Admin admin(Map<String, Object> clientProperties) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return Admin.create(props);
  }

  /** Records spread over {@code partitions} partitions: null keys, tombstones, headers and set timestamps. */
  static List<ProducerRecord<byte[], byte[]>> records(String topic, int count, int partitions) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
    long baseTs = 1_700_000_000_000L;
    for (int i = 0; i < count; i++) {
      byte[] key = i % 7 == 0 ? null : ("k" + i).getBytes(StandardCharsets.UTF_8);
      byte[] value = i % 11 == 0 ? null : ("v" + i + "-" + topic).getBytes(StandardCharsets.UTF_8);
      List<org.apache.kafka.common.header.Header> headers = i % 3 == 0
          ? List.of(new RecordHeader("h", ("x" + i).getBytes(StandardCharsets.UTF_8)))
          : List.of();
      records.add(new ProducerRecord<>(topic, i % partitions, baseTs + i, key, value, headers));
    }
    return records;
  }

  /** The latest checkpoint of {@code group} per remote partition, read from {@code <source>.checkpoints.internal}. */
  static Map<TopicPartition, Checkpoint> checkpoints(KafkaCluster target, String sourceAlias, String group) {
    Map<TopicPartition, Checkpoint> latest = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(target, sourceAlias + ".checkpoints.internal", WAIT)) {
      Checkpoint c = Checkpoint.fromRecord(r.key(), r.value());
      if (c.group().equals(group)) {
        latest.put(c.topicPartition(), c);
      }
    }
    return latest;
  }

  /** The sum of a topic's end offsets. */
  static long total(Map<TopicPartition, Long> endOffsets) {
    return endOffsets.values().stream().mapToLong(Long::longValue).sum();
  }
}
