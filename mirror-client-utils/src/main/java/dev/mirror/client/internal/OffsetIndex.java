package dev.mirror.client.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The exact source-to-target offset mapping of a flow's partitions, as runs ("segments") in which offsets
 * advance one to one. A segment starts wherever the source skips offsets (compaction, transaction markers,
 * aborted records) and wherever a new producer session starts writing, so its size grows with gaps, not
 * with records. Shared by the engine (which builds it from what the target acknowledged) and by failover reports
 * (which rebuild it from the state topic). Thread-safe: a flow's copy threads update it while its control
 * thread translates group offsets with it.
 */
public final class OffsetIndex {

  private static final class PartitionMap {
    final TreeMap<Long, Long> segments = new TreeMap<>();
    /** Every source record before this offset is on the target (or was a gap). */
    long replicatedUpTo = -1;
    /** The target offset after the last copied record, or -1 when unknown. */
    long targetNext = -1;
  }

  private final Map<TopicPartition, PartitionMap> maps = new HashMap<>();

  /**
   * Records that the source record at {@code sourceStart} was written at {@code targetStart}. A segment
   * replaces any segment at or after its start: records copied again after a restart win.
   */
  public synchronized void addSegment(TopicPartition tp, long sourceStart, long targetStart) {
    PartitionMap m = maps.computeIfAbsent(tp, k -> new PartitionMap());
    m.segments.tailMap(sourceStart, true).clear();
    m.segments.put(sourceStart, targetStart);
  }

  /** Records how far replication of a partition got. */
  public synchronized void advance(TopicPartition tp, long replicatedUpTo, long targetNext) {
    PartitionMap m = maps.computeIfAbsent(tp, k -> new PartitionMap());
    if (replicatedUpTo > m.replicatedUpTo) {
      m.replicatedUpTo = replicatedUpTo;
    }
    if (targetNext > m.targetNext) {
      m.targetNext = targetNext;
    }
  }

  /**
   * Forgets segments at or after {@code from}; they will be derived again when those records are copied.
   * {@code Long.MIN_VALUE} forgets the partition entirely.
   */
  public synchronized void truncate(TopicPartition tp, long from) {
    if (from == Long.MIN_VALUE) {
      maps.remove(tp); // a re-created partition: nothing known about the old one applies
      return;
    }
    PartitionMap m = maps.get(tp);
    if (m != null) {
      m.segments.tailMap(from, true).clear();
    }
  }

  /**
   * Keeps at most {@code max} (at least 2) segments of a partition: the first one and the newest, dropping the
   * oldest others. Offsets in a dropped segment then translate with the segment before it, whose target offsets
   * are lower (segments start where the target skipped offsets), so a consumer may re-read, never skip.
   * Returns the source starts of the dropped segments.
   */
  public synchronized java.util.List<Long> trim(TopicPartition tp, int max) {
    PartitionMap m = maps.get(tp);
    if (m == null || m.segments.size() <= Math.max(2, max)) {
      return java.util.List.of();
    }
    int drop = m.segments.size() - Math.max(2, max);
    java.util.List<Long> dropped = new java.util.ArrayList<>(drop);
    java.util.Iterator<Long> it = m.segments.keySet().iterator();
    it.next(); // the first segment stays: offsets before the second translate with it
    for (int i = 0; i < drop; i++) {
      dropped.add(it.next());
      it.remove();
    }
    return dropped;
  }

  /** Returns how far replication of a partition got, or -1. */
  public synchronized long replicatedUpTo(TopicPartition tp) {
    PartitionMap m = maps.get(tp);
    return m == null ? -1 : m.replicatedUpTo;
  }

  /** Returns the target offset after the last copied record of a partition, or -1 when unknown. */
  public synchronized long targetNext(TopicPartition tp) {
    PartitionMap m = maps.get(tp);
    return m == null ? -1 : m.targetNext;
  }

  /** Returns the number of segments of a partition. */
  public synchronized int segments(TopicPartition tp) {
    PartitionMap m = maps.get(tp);
    return m == null ? 0 : m.segments.size();
  }

  /**
   * Translates a source offset, typically a group's committed offset: returns the target offset of the first
   * copied record at or after {@code sourceOffset}, or, when every copied record is before it, the target
   * offset the next copied record will get. Empty when nothing of the partition was copied yet.
   */
  public synchronized OptionalLong translate(TopicPartition tp, long sourceOffset) {
    PartitionMap m = maps.get(tp);
    if (m == null || m.segments.isEmpty() || m.targetNext < 0) {
      return OptionalLong.empty();
    }
    if (sourceOffset >= m.replicatedUpTo) {
      return OptionalLong.of(m.targetNext);
    }
    Map.Entry<Long, Long> segment = m.segments.floorEntry(sourceOffset);
    if (segment == null) {
      return OptionalLong.of(m.segments.firstEntry().getValue());
    }
    Map.Entry<Long, Long> next = m.segments.higherEntry(segment.getKey());
    long segmentEnd = next != null ? next.getValue() : m.targetNext;
    long target = segment.getValue() + (sourceOffset - segment.getKey());
    return OptionalLong.of(Math.min(target, segmentEnd));
  }
}
