package dev.mirror.internal.engine;

import dev.mirror.MirrorException;
import dev.mirror.StartPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The data path of one flow: reads source partitions (manual assignment, read_committed) and writes each
 * record to the same partition of the remote topic with the same key, value, headers and timestamp.
 *
 * <p>A partition's position advances only in producer callbacks, which Kafka runs in send order per
 * partition: when the callback of a batch's last record succeeds and no earlier record of the partition failed,
 * every record before it is acknowledged by all in-sync replicas. Positions are then stored on an interval.
 * One callback object is made per partition per poll, not per record.
 */
final class ReplicationWorker {

  /** State of one source partition. Also the callback of records that are not the last of their batch. */
  static final class PartitionState implements Callback {
    final TopicPartition source;
    final String remoteTopic;
    /** Next source offset after the last record the target acknowledged. */
    volatile long ackedNext;
    /** Position last stored (acknowledged by the target). */
    volatile long storedNext;
    /** Position last sent to the positions topic, maybe not yet acknowledged. */
    long sentNext;
    volatile @Nullable Exception failure;

    PartitionState(TopicPartition source, String remoteTopic, long position) {
      this.source = source;
      this.remoteTopic = remoteTopic;
      this.ackedNext = position;
      this.storedNext = position;
      this.sentNext = position;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, @Nullable Exception exception) {
      if (exception != null && failure == null) {
        failure = exception;
      }
    }
  }

  /** Callback of the last record of a partition's batch: advances the partition's position. */
  private static final class BatchAck implements Callback {
    private final PartitionState state;
    private final long next;
    private final int count;
    private final FlowStats stats;

    BatchAck(PartitionState state, long next, int count, FlowStats stats) {
      this.state = state;
      this.next = next;
      this.count = count;
      this.stats = stats;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, @Nullable Exception exception) {
      if (exception != null) {
        if (state.failure == null) {
          state.failure = exception;
        }
      } else if (state.failure == null) {
        state.ackedNext = next;
        stats.recordsReplicated.add(count);
      }
    }
  }

  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final PositionStore positions;
  private final StartPosition startPosition;
  private final Duration timeout;
  private final FlowStats stats;
  private final Logger log;
  private final java.time.Clock clock;
  private final Map<TopicPartition, PartitionState> states = new HashMap<>();
  private final List<PartitionState> retired = new ArrayList<>();
  private final Map<TopicPartition, Long> stored;
  private volatile @Nullable Exception positionFailure;

  ReplicationWorker(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, PositionStore positions,
      Map<TopicPartition, Long> storedPositions, StartPosition startPosition, Duration timeout, FlowStats stats,
      java.time.Clock clock, Logger log) {
    this.clock = clock;
    this.consumer = consumer;
    this.producer = producer;
    this.positions = positions;
    this.stored = new HashMap<>(storedPositions);
    this.startPosition = startPosition;
    this.timeout = timeout;
    this.stats = stats;
    this.log = log;
  }

  /** Replicates exactly the partitions of {@code mappings}, starting new ones at their stored or start position. */
  void assign(Map<String, TopicSync.Mapping> mappings) {
    Map<TopicPartition, String> wanted = new HashMap<>();
    for (TopicSync.Mapping m : mappings.values()) {
      for (int p = 0; p < m.partitions(); p++) {
        wanted.put(new TopicPartition(m.sourceTopic(), p), m.remoteTopic());
      }
    }
    Set<TopicPartition> removed = new HashSet<>(states.keySet());
    removed.removeAll(wanted.keySet());
    List<TopicPartition> added = new ArrayList<>();
    for (TopicPartition tp : wanted.keySet()) {
      if (!states.containsKey(tp)) {
        added.add(tp);
      }
    }
    if (removed.isEmpty() && added.isEmpty()) {
      return;
    }
    for (TopicPartition tp : removed) {
      retired.add(states.remove(tp));
    }
    Map<TopicPartition, Long> start = startPositions(added);
    for (TopicPartition tp : added) {
      states.put(tp, new PartitionState(tp, wanted.get(tp), start.get(tp)));
    }
    consumer.assign(wanted.keySet());
    for (TopicPartition tp : added) {
      consumer.seek(tp, start.get(tp));
    }
    stats.topics = mappings.size();
    stats.partitions = states.size();
    if (!removed.isEmpty()) {
      log.info("stopped replicating {} partitions: {}", removed.size(), removed);
    }
  }

  /**
   * Returns where new partitions start: the stored position, else the configured start. Start positions of
   * partitions seen for the first time are stored before any record is copied, so a restart cannot move
   * them (with LATEST, records produced in between would otherwise be skipped).
   */
  private Map<TopicPartition, Long> startPositions(List<TopicPartition> added) {
    Map<TopicPartition, Long> result = new HashMap<>();
    List<TopicPartition> fresh = new ArrayList<>();
    for (TopicPartition tp : added) {
      Long pos = stored.get(tp);
      if (pos != null) {
        result.put(tp, pos);
      } else {
        fresh.add(tp);
      }
    }
    if (fresh.isEmpty()) {
      return result;
    }
    Map<TopicPartition, Long> offsets = startPosition == StartPosition.LATEST
        ? consumer.endOffsets(fresh, timeout) : consumer.beginningOffsets(fresh, timeout);
    List<java.util.concurrent.Future<RecordMetadata>> sends = new ArrayList<>();
    for (TopicPartition tp : fresh) {
      long offset = offsets.get(tp);
      result.put(tp, offset);
      sends.add(producer.send(positions.record(tp, offset)));
    }
    producer.flush();
    for (java.util.concurrent.Future<RecordMetadata> f : sends) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new org.apache.kafka.common.errors.InterruptException(e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new MirrorException("cannot store start positions in '" + positions.topic() + "': "
            + Errors.describe(e.getCause(), "WRITE", "TOPIC", positions.topic()), e.getCause());
      }
    }
    for (TopicPartition tp : fresh) {
      stored.put(tp, result.get(tp));
    }
    log.info("{} new partitions start at the {} offset: {}", fresh.size(),
        startPosition == StartPosition.LATEST ? "latest" : "earliest", fresh.size() <= 20 ? result : "");
    return result;
  }

  /** Polls the source once and sends what it returned; returns the number of records sent. */
  int pollOnce(Duration pollTimeout) {
    if (states.isEmpty()) {
      return 0;
    }
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(pollTimeout);
    } catch (OffsetOutOfRangeException e) {
      handleOutOfRange(e.offsetOutOfRangePartitions());
      return 0;
    }
    stats.lastPollMillis = clock.millis();
    int sent = 0;
    for (TopicPartition tp : records.partitions()) {
      PartitionState s = states.get(tp);
      if (s == null) {
        continue;
      }
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      int last = list.size() - 1;
      for (int i = 0; i <= last; i++) {
        ConsumerRecord<byte[], byte[]> r = list.get(i);
        Long timestamp = r.timestamp() >= 0 ? r.timestamp() : null;
        ProducerRecord<byte[], byte[]> out =
            new ProducerRecord<>(s.remoteTopic, tp.partition(), timestamp, r.key(), r.value(), r.headers());
        producer.send(out, i == last ? new BatchAck(s, r.offset() + 1, list.size(), stats) : s);
      }
      sent += list.size();
    }
    return sent;
  }

  private void handleOutOfRange(Map<TopicPartition, Long> outOfRange) {
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(outOfRange.keySet(), timeout);
    Map<TopicPartition, Long> end = consumer.endOffsets(outOfRange.keySet(), timeout);
    for (Map.Entry<TopicPartition, Long> e : outOfRange.entrySet()) {
      TopicPartition tp = e.getKey();
      long position = e.getValue();
      long first = begin.get(tp);
      if (position < first) {
        log.warn("source partition {} now starts at offset {} but replication had reached {}: {} records were"
            + " deleted on the source before they were replicated (retention or delete-records); continuing"
            + " from {}", tp, first, position, first - position, first);
      } else {
        log.warn("source partition {} ends at offset {} but replication had reached {}: the source log was"
            + " truncated or the topic re-created; continuing from its first offset {}", tp, end.get(tp),
            position, first);
      }
      consumer.seek(tp, first);
    }
  }

  /** Stores the position of every partition that advanced since the last store. Does not block. */
  void commitPositions() {
    List<PartitionState> all = new ArrayList<>(states.values());
    all.addAll(retired);
    for (PartitionState s : all) {
      long acked = s.ackedNext;
      if (acked > s.sentNext) {
        s.sentNext = acked;
        producer.send(positions.record(s.source, acked), (md, ex) -> {
          if (ex != null) {
            positionFailure = ex;
          } else if (acked > s.storedNext) {
            s.storedNext = acked;
          }
        });
      }
    }
    retired.removeIf(s -> s.storedNext >= s.ackedNext);
  }

  /** Throws when a send of data or positions failed; the flow then restarts from the stored positions. */
  void checkFailures() {
    Exception pf = positionFailure;
    if (pf != null) {
      throw new MirrorException("cannot store positions in '" + positions.topic() + "': "
          + Errors.describe(pf, "WRITE", "TOPIC", positions.topic()), pf);
    }
    for (PartitionState s : states.values()) {
      Exception f = s.failure;
      if (f != null) {
        throw new MirrorException("cannot write to remote topic '" + s.remoteTopic + "' partition "
            + s.source.partition() + " (source " + s.source + "): " + Errors.describe(f, "WRITE", "TOPIC",
            s.remoteTopic), f);
      }
    }
  }

  /** Waits until the target acknowledged everything sent, then stores positions and waits for those too. */
  void drain() {
    producer.flush();
    commitPositions();
    producer.flush();
  }

  /** Returns positions acknowledged so far, for logs. */
  long pendingPositions() {
    long pending = 0;
    for (PartitionState s : states.values()) {
      pending += Math.max(0, s.ackedNext - s.storedNext);
    }
    return pending;
  }
}
