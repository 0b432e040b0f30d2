package dev.mirror.client;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;

import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaTestData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.mirror.Mm2Records;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Offset translation on a real broker, against MirrorMaker 2's own {@code RemoteClusterUtils} on the same
 * checkpoints topics. One broker for the class, with automatic topic creation switched <em>on</em>, so the tests
 * prove the client does not create a missing checkpoints topic; every test uses its own cluster alias.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MirrorClientOffsetsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static @Nullable EmbeddedKafkaCluster broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaCluster.start("backup", Map.of("auto.create.topics.enable", "true"));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void translateOffsets_checkpointsFromBothWritersAndGarbage_sameAsMirrorMaker2() throws Exception {
    String alias = uniqueName("A");
    String topic = checkpointsTopic(alias);
    String orders = alias + ".orders";
    String payments = alias + ".payments";
    List<ProducerRecord<byte[], byte[]>> records = List.of(
        ours(topic, new Checkpoint("billing", orders, 0, 100, 40, "m1")),
        theirs(topic, "billing", orders, 1, 200, 80, ""),
        theirs(topic, "shipping", orders, 0, 10, 5, "s"),
        ours(topic, new Checkpoint("billing", orders, 0, 150, 60, "m2")),
        new ProducerRecord<>(topic, 0, bytes("not a checkpoint"), new byte[] {0, 0, 1, 2}),
        new ProducerRecord<>(topic, 0, new Checkpoint("billing", orders, 2, 1, 1, "").recordKey(),
            Arrays.copyOf(new Checkpoint("billing", orders, 2, 1, 1, "").recordValue(), 10)),
        new ProducerRecord<>(topic, 0, new byte[] {(byte) 0xff, (byte) 0xff, 0, 0}, new byte[26]),
        ours(topic, new Checkpoint("shipping", orders, 2, 30, 25, "")),
        theirs(topic, "billing-eu", payments, 0, 7, 3, "eu"),
        theirs(topic, "shipping", orders, 0, 12, 7, "s2"),
        ours(topic, new Checkpoint("billing.v2", payments, 0, 9, 9, "grüße")));
    createTopic(broker, topic, 1, Map.of("cleanup.policy", "compact"));
    produce(broker, topic, records);

    Map<String, Object> props = broker.clientProperties();
    try (MirrorClient client = new MirrorClient(props)) {
      for (String group : List.of("billing", "shipping", "billing-eu", "billing.v2", "nobody")) {
        Map<TopicPartition, OffsetAndMetadata> expected =
            org.apache.kafka.connect.mirror.RemoteClusterUtils.translateOffsets(props, alias, group, TIMEOUT);
        assertThat(client.remoteConsumerOffsets(group, alias, TIMEOUT)).as(group).isEqualTo(expected);
        assertThat(RemoteClusterUtils.translateOffsets(props, alias, group, TIMEOUT)).as(group).isEqualTo(expected);
      }
      for (String regex : List.of("billing.*", "billing", "billing\\.v2", ".*", "x")) {
        Pattern pattern = Pattern.compile(regex);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> expected =
            org.apache.kafka.connect.mirror.RemoteClusterUtils.translateOffsets(props, alias, pattern, TIMEOUT);
        assertThat(client.remoteConsumerOffsets(pattern, alias, TIMEOUT)).as(regex).isEqualTo(expected);
        assertThat(RemoteClusterUtils.translateOffsets(props, alias, pattern, TIMEOUT)).as(regex)
            .isEqualTo(expected);
      }
      // And the values themselves, so the comparison cannot pass on two empty maps.
      assertThat(client.remoteConsumerOffsets("billing", alias, TIMEOUT)).containsOnly(
          entry(new TopicPartition(orders, 0), new OffsetAndMetadata(60, "m2")),
          entry(new TopicPartition(orders, 1), new OffsetAndMetadata(80, "")));
      assertThat(client.remoteConsumerOffsets("shipping", alias, TIMEOUT)).containsOnly(
          entry(new TopicPartition(orders, 0), new OffsetAndMetadata(7, "s2")),
          entry(new TopicPartition(orders, 2), new OffsetAndMetadata(25, "")));
      assertThat(client.remoteConsumerOffsets(Pattern.compile("billing.*"), alias, TIMEOUT))
          .containsOnlyKeys("billing", "billing-eu", "billing.v2");
      assertThat(client.checkpointRecordsRead(alias)).isEqualTo(records.size());
    }
  }

  @Test
  void translateOffsets_tombstone_removesCheckpoint_whereMirrorMaker2Throws() {
    String alias = uniqueName("A");
    String topic = checkpointsTopic(alias);
    Checkpoint removed = new Checkpoint("billing", alias + ".orders", 0, 100, 40, "");
    createTopic(broker, topic, 1, Map.of("cleanup.policy", "compact"));
    produce(broker, topic, List.of(
        ours(topic, removed),
        ours(topic, new Checkpoint("billing", alias + ".orders", 1, 100, 41, "")),
        new ProducerRecord<>(topic, 0, removed.recordKey(), null)));

    assertThat(RemoteClusterUtils.translateOffsets(broker.clientProperties(), alias, "billing", TIMEOUT))
        .containsOnly(entry(new TopicPartition(alias + ".orders", 1), new OffsetAndMetadata(41, "")));
    assertThatThrownBy(() -> org.apache.kafka.connect.mirror.RemoteClusterUtils.translateOffsets(
        broker.clientProperties(), alias, "billing", TIMEOUT)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void translateOffsets_negativeDownstreamOffset_skipped_whereMirrorMaker2Throws() {
    String alias = uniqueName("A");
    String topic = checkpointsTopic(alias);
    createTopic(broker, topic, 1, Map.of("cleanup.policy", "compact"));
    produce(broker, topic, List.of(
        ours(topic, new Checkpoint("billing", alias + ".orders", 0, 100, 40, "")),
        ours(topic, new Checkpoint("billing", alias + ".orders", 1, 100, -1, ""))));

    assertThat(RemoteClusterUtils.translateOffsets(broker.clientProperties(), alias, "billing", TIMEOUT))
        .containsOnly(entry(new TopicPartition(alias + ".orders", 0), new OffsetAndMetadata(40, "")));
    assertThatThrownBy(() -> org.apache.kafka.connect.mirror.RemoteClusterUtils.translateOffsets(
        broker.clientProperties(), alias, "billing", TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void remoteConsumerOffsets_secondCall_readsOnlyTheNewCheckpoints() {
    String alias = uniqueName("A");
    String topic = checkpointsTopic(alias);
    String orders = alias + ".orders";
    createTopic(broker, topic, 1, Map.of("cleanup.policy", "compact"));
    List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      first.add(ours(topic, new Checkpoint("g" + (i % 4), orders, i % 3, i, i, "")));
    }
    produce(broker, topic, first);

    try (MirrorClient client = new MirrorClient(broker.clientProperties())) {
      assertThat(client.remoteConsumerOffsets("g1", alias, TIMEOUT))
          .containsEntry(new TopicPartition(orders, 1), new OffsetAndMetadata(13, ""));
      assertThat(client.checkpointRecordsRead(alias)).isEqualTo(20);

      // Many look-ups without new checkpoints read nothing.
      for (int i = 0; i < 4; i++) {
        assertThat(client.remoteConsumerOffsets("g" + i, alias, TIMEOUT)).isNotEmpty();
      }
      assertThat(client.remoteConsumerOffsets(Pattern.compile("g.*"), alias, TIMEOUT)).hasSize(4);
      assertThat(client.checkpointRecordsRead(alias)).isEqualTo(20);

      produce(broker, topic, List.of(
          ours(topic, new Checkpoint("g1", orders, 1, 500, 450, "later")),
          ours(topic, new Checkpoint("g9", orders, 0, 7, 7, ""))));

      assertThat(client.remoteConsumerOffsets("g1", alias, TIMEOUT))
          .containsEntry(new TopicPartition(orders, 1), new OffsetAndMetadata(450, "later"));
      assertThat(client.remoteConsumerOffsets("g9", alias, TIMEOUT))
          .containsOnly(entry(new TopicPartition(orders, 0), new OffsetAndMetadata(7, "")));
      assertThat(client.checkpointRecordsRead(alias)).isEqualTo(22);
      assertThat(client.remoteConsumerOffsets(Pattern.compile(".*"), alias, TIMEOUT))
          .isEqualTo(org.apache.kafka.connect.mirror.RemoteClusterUtils.translateOffsets(
              broker.clientProperties(), alias, Pattern.compile(".*"), TIMEOUT));
    }
  }

  @Test
  void remoteConsumerOffsets_manyThreads_sameAnswers() throws Exception {
    String alias = uniqueName("A");
    String topic = checkpointsTopic(alias);
    createTopic(broker, topic, 1, Map.of("cleanup.policy", "compact"));
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      records.add(ours(topic, new Checkpoint("g" + i, alias + ".t", 0, i, i * 10L, "")));
    }
    produce(broker, topic, records);

    ExecutorService threads = Executors.newFixedThreadPool(4);
    try (MirrorClient client = new MirrorClient(broker.clientProperties())) {
      List<Future<Long>> answers = new ArrayList<>();
      for (int call = 0; call < 40; call++) {
        int group = call % 8;
        answers.add(threads.submit(() -> client.remoteConsumerOffsets("g" + group, alias, TIMEOUT)
            .get(new TopicPartition(alias + ".t", 0)).offset()));
      }
      for (int call = 0; call < 40; call++) {
        assertThat(answers.get(call).get(60, TimeUnit.SECONDS)).isEqualTo((call % 8) * 10L);
      }
      assertThat(client.checkpointRecordsRead(alias)).isEqualTo(8);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void remoteConsumerOffsets_missingCheckpointsTopic_emptyAndNotCreated() {
    String alias = uniqueName("A");
    try (MirrorClient client = new MirrorClient(broker.clientProperties())) {
      assertThat(client.remoteConsumerOffsets("billing", alias, TIMEOUT)).isEmpty();
      assertThat(client.remoteConsumerOffsets(Pattern.compile(".*"), alias, TIMEOUT)).isEmpty();
    }
    assertThat(KafkaTestData.topics(broker)).doesNotContain(checkpointsTopic(alias));
  }

  @Test
  void remoteConsumerOffsets_checkpointsTopicDeletedAndCreatedAgain_forgetsTheOldOne() throws Exception {
    String alias = uniqueName("A");
    String topic = checkpointsTopic(alias);
    createTopic(broker, topic, 1, Map.of("cleanup.policy", "compact"));
    produce(broker, topic, List.of(
        ours(topic, new Checkpoint("old", alias + ".t", 0, 1, 1, "")),
        ours(topic, new Checkpoint("both", alias + ".t", 0, 1, 1, ""))));

    try (MirrorClient client = new MirrorClient(broker.clientProperties());
        Admin admin = Admin.create(broker.clientProperties())) {
      assertThat(client.remoteConsumerOffsets(Pattern.compile(".*"), alias, TIMEOUT)).containsOnlyKeys("old", "both");

      admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      Await.until(TIMEOUT, () -> assertThat(KafkaTestData.topics(broker)).doesNotContain(topic));
      Await.until(TIMEOUT, () -> createTopic(broker, topic, 1, Map.of("cleanup.policy", "compact")));
      List<ProducerRecord<byte[], byte[]>> again = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        again.add(ours(topic, new Checkpoint("both", alias + ".t", 0, 2, 20 + i, "")));
      }
      produce(broker, topic, again);

      assertThat(client.remoteConsumerOffsets(Pattern.compile(".*"), alias, TIMEOUT)).containsOnly(
          entry("both", Map.of(new TopicPartition(alias + ".t", 0), new OffsetAndMetadata(24, ""))));
      assertThat(client.checkpointRecordsRead(alias)).isEqualTo(5);
    }
  }

  @Test
  void remoteConsumerOffsets_zeroTimeout_throwsAtOnce() {
    String alias = uniqueName("A");
    try (MirrorClient client = new MirrorClient(broker.clientProperties())) {
      assertThatThrownBy(() -> client.remoteConsumerOffsets("billing", alias, Duration.ZERO))
          .isInstanceOf(MirrorTimeoutException.class)
          .hasMessage("cannot read checkpoints topic '" + checkpointsTopic(alias) + "' of cluster '"
              + broker.bootstrapServers() + "' within PT0S: the time was up before the end offset was known, at "
              + "offset 0; check that bootstrap.servers is right and the brokers are reachable, or use a longer "
              + "timeout");
    }
  }

  @Test
  void remoteConsumerOffsets_topicTooLongToReadInTime_throwsWithPosition_nextCallContinues() throws Exception {
    String alias = uniqueName("A");
    String topic = checkpointsTopic(alias);
    int count = 8_000;
    createTopic(broker, topic, 1, Map.of("cleanup.policy", "compact"));
    produceOneBatchPerRecord(topic, count, alias + ".t");

    Map<String, Object> props = new HashMap<>(broker.clientProperties());
    // One record per fetch (each record is its own batch, and a fetch returns at least one batch): about a
    // millisecond per record on loopback, so several seconds for the whole topic.
    props.put("consumer.max.partition.fetch.bytes", 1);
    props.put("consumer.fetch.max.bytes", 1);
    try (MirrorClient client = new MirrorClient(props)) {
      // Connect the clients first, so the time limit below goes to reading.
      assertThat(client.remoteConsumerOffsets("g", uniqueName("warmup"), TIMEOUT)).isEmpty();

      // Measured: 0.1 to 0.7 ms per record, so 200 ms reads a fraction of the topic.
      Throwable thrown = catchThrowable(() -> client.remoteConsumerOffsets("g", alias, Duration.ofMillis(200)));

      assertThat(thrown).isInstanceOf(MirrorTimeoutException.class);
      Matcher message = Pattern.compile("cannot read checkpoints topic '" + Pattern.quote(topic) + "' of cluster '"
          + Pattern.quote(broker.bootstrapServers()) + "' within PT0.2S: reached offset (\\d+) of end offset " + count
          + "; no partial result is returned, the next call continues from offset \\1; use a longer timeout")
          .matcher(thrown.getMessage());
      assertThat(message.matches()).as(thrown.getMessage()).isTrue();
      long reached = Long.parseLong(message.group(1));
      assertThat(reached).isLessThan(count);
      assertThat(client.checkpointRecordsRead(alias)).isEqualTo(reached);

      assertThat(client.remoteConsumerOffsets("g", alias, Duration.ofSeconds(60)))
          .containsOnly(entry(new TopicPartition(alias + ".t", 0), new OffsetAndMetadata(count - 1, "")));
      assertThat(client.checkpointRecordsRead(alias)).isEqualTo(count);
    }
  }

  @Test
  void seekToTranslatedOffsets_realConsumer_positionsAreTheTranslatedOffsets() {
    String alias = uniqueName("A");
    String topic = checkpointsTopic(alias);
    String orders = alias + ".orders";
    createTopic(broker, orders, 3);
    List<ProducerRecord<byte[], byte[]>> data = new ArrayList<>();
    for (int partition = 0; partition < 3; partition++) {
      for (int i = 0; i < 100; i++) {
        data.add(new ProducerRecord<>(orders, partition, bytes("k"), bytes(partition + ":" + i)));
      }
    }
    produce(broker, orders, data);
    createTopic(broker, topic, 1, Map.of("cleanup.policy", "compact"));
    produce(broker, topic, List.of(
        ours(topic, new Checkpoint("billing", orders, 0, 140, 40, "")),
        theirs(topic, "billing", orders, 1, 180, 80, "meta"),
        ours(topic, new Checkpoint("other", orders, 2, 10, 10, ""))));
    TopicPartition p0 = new TopicPartition(orders, 0);
    TopicPartition p1 = new TopicPartition(orders, 1);
    TopicPartition p2 = new TopicPartition(orders, 2);

    Map<String, Object> consumerProps = new HashMap<>(broker.clientProperties());
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "billing");
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (MirrorClient client = new MirrorClient(broker.clientProperties());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(p0, p1, p2));
      consumer.seek(p2, 5);

      Map<TopicPartition, OffsetAndMetadata> applied =
          Failover.seekToTranslatedOffsets(consumer, client, alias, "billing", TIMEOUT);

      assertThat(applied).containsExactly(entry(p0, new OffsetAndMetadata(40, "")),
          entry(p1, new OffsetAndMetadata(80, "meta")));
      assertThat(consumer.position(p0, TIMEOUT)).isEqualTo(40);
      assertThat(consumer.position(p1, TIMEOUT)).isEqualTo(80);
      assertThat(consumer.position(p2, TIMEOUT)).isEqualTo(5);
      Await.until(TIMEOUT, () -> {
        var records = consumer.poll(Duration.ofMillis(200));
        assertThat(records.records(p0)).isNotEmpty();
        assertThat(new String(records.records(p0).get(0).value())).isEqualTo("0:40");
      });
    }
  }

  @Test
  void packageInfoExample_runsAgainstARealCluster() {
    String topic = checkpointsTopic("primary");
    createTopic(broker, topic, 1, Map.of("cleanup.policy", "compact"));
    produce(broker, topic, List.of(ours(topic, new Checkpoint("billing", "primary.orders", 0, 10, 7, ""))));

    try (MirrorClient client = new MirrorClient(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets = client.remoteConsumerOffsets("billing", "primary", Duration.ofSeconds(10));
      assertThat(offsets).containsExactly(entry(new TopicPartition("primary.orders", 0), new OffsetAndMetadata(7)));
    }
  }

  private static String checkpointsTopic(String alias) {
    return alias + ".checkpoints.internal";
  }

  private static ProducerRecord<byte[], byte[]> ours(String topic, Checkpoint checkpoint) {
    return new ProducerRecord<>(topic, 0, checkpoint.recordKey(), checkpoint.recordValue());
  }

  /** A checkpoint encoded by MirrorMaker 2's own (package-private) encoder. */
  private static ProducerRecord<byte[], byte[]> theirs(String topic, String group, String remoteTopic, int partition,
      long upstream, long downstream, String metadata) {
    org.apache.kafka.connect.mirror.Checkpoint checkpoint =
        Mm2Records.checkpoint(group, remoteTopic, partition, upstream, downstream, metadata);
    return new ProducerRecord<>(topic, 0, Mm2Records.checkpointKey(checkpoint), Mm2Records.checkpointValue(checkpoint));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes {@code count} checkpoints of group {@code g}, each in its own record batch, offsets 0 to count-1. */
  private static void produceOneBatchPerRecord(String topic, int count, String remoteTopic) throws Exception {
    Map<String, Object> props = new HashMap<>(broker.clientProperties());
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 0);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<?>> acks = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        acks.add(producer.send(ours(topic, new Checkpoint("g", remoteTopic, 0, i, i, ""))));
      }
      producer.flush();
      for (Future<?> ack : acks) {
        ack.get(30, TimeUnit.SECONDS);
      }
    }
  }
}
