package dev.mirror;

import static dev.mirror.CopyModes.assertCopyMode;
import static dev.mirror.SameRecords.assertSameRecords;
import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Batch copy of compressed sources, and its fallback to the record path when the target refuses a batch. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BatchCopyIT {
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  private static Mirror mirror(String topicRegex, boolean syncConfigs) {
    return Mirror.builder()
        .name(uniqueName("batch"))
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .operationTimeout(Duration.ofSeconds(10))
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .flow(f -> f.from("primary").to("backup").topics(topicRegex).replicateHeartbeats(false)
            .emitHeartbeats(false).syncTopicConfigs(syncConfigs))
        .build();
  }

  /** Writes {@code count} records of about {@code size} bytes, in batches of up to 64 KiB, compressed as asked. */
  private static void produce(String topic, int partitions, int count, int size, String compression) {
    produce(topic, partitions, count, size, compression, 64 * 1024);
  }

  private static void produce(String topic, int partitions, int count, int size, String compression,
      int batchSize) {
    Map<String, Object> props = new HashMap<>(primary.clientProperties());
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    String padding = "x".repeat(size);
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
      for (int i = 0; i < count; i++) {
        byte[] key = i % 7 == 0 ? null : ("k" + i).getBytes(StandardCharsets.UTF_8);
        byte[] value = i % 11 == 0 ? null : (i + "-" + padding).getBytes(StandardCharsets.UTF_8);
        p.send(new ProducerRecord<>(topic, i % partitions, 1_700_000_000_000L + i, key, value,
            i % 3 == 0 ? List.of(new RecordHeader("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8)))
                : List.of()));
      }
      p.flush();
    }
  }

  private static void assertIdentical(String topic) {
    assertSameRecords(primary, topic, backup, "primary." + topic);
  }

  private static long total(Map<?, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void compressedSources_arriveIdentical_asWholeBatches() {
    String prefix = uniqueName("codec");
    List<String> codecs = List.of("none", "gzip", "snappy", "lz4", "zstd");
    for (String codec : codecs) {
      createTopic(primary, prefix + "-" + codec, 3);
      produce(prefix + "-" + codec, 3, 6_000, 100, codec);
    }
    try (Mirror mirror = mirror(prefix + "-.*", true).start()) {
      for (String codec : codecs) {
        Await.until(Duration.ofSeconds(60), () -> assertThat(total(dev.mirror.testing.KafkaTestData.endOffsets(
            backup, "primary." + prefix + "-" + codec))).isEqualTo(6_000));
      }
      assertCopyMode(mirror, true);
    }
    for (String codec : codecs) {
      assertIdentical(prefix + "-" + codec);
    }
  }

  @Test
  void batchesLargerThanAFirstFetch_arriveWhole_onEveryPartition() {
    // A partition's first fetch asks for 64 KiB and the next ones for 4× more each: batches of about 500 KiB on
    // every partition are larger than the first two fetches of each, and must still arrive, whole and in order.
    String topic = uniqueName("large-batches");
    createTopic(primary, topic, 4);
    produce(topic, 4, 200, 100 * 1024, "none", 600 * 1024);
    try (Mirror mirror = mirror(topic, true).start()) {
      Await.until(Duration.ofSeconds(60), () -> assertThat(total(dev.mirror.testing.KafkaTestData.endOffsets(
          backup, "primary." + topic))).isEqualTo(200));
      assertCopyMode(mirror, true);
    }
    assertIdentical(topic);
  }

  @Test
  void targetRefusingABatchAsTooLarge_turnsBatchCopyOff_andRecordsStillArrive() {
    String topic = uniqueName("too-large");
    createTopic(primary, topic, 1);
    // The remote topic takes batches of at most 8 KiB; the source's hold about 64 KiB. Config sync is off, so
    // the limit stays: the record path's producer writes smaller batches, batch copy cannot.
    createTopic(backup, "primary." + topic, 1, Map.of("max.message.bytes", "8192"));
    produce(topic, 1, 3_000, 500, "none");
    try (Mirror mirror = mirror(topic, false).start()) {
      Await.until(Duration.ofSeconds(90), () -> {
        assertThat(total(dev.mirror.testing.KafkaTestData.endOffsets(backup, "primary." + topic)))
            .isEqualTo(3_000);
        assertThat(mirror.status().flow("primary->backup").orElseThrow().lastError()).contains("refused a batch")
            .contains("MESSAGE_TOO_LARGE");
      });
      assertCopyMode(mirror, false);
    }
    assertIdentical(topic);
  }
}
