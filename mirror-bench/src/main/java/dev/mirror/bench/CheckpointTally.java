package dev.mirror.bench;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Counts the distinct expected (group, remote topic-partition) pairs seen in a checkpoints topic, and when the
 * last of them arrived. Checkpoints repeat (every emit interval, or when the offset moves): only the first one of
 * a pair counts. Pairs nobody expects (another group, a topic that is not the race's) are counted apart. Safe for
 * one writing thread and any reading threads.
 */
final class CheckpointTally {

  /** One (group, topic, partition) pair. */
  record Pair(String group, String topic, int partition) {}

  private final Set<Pair> expected;
  private final Set<Pair> seen = new HashSet<>();
  private final Set<Pair> unexpected = new HashSet<>();
  private volatile int seenCount;
  private volatile int unexpectedCount;
  private volatile long records;
  private volatile long unreadable;
  private volatile long firstNanos = -1;
  private volatile long completeNanos = -1;

  /** Expects the pairs as given. */
  CheckpointTally(Set<Pair> expected) {
    this.expected = Set.copyOf(expected);
  }

  /**
   * Expects, for every group of the workload, a checkpoint of each partition it committed on, named as its remote
   * topic {@code <sourceAlias>.<topic>} (MM2's default replication policy).
   */
  static CheckpointTally forWorkload(ScaleWorkload w, String sourceAlias) {
    Set<Pair> pairs = new HashSet<>();
    for (int g = 0; g < w.groups(); g++) {
      String group = w.group(g);
      for (Map.Entry<TopicPartition, Long> e : w.commits(g).entrySet()) {
        pairs.add(new Pair(group, sourceAlias + "." + e.getKey().topic(), e.getKey().partition()));
      }
    }
    return new CheckpointTally(pairs);
  }

  /**
   * Counts one checkpoint read at {@code nanoTime}.
   *
   * @return true when it is the first of an expected pair
   */
  synchronized boolean record(String group, TopicPartition remote, long nanoTime) {
    records++;
    Pair p = new Pair(group, remote.topic(), remote.partition());
    if (!expected.contains(p)) {
      if (unexpected.add(p)) {
        unexpectedCount = unexpected.size();
      }
      return false;
    }
    if (!seen.add(p)) {
      return false;
    }
    if (firstNanos < 0) {
      firstNanos = nanoTime;
    }
    seenCount = seen.size();
    if (seenCount == expected.size()) {
      completeNanos = nanoTime;
    }
    return true;
  }

  /** Counts a record that could not be read as a checkpoint. */
  synchronized void unreadable() {
    records++;
    unreadable++;
  }

  /** The expected pairs not seen yet, counted per remote partition. */
  synchronized Map<TopicPartition, Integer> missingByPartition() {
    Map<TopicPartition, Integer> missing = new TreeMap<>((a, b) -> a.topic().equals(b.topic())
        ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
    for (Pair p : expected) {
      if (!seen.contains(p)) {
        missing.merge(new TopicPartition(p.topic(), p.partition()), 1, Integer::sum);
      }
    }
    return missing;
  }

  /** Expected pairs seen so far. */
  int seen() {
    return seenCount;
  }

  int expected() {
    return expected.size();
  }

  /** Distinct pairs seen that were not expected. */
  int unexpected() {
    return unexpectedCount;
  }

  /** Checkpoint records read, repeats included. */
  long records() {
    return records;
  }

  long unreadableRecords() {
    return unreadable;
  }

  /** True when every expected pair was seen (always, when none is expected). */
  boolean complete() {
    return seenCount == expected.size();
  }

  /** {@link System#nanoTime()} of the first expected pair, -1 before it. */
  long firstNanos() {
    return firstNanos;
  }

  /** {@link System#nanoTime()} of the last expected pair, -1 while some are missing. */
  long completeNanos() {
    return completeNanos;
  }
}
