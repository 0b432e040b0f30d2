package dev.mirror.bench;

import dev.mirror.client.OffsetSync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Helps explain checkpoints that never came: for the remote partitions a race's checkpoints miss, how many offset
 * syncs the contestant wrote for their source partitions. A checkpoint translates a group's offset through an
 * offset sync, so a source partition without any cannot be checkpointed; one with syncs points at the
 * translation instead.
 */
final class OffsetSyncCoverage {
  private static final Duration READ_LIMIT = Duration.ofSeconds(30);
  private static final int SHOWN = 5;

  private OffsetSyncCoverage() {}

  /**
   * Describes the missing pairs: their count, the remote partitions they are on (the first few with their
   * number of groups and offset syncs), and how many source partitions have an offset sync at all.
   *
   * @param missing missing pairs per remote partition ({@link CheckpointTally#missingByPartition})
   * @param remotePrefix the remote topics' prefix, {@code <sourceAlias>.}
   * @param syncsTopic the offset-syncs topic's name
   * @param clusters bootstrap servers of the clusters the topic may be on (MM2 puts it on the source, Mirror
   *     where {@code offset-syncs.topic.location} says)
   */
  static String describe(Map<TopicPartition, Integer> missing, String remotePrefix, String syncsTopic,
      List<String> clusters) {
    int pairs = missing.values().stream().mapToInt(Integer::intValue).sum();
    Map<TopicPartition, Integer> syncs = null;
    for (String servers : clusters) {
      syncs = read(servers, syncsTopic);
      if (syncs != null) {
        break;
      }
    }
    List<String> shown = new ArrayList<>();
    int withoutSync = 0;
    for (Map.Entry<TopicPartition, Integer> e : missing.entrySet()) {
      TopicPartition remote = e.getKey();
      TopicPartition upstream = new TopicPartition(remote.topic().startsWith(remotePrefix)
          ? remote.topic().substring(remotePrefix.length()) : remote.topic(), remote.partition());
      int count = syncs == null ? -1 : syncs.getOrDefault(upstream, 0);
      if (count == 0) {
        withoutSync++;
      }
      if (shown.size() < SHOWN) {
        shown.add(String.format(Locale.ROOT, "%s (%d groups, %s)", remote, e.getValue(),
            count < 0 ? "offset syncs unknown" : count + " offset syncs"));
      }
    }
    String syncSummary = syncs == null ? "offset-syncs topic " + syncsTopic + " not readable"
        : String.format(Locale.ROOT, "%d of them without any offset sync; offset syncs in %s cover %,d source "
            + "partitions", withoutSync, syncsTopic, syncs.size());
    return String.format(Locale.ROOT, "%,d pairs never checkpointed, on %,d remote partitions (%s%s); %s", pairs,
        missing.size(), String.join(", ", shown), missing.size() > SHOWN ? ", …" : "", syncSummary);
  }

  /** Offset syncs per source partition in the topic on this cluster, or null when it is not there. */
  private static Map<TopicPartition, Integer> read(String servers, String topic) {
    List<TopicPartition> partitions;
    try (Admin admin = BenchProcesses.admin(servers)) {
      partitions = BenchProcesses.partitionsOf(admin, topic);
    }
    if (partitions == null) {
      return null;
    }
    Map<TopicPartition, Integer> counts = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
        ConsumerConfig.CLIENT_ID_CONFIG, "bench-offset-syncs",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + READ_LIMIT.toNanos();
      while (System.nanoTime() < deadline && !reachedEnd(consumer, ends)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            counts.merge(OffsetSync.fromRecord(r).topicPartition(), 1, Integer::sum);
          } catch (RuntimeException e) {
            // not an offset sync: left out
          }
        }
      }
    }
    return counts;
  }

  private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
