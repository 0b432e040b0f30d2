package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static dev.mirror.testing.KafkaTestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.mirror.RemoteClusterUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed configurations of real MirrorMaker 2 deployments, translated to {@code mm2.properties} (the test resources
 * under {@code mm2-seeds/}, each saying where its settings come from and how they were translated), loaded through
 * the public API ({@link Mm2Properties#load}, {@link Mm2Properties#toBuilder()}) and run against embedded clusters:
 * records are replicated, checkpoints are emitted and read by MirrorMaker 2's own {@link RemoteClusterUtils}, and
 * group offsets are synced to the target. The warnings name exactly the seed keys Mirror does not act on (or not
 * with the value given), each saying so, and no key that Mirror does act on.
 *
 * <p>Each seed has its own source cluster, since two of them replicate every topic; they share the target.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class Mm2SeedConfigsIT {
  private static final String MIRROR_USER = "mirror";
  private static final String MIRROR_PASSWORD = "Canary-seed-" + uniqueName("pw");
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int RECORDS_PER_PARTITION = 20;
  /** Committed offsets of each seed's consumer group on the source, by partition. */
  private static final Map<Integer, Long> COMMITTED = Map.of(0, 10L, 1, 7L);

  private static EmbeddedKafkaCluster connectSource;
  private static EmbeddedKafkaCluster strimziSource;
  private static EmbeddedKafkaCluster aivenSource;
  private static EmbeddedKafkaCluster target;

  @TempDir
  static Path dir;

  @BeforeAll
  static void startClusters() {
    connectSource = EmbeddedKafkaCluster.startSaslScram("connect-source", "SCRAM-SHA-512",
        Map.of("admin", "admin-" + uniqueName("pw"), MIRROR_USER, MIRROR_PASSWORD), false, "admin");
    strimziSource = EmbeddedKafkaCluster.start("strimzi-source");
    aivenSource = EmbeddedKafkaCluster.start("aiven-source");
    target = EmbeddedKafkaCluster.start("target");
  }

  @AfterAll
  static void stopClusters() {
    for (EmbeddedKafkaCluster c : new EmbeddedKafkaCluster[] {connectSource, strimziSource, aivenSource, target}) {
      if (c != null) {
        c.close();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // the seeds

  @Test
  void connectDeployment_replicatesChecksPointsAndSyncsGroupsWithTheJaasLineFromTheFileProvider() throws Exception {
    Path secrets = dir.resolve("connect-secrets.properties");
    Properties p = new Properties();
    p.setProperty("primary.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
        + "username=\"" + MIRROR_USER + "\" password=\"" + MIRROR_PASSWORD + "\";");
    try (OutputStream out = Files.newOutputStream(secrets)) {
      p.store(out, "secrets of the Connect workers");
    }
    Path file = seed("connect-connectors.properties", connectSource, Map.of("@SECRETS_FILE@", secrets.toString()));
    Mm2Properties mm2 = Mm2Properties.load(file);

    assertThat(mm2.problems()).isEmpty();
    assertWarnings(file, mm2.warnings(), Map.of(
        "key.converter", "not needed",
        "value.converter", "not needed",
        "primary->backup.offset.lag.max", "not supported yet"));
    assertThat(mm2.internalTopicReplicationFactor()).isEqualTo(-1);

    String topic = "orders." + uniqueName("connect");
    String group = uniqueName("billing");
    prepare(connectSource, topic, group);
    Mirror mirror = mm2.toBuilder().build();
    FlowSpec flow = mirror.flows().get(0);
    assertThat(flow.id()).isEqualTo("primary->backup");
    assertThat(flow.tasks()).isEqualTo(4);
    assertThat(flow.offsetSyncsLocation()).isEqualTo(OffsetSyncsLocation.TARGET);
    assertThat(flow.syncTopicAcls()).isFalse();
    assertThat(flow.topicRefreshInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(flow.consumerOverrides()).containsEntry("max.poll.records", "1000");
    assertThat(flow.producerOverrides()).containsEntry("compression.type", "lz4").containsEntry("linger.ms", "20");
    assertThat(mirror.clusters().get("primary").properties())
        .containsEntry("sasl.jaas.config", "${file:" + secrets + ":primary.sasl.jaas.config}");
    try (mirror) {
      mirror.start();
      assertReplicatedCheckpointedAndSynced(connectSource, topic, group, "primary");
      assertThat(String.join("\n", mirror.toString(), mirror.status().toString(), mm2.toString(),
          String.join("\n", mm2.warnings()))).doesNotContain(MIRROR_PASSWORD);
    }
  }

  @Test
  void strimziExample_replicatesChecksPointsAndSyncsGroups() throws Exception {
    Path file = seed("strimzi-kafkamirrormaker2.properties", strimziSource, Map.of());
    Mm2Properties mm2 = Mm2Properties.load(file);

    assertThat(mm2.problems()).isEmpty();
    assertWarnings(file, mm2.warnings(), Map.of(
        "config.storage.replication.factor", "not needed",
        "status.storage.replication.factor", "not needed",
        // Mirror creates all its topics with offset.storage.replication.factor, -1 here
        "cluster-a->cluster-b.offset-syncs.topic.replication.factor", "1 is not used",
        "cluster-a->cluster-b.checkpoints.topic.replication.factor", "1 is not used",
        "cluster-a->cluster-b.heartbeats.topic.replication.factor", "1 is not used"));
    assertThat(mm2.internalTopicReplicationFactor()).isEqualTo(-1);

    String topic = uniqueName("strimzi");
    String group = uniqueName("strimzi-group");
    prepare(strimziSource, topic, group);
    try (Mirror mirror = mm2.toBuilder().build()) {
      FlowSpec flow = mirror.flows().get(0);
      assertThat(flow.id()).isEqualTo("cluster-a->cluster-b");
      assertThat(flow.tasks()).isEqualTo(1);
      assertThat(flow.replicationFactor()).isEqualTo(1);
      assertThat(flow.syncGroupOffsets()).isTrue();
      mirror.start();
      assertReplicatedCheckpointedAndSynced(strimziSource, topic, group, "cluster-a");
    }
  }

  @Test
  void aivenReplicationFlow_replicatesChecksPointsAndSyncsGroups() throws Exception {
    Path file = seed("aiven-replication-flow.properties", aivenSource, Map.of());
    Mm2Properties mm2 = Mm2Properties.load(file);

    assertThat(mm2.problems()).isEmpty();
    assertWarnings(file, mm2.warnings(), Map.of(
        "refresh.groups.enabled", "not supported yet"));

    // The flow finds topics and groups when it starts (refresh.*.interval.seconds is 600), so create them first.
    String topic = uniqueName("aiven");
    String group = uniqueName("aiven-group");
    prepare(aivenSource, topic, group);
    try (Mirror mirror = mm2.toBuilder().build()) {
      FlowSpec flow = mirror.flows().get(0);
      assertThat(flow.id()).isEqualTo("kafka-source->kafka-target");
      assertThat(flow.tasks()).isEqualTo(4);
      assertThat(flow.exactlyOnce()).as("exactly_once_delivery_enabled").isTrue();
      assertThat(flow.offsetSyncsLocation()).isEqualTo(OffsetSyncsLocation.SOURCE);
      assertThat(flow.syncGroupOffsetsInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(flow.topicRefreshInterval()).isEqualTo(Duration.ofSeconds(600));
      assertThat(flow.configPropertiesExclude()).contains("min.insync.replicas", "message.timestamp.type");
      mirror.start();
      assertReplicatedCheckpointedAndSynced(aivenSource, topic, group, "kafka-source");
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // helpers

  /**
   * Copies a seed resource to a file, with the bootstrap placeholders (and {@code more}) replaced by real values.
   */
  private static Path seed(String resource, EmbeddedKafkaCluster source, Map<String, String> more)
      throws IOException {
    String text;
    try (InputStream in = Objects.requireNonNull(Mm2SeedConfigsIT.class.getResourceAsStream("/mm2-seeds/" + resource),
        resource)) {
      text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    Map<String, String> values = new LinkedHashMap<>(more);
    values.put("@SOURCE_BOOTSTRAP@", source.bootstrapServers());
    values.put("@TARGET_BOOTSTRAP@", target.bootstrapServers());
    for (Map.Entry<String, String> e : values.entrySet()) {
      assertThat(text).as("placeholder %s in %s", e.getKey(), resource).contains(e.getKey());
      text = text.replace(e.getKey(), e.getValue());
    }
    assertThat(text).as("placeholders left in %s", resource).doesNotContainPattern("@[A-Z_]+@");
    Path file = dir.resolve(resource);
    Files.writeString(file, text, StandardCharsets.ISO_8859_1);
    return file;
  }

  /**
   * Checks that the warnings name exactly the keys of {@code expected}, each once and saying what the map says,
   * and so no other key of the file: the keys Mirror acts on are not warned about.
   */
  private static void assertWarnings(Path file, List<String> warnings, Map<String, String> expected)
      throws IOException {
    Properties keys = new Properties();
    keys.load(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
    assertThat(keys.stringPropertyNames()).containsAll(expected.keySet());
    expected.forEach((key, says) -> assertThat(warnings).as("warnings about %s", key)
        .filteredOn(w -> w.startsWith(key + ":")).singleElement().asString().contains(says));
    List<String> others = new ArrayList<>(warnings);
    others.removeIf(w -> expected.keySet().stream().anyMatch(k -> w.startsWith(k + ":")));
    assertThat(others).as("warnings about keys Mirror acts on").isEmpty();
  }

  /** Creates a two-partition topic with records in both partitions, and commits a group's offsets on it. */
  private static void prepare(EmbeddedKafkaCluster source, String topic, String group) throws Exception {
    createTopic(source, topic, 2);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int partition = 0; partition < 2; partition++) {
      for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
        records.add(new ProducerRecord<>(topic, partition, ("k" + i).getBytes(StandardCharsets.UTF_8),
            ("p" + partition + "-v" + i).getBytes(StandardCharsets.UTF_8)));
      }
    }
    produce(source, topic, records);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    COMMITTED.forEach((partition, offset) -> offsets.put(new TopicPartition(topic, partition),
        new OffsetAndMetadata(offset)));
    try (Admin admin = Admin.create(source.clientProperties())) {
      admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Waits until the topic is on the target record by record, the group's checkpoints translate its committed
   * offsets (read with MirrorMaker 2's client), and the group's offsets are committed on the target.
   */
  private static void assertReplicatedCheckpointedAndSynced(EmbeddedKafkaCluster source, String topic, String group,
      String sourceAlias) {
    String remote = sourceAlias + "." + topic;
    List<ConsumerRecord<byte[], byte[]>> expected = readAll(source, topic, Duration.ofSeconds(30));
    assertThat(expected).hasSize(2 * RECORDS_PER_PARTITION);
    List<ConsumerRecord<byte[], byte[]>> copied = Await.until(WAIT,
        () -> readAll(target, remote, Duration.ofSeconds(10)), r -> r.size() >= expected.size());
    assertThat(copied)
        .extracting(ConsumerRecord::partition, ConsumerRecord::offset, r -> utf8(r.key()), r -> utf8(r.value()))
        .containsExactlyInAnyOrderElementsOf(expected.stream()
            .map(r -> tuple(r.partition(), r.offset(), utf8(r.key()), utf8(r.value()))).collect(Collectors.toList()));

    Map<TopicPartition, Long> translated = new HashMap<>();
    COMMITTED.forEach((partition, offset) -> translated.put(new TopicPartition(remote, partition), offset));
    Await.until(WAIT, () -> assertThat(offsets(RemoteClusterUtils.translateOffsets(
        new HashMap<>(target.clientProperties()), sourceAlias, group, Duration.ofSeconds(10))))
        .as("checkpoints of group %s", group).isEqualTo(translated));
    Await.until(WAIT, () -> {
      try (Admin admin = Admin.create(target.clientProperties())) {
        assertThat(offsets(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS))).as("offsets of group %s on the target", group).isEqualTo(translated);
      }
    });
  }

  private static Map<TopicPartition, Long> offsets(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<TopicPartition, Long> result = new HashMap<>();
    offsets.forEach((tp, o) -> {
      if (o != null) {
        result.put(tp, o.offset());
      }
    });
    return result;
  }
}
