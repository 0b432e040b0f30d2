package dev.mirror.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The source cluster's contents in {@link ScaleBench}: {@code topics} topics of {@code partitionsPerTopic}
 * partitions, each partition holding {@code recordsPerPartition} records of {@code recordSize} bytes, and
 * {@code groups} consumer groups, each with committed offsets on {@code pairsPerGroup} partitions.
 *
 * <p>The source partitions are numbered 0 .. {@link #partitions()} − 1 in topic order. Group {@code g} commits
 * on the {@code pairsPerGroup} partitions that follow number {@code g × pairsPerGroup} (wrapping around), so
 * with 30 pairs per group and 10 partitions per topic each group covers 3 whole topics, and the groups spread
 * evenly over the partitions. Every committed offset lies inside the data (1 .. records − 1), so both
 * contestants can translate it.
 *
 * @param topics how many topics
 * @param partitionsPerTopic partitions of each topic
 * @param recordsPerPartition records in each partition, at least 2
 * @param recordSize value size in bytes
 * @param groups how many consumer groups
 * @param pairsPerGroup committed partitions per group, at most {@link #partitions()}
 */
record ScaleWorkload(int topics, int partitionsPerTopic, int recordsPerPartition, int recordSize, int groups,
    int pairsPerGroup) {

  /** Prefix of every topic: the contestants replicate {@code scale-t-.*}. */
  static final String TOPIC_PREFIX = "scale-t-";
  /** Prefix of every group. */
  static final String GROUP_PREFIX = "scale-g-";

  ScaleWorkload {
    if (topics < 1 || partitionsPerTopic < 1 || groups < 0 || pairsPerGroup < 0) {
      throw new IllegalArgumentException("topics and partitions per topic must be at least 1, groups and pairs "
          + "per group at least 0");
    }
    if (recordsPerPartition < 2 || recordSize < 1) {
      throw new IllegalArgumentException("records per partition must be at least 2 (committed offsets lie inside "
          + "the data) and record size at least 1");
    }
    if ((long) topics * partitionsPerTopic > 1_000_000) {
      throw new IllegalArgumentException("at most 1,000,000 partitions");
    }
    if (pairsPerGroup > (long) topics * partitionsPerTopic) {
      throw new IllegalArgumentException("pairs per group (" + pairsPerGroup + ") exceed the partitions ("
          + (long) topics * partitionsPerTopic + ")");
    }
  }

  /** All source partitions. */
  int partitions() {
    return topics * partitionsPerTopic;
  }

  /** Committed (group, partition) pairs in all. */
  int pairs() {
    return groups * pairsPerGroup;
  }

  /** Records on the source in all. */
  long records() {
    return (long) partitions() * recordsPerPartition;
  }

  /** The name of topic {@code t}, zero-padded so names sort in order. */
  String topic(int t) {
    return TOPIC_PREFIX + pad(t, topics);
  }

  /** The name of group {@code g}. */
  String group(int g) {
    return GROUP_PREFIX + pad(g, groups);
  }

  /** Every topic's name, in order. */
  List<String> topicNames() {
    List<String> names = new ArrayList<>(topics);
    for (int t = 0; t < topics; t++) {
      names.add(topic(t));
    }
    return names;
  }

  /** Source partition number {@code n} (0 .. {@link #partitions()} − 1). */
  TopicPartition partition(int n) {
    return new TopicPartition(topic(n / partitionsPerTopic), n % partitionsPerTopic);
  }

  /**
   * The offsets group {@code g} commits: {@code pairsPerGroup} distinct partitions, each with an offset in
   * 1 .. {@code recordsPerPartition} − 1.
   */
  Map<TopicPartition, Long> commits(int g) {
    Map<TopicPartition, Long> m = new LinkedHashMap<>();
    int first = (int) ((long) g * pairsPerGroup % partitions());
    for (int k = 0; k < pairsPerGroup; k++) {
      TopicPartition tp = partition((first + k) % partitions());
      long offset = 1 + Math.floorMod(g * 31L + k * 17L, recordsPerPartition - 1);
      m.put(tp, offset);
    }
    return m;
  }

  /** For tables: topics, partitions, records, groups and pairs. */
  String label() {
    return String.format(Locale.ROOT, "%,d topics × %,d partitions = %,d partitions (%,d records of %,d B per "
        + "partition); %,d groups × %,d partitions = %,d committed (group, partition) pairs", topics,
        partitionsPerTopic, partitions(), recordsPerPartition, recordSize, groups, pairsPerGroup, pairs());
  }

  private static String pad(int i, int count) {
    int width = Integer.toString(Math.max(0, count - 1)).length();
    return String.format(Locale.ROOT, "%0" + width + "d", i);
  }
}
