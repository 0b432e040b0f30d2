package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static dev.mirror.CopyModes.assertCopyMode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.client.Checkpoint;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exact offset translation: after a failover, a group resumes on the target at exactly the record after
 * its last commit on the source, with zero re-read and zero loss, across transaction markers, compaction,
 * lagging groups and Mirror restarts.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FailoverIT {
  // A busy log cleaner, so compaction makes offset gaps within the test's time.
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS =
      KafkaClustersExtension.withBrokerConfig(Map.of("log.cleaner.backoff.ms", "100"), "primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  private static Mirror mirror(String name, String topicRegex) {
    return mirror(name, topicRegex, false, false);
  }

  private static Mirror mirror(String name, String topicRegex, boolean exactlyOnce, boolean batches) {
    return Mirror.builder()
        .name(name)
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .operationTimeout(Duration.ofSeconds(10))
        .flow(f -> f.from("primary").to("backup").topics(topicRegex)
            .checkpointInterval(Duration.ofMillis(300)).commitInterval(Duration.ofMillis(200))
            .exactlyOnce(exactlyOnce).copyBatches(batches))
        .build();
  }

  private static void commit(String group, Map<TopicPartition, Long> offsets) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> map = new HashMap<>();
    offsets.forEach((tp, o) -> map.put(tp, new OffsetAndMetadata(o, "meta-" + o)));
    try (Admin admin = Admin.create(primary.clientProperties())) {
      admin.alterConsumerGroupOffsets(group, map).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** The latest checkpoint per remote partition of a group, read from the target. */
  private static Map<TopicPartition, Checkpoint> checkpoints(String group) {
    Map<TopicPartition, Checkpoint> latest = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(backup, "primary.checkpoints.internal", Duration.ofSeconds(20))) {
      Checkpoint c = Checkpoint.fromRecord(r.key(), r.value());
      if (c.group().equals(group)) {
        latest.put(c.topicPartition(), c);
      }
    }
    return latest;
  }

  /**
   * Waits for the group's checkpoints to reflect its committed offsets, then checks that the target
   * records from each translated offset are exactly the source records from the committed offset on.
   */
  private static void assertExactFailover(String topic, String group, Map<TopicPartition, Long> committed) {
    // A checkpoint written before the committed offset was replicated points at the end of what was (a consumer
    // would re-read, never skip); once replication passed it, the next checkpoint is exact.
    Await.until(Duration.ofSeconds(60), () -> {
      Map<TopicPartition, Checkpoint> cps = checkpoints(group);
      assertThat(cps).hasSize(committed.size());
      committed.forEach((tp, offset) -> assertThat(cps.get(new TopicPartition("primary." + topic, tp.partition()))
          .upstreamOffset()).isEqualTo(offset));
      Map<TopicPartition, Long> translated = new HashMap<>();
      cps.forEach((tp, c) -> translated.put(new TopicPartition(topic, tp.partition()), c.downstreamOffset()));
      Map<Integer, List<String>> source = valuesFrom(readAll(primary, topic, Duration.ofSeconds(30)), committed,
          true);
      Map<Integer, List<String>> target = valuesFrom(readAll(backup, "primary." + topic, Duration.ofSeconds(30)),
          translated, false);
      assertThat(target).as("records a consumer resuming on the target receives").isEqualTo(source);
    });
    Map<TopicPartition, Checkpoint> cps = checkpoints(group);
    cps.values().forEach(c -> assertThat(c.metadata()).isEqualTo("meta-" + c.upstreamOffset()));

    // MirrorMaker 2's own client reads the same offsets from Mirror's checkpoints.
    Map<TopicPartition, OffsetAndMetadata> expected = new HashMap<>();
    cps.forEach((tp, c) -> expected.put(tp, c.offsetAndMetadata()));
    try {
      Map<TopicPartition, OffsetAndMetadata> mm2 = org.apache.kafka.connect.mirror.RemoteClusterUtils
          .translateOffsets(new HashMap<>(backup.clientProperties()), "primary", group, Duration.ofSeconds(20));
      assertThat(mm2).isEqualTo(expected);
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  /** Values per partition from the given offsets on (source offsets or translated target offsets). */
  private static Map<Integer, List<String>> valuesFrom(List<ConsumerRecord<byte[], byte[]>> records,
      Map<TopicPartition, Long> from, boolean sourceSide) {
    Map<Integer, List<String>> result = new TreeMap<>();
    for (TopicPartition tp : from.keySet()) {
      result.put(tp.partition(), new ArrayList<>());
    }
    for (ConsumerRecord<byte[], byte[]> r : records) {
      Long start = from.get(new TopicPartition(sourceSide ? r.topic() : r.topic().substring("primary.".length()),
          r.partition()));
      if (start != null && r.offset() >= start) {
        result.get(r.partition()).add(KafkaTestData.utf8(r.value()));
      }
    }
    return result;
  }

  private static List<ProducerRecord<byte[], byte[]>> batch(String topic, int partitions, int from, int count) {
    List<ProducerRecord<byte[], byte[]>> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(new ProducerRecord<>(topic, i % partitions, ("k" + (i % 50)).getBytes(StandardCharsets.UTF_8),
          ("v" + i).getBytes(StandardCharsets.UTF_8)));
    }
    return list;
  }

  @ParameterizedTest(name = "batch copy: {0}")
  @ValueSource(booleans = {false, true})
  void plainTopic_groupAtHeadAndLaggingGroup_translateExactly(boolean batches) throws Exception {
    String topic = uniqueName("plain");
    createTopic(primary, topic, 4);
    produce(primary, topic, batch(topic, 4, 0, 10_000));
    String head = uniqueName("billing");
    String lagging = uniqueName("audit");
    commit(head, Map.of(new TopicPartition(topic, 0), 1_700L, new TopicPartition(topic, 1), 2_111L,
        new TopicPartition(topic, 2), 2_500L, new TopicPartition(topic, 3), 1L));
    commit(lagging, Map.of(new TopicPartition(topic, 0), 3L, new TopicPartition(topic, 1), 17L,
        new TopicPartition(topic, 2), 0L, new TopicPartition(topic, 3), 99L));
    try (Mirror mirror = mirror(uniqueName("fo"), topic, false, batches).start()) {
      assertExactFailover(topic, head, Map.of(new TopicPartition(topic, 0), 1_700L,
          new TopicPartition(topic, 1), 2_111L, new TopicPartition(topic, 2), 2_500L,
          new TopicPartition(topic, 3), 1L));
      assertExactFailover(topic, lagging, Map.of(new TopicPartition(topic, 0), 3L,
          new TopicPartition(topic, 1), 17L, new TopicPartition(topic, 2), 0L, new TopicPartition(topic, 3), 99L));
      assertThat(mirror.status().flow("primary->backup").orElseThrow().groups()).isGreaterThanOrEqualTo(2);
      assertCopyMode(mirror, batches);
    }
  }

  @ParameterizedTest(name = "batch copy: {0}")
  @ValueSource(booleans = {false, true})
  void transactionalTopic_withAbortedTransactions_translatesExactly(boolean batches) throws Exception {
    String topic = uniqueName("txn");
    createTopic(primary, topic, 2);
    Map<String, Object> props = new HashMap<>(primary.clientProperties());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, uniqueName("tx"));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
      p.initTransactions();
      for (int t = 0; t < 40; t++) {
        p.beginTransaction();
        for (int i = 0; i < 25; i++) {
          p.send(new ProducerRecord<>(topic, i % 2, null, ("t" + t + "-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        if (t % 3 == 1) {
          p.abortTransaction();
        } else {
          p.commitTransaction();
        }
      }
    }
    // Commit offsets that fall on records, on a transaction marker, and inside an aborted transaction.
    List<ConsumerRecord<byte[], byte[]>> visible = readAll(primary, topic, Duration.ofSeconds(30));
    long p0 = visible.stream().filter(r -> r.partition() == 0).skip(137).findFirst().orElseThrow().offset();
    long p1marker = visible.stream().filter(r -> r.partition() == 1).skip(12).findFirst().orElseThrow().offset() + 1;
    Map<TopicPartition, Long> committed = Map.of(new TopicPartition(topic, 0), p0,
        new TopicPartition(topic, 1), p1marker);
    String group = uniqueName("tx-group");
    commit(group, committed);
    try (Mirror mirror = mirror(uniqueName("fo"), topic, false, batches).start()) {
      assertExactFailover(topic, group, committed);
      assertCopyMode(mirror, batches);
      String aborted = uniqueName("tx-aborted");
      // Offset 30 of partition 0 lies in the first aborted transaction (records 25..49 of the log).
      Map<TopicPartition, Long> inAborted = Map.of(new TopicPartition(topic, 0), 30L,
          new TopicPartition(topic, 1), 0L);
      commit(aborted, inAborted);
      assertExactFailover(topic, aborted, inAborted);
    }
  }

  @Test
  void exactlyOnce_commitMarkersOnTheTarget_translateExactly_beforeAndAfterRestart() throws Exception {
    String topic = uniqueName("eos");
    String name = uniqueName("fo");
    createTopic(primary, topic, 3);
    String group = uniqueName("eos-group");
    try (Mirror mirror = mirror(name, topic, true, false).start()) {
      // Produced in rounds while the flow runs, so the target holds many transactions, each ended by a marker.
      for (int round = 0; round < 12; round++) {
        produce(primary, topic, batch(topic, 3, round * 300, 300));
        int copied = (round + 1) * 300;
        // Committed before the next round is produced: each round lands in transactions of its own.
        Await.until(Duration.ofSeconds(60), () -> assertThat(readAll(backup, "primary." + topic,
            Duration.ofSeconds(10))).hasSize(copied));
      }
      long offsets = KafkaTestData.endOffsets(backup, "primary." + topic).values().stream()
          .mapToLong(Long::longValue).sum();
      assertThat(offsets).as("transaction markers take target offsets").isGreaterThan(3_600);
      Map<TopicPartition, Long> committed = Map.of(new TopicPartition(topic, 0), 333L,
          new TopicPartition(topic, 1), 1_001L, new TopicPartition(topic, 2), 7L);
      commit(group, committed);
      assertExactFailover(topic, group, committed);
    }
    produce(primary, topic, batch(topic, 3, 3_600, 900));
    try (Mirror mirror = mirror(name, topic, true, false).start()) {
      Map<TopicPartition, Long> later = Map.of(new TopicPartition(topic, 0), 1_250L,
          new TopicPartition(topic, 1), 99L, new TopicPartition(topic, 2), 1_499L);
      commit(group, later);
      assertExactFailover(topic, group, later);
    }
  }

  @ParameterizedTest(name = "batch copy: {0}")
  @ValueSource(booleans = {false, true})
  void compactedTopic_withGaps_translatesExactly(boolean batches) throws Exception {
    String topic = uniqueName("compact");
    createTopic(primary, topic, 1, Map.of("cleanup.policy", "compact", "segment.ms", "100",
        "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "100", "min.compaction.lag.ms", "0"));
    // The broker rolls a segment when a record's timestamp is segment.ms past the segment's first one: rounds a
    // second apart in record time give six segments, the older five closed and cleanable, without waiting.
    long firstRound = System.currentTimeMillis() - 60_000;
    for (int round = 0; round < 6; round++) {
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (int i = round * 500; i < round * 500 + 500; i++) {
        // Every tenth record has a key of its own and survives compaction; the others overwrite 50 keys.
        String key = i % 10 == 0 ? "keep-" + i : "k" + (i % 50);
        records.add(new ProducerRecord<>(topic, 0, firstRound + round * 1_000L, key.getBytes(StandardCharsets.UTF_8),
            ("v" + i).getBytes(StandardCharsets.UTF_8)));
      }
      produce(primary, topic, records);
    }
    Await.until(Duration.ofSeconds(60), () -> assertThat(readAll(primary, topic, Duration.ofSeconds(10)).size())
        .as("compaction removed older values").isLessThan(2_000));
    List<ConsumerRecord<byte[], byte[]>> left = readAll(primary, topic, Duration.ofSeconds(10));
    String group = uniqueName("compact-group");
    // A committed offset that is a removed record's offset: the group resumes at the next surviving record.
    long removed = -1;
    for (int i = 0; i + 1 < left.size() && removed < 0; i++) {
      if (left.get(i + 1).offset() > left.get(i).offset() + 1) {
        removed = left.get(i).offset() + 1;
      }
    }
    assertThat(removed).as("compaction left a gap").isGreaterThanOrEqualTo(0);
    Map<TopicPartition, Long> committed = Map.of(new TopicPartition(topic, 0), removed);
    commit(group, committed);
    try (Mirror mirror = mirror(uniqueName("fo"), topic, false, batches).start()) {
      assertExactFailover(topic, group, committed);
      assertCopyMode(mirror, batches);
    }
  }

  @ParameterizedTest(name = "batch copy: {0}")
  @ValueSource(booleans = {false, true})
  void afterMirrorRestart_oldAndNewCommitsTranslateExactly(boolean batches) throws Exception {
    String topic = uniqueName("restart");
    String name = uniqueName("fo");
    createTopic(primary, topic, 2);
    produce(primary, topic, batch(topic, 2, 0, 4_000));
    String group = uniqueName("g");
    Map<TopicPartition, Long> first = Map.of(new TopicPartition(topic, 0), 500L, new TopicPartition(topic, 1), 7L);
    commit(group, first);
    try (Mirror mirror = mirror(name, topic, false, batches).start()) {
      assertExactFailover(topic, group, first);
      assertCopyMode(mirror, batches);
    }
    produce(primary, topic, batch(topic, 2, 4_000, 2_000));
    try (Mirror mirror = mirror(name, topic, false, batches).start()) {
      Map<TopicPartition, Long> second = Map.of(new TopicPartition(topic, 0), 2_900L,
          new TopicPartition(topic, 1), 1_000L);
      commit(group, second);
      assertExactFailover(topic, group, second);
      assertCopyMode(mirror, batches);
      // A group that appears after the restart, far behind: translated from the restored offset mapping.
      String late = uniqueName("late");
      Map<TopicPartition, Long> old = Map.of(new TopicPartition(topic, 0), 10L, new TopicPartition(topic, 1), 1L);
      commit(late, old);
      assertExactFailover(topic, late, old);
    }
  }
}
