package dev.mirror.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
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

  /**
   * The value of the record at {@code offset} of a source partition: {@code <topic>/<partition>@<offset>;}
   * followed by random bytes up to {@link #recordSize()} (cut at that size), so that a record found on the target
   * tells where it came from ({@link #sourceOffset}).
   */
  byte[] value(TopicPartition tp, long offset, Random random) {
    byte[] v = new byte[recordSize];
    random.nextBytes(v);
    byte[] tag = (tp.topic() + "/" + tp.partition() + "@" + offset + ";").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tag, 0, v, 0, Math.min(tag.length, v.length));
    return v;
  }

  /** The source offset a value of {@link #value} names, or -1 when it names none. */
  static long sourceOffset(byte[] value) {
    if (value == null) {
      return -1;
    }
    int at = -1;
    for (int i = 0; i < value.length; i++) {
      if (value[i] == '@') {
        at = i;
      } else if (value[i] == ';' && at >= 0 && i > at + 1) {
        try {
          return Long.parseLong(new String(value, at + 1, i - at - 1, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
          return -1;
        }
      } else if (value[i] == ';') {
        return -1;
      }
    }
    return -1;
  }

  /** Sorted offsets as ranges: {@code 0–13, 20, 36–49}. */
  static String ranges(List<Long> sortedOffsets) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < sortedOffsets.size()) {
      int j = i;
      while (j + 1 < sortedOffsets.size() && sortedOffsets.get(j + 1) == sortedOffsets.get(j) + 1) {
        j++;
      }
      sb.append(sb.length() == 0 ? "" : ", ").append(sortedOffsets.get(i));
      if (j > i) {
        sb.append('–').append(sortedOffsets.get(j));
      }
      i = j + 1;
    }
    return sb.toString();
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
