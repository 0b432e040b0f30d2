package dev.mirror.client.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads Mirror's state topics (positions, offset runs, progress) of one source cluster on the target cluster,
 * to rebuild the exact offset mapping outside the engine.
 */
public final class StateReader {

  /** What the state topics hold for the source partitions. */
  public record State(OffsetIndex index, Map<TopicPartition, StateCodec.Progress> progress) {}

  private StateReader() {}

  /**
   * Reads every state topic in {@code topics} from the beginning to its end as of now.
   *
   * @throws org.apache.kafka.common.errors.TimeoutException when the end is not reached in time
   */
  public static State read(Consumer<byte[], byte[]> consumer, List<String> topics, Duration timeout) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
    }
    Map<TopicPartition, Long> positions = new HashMap<>();
    Map<TopicPartition, Long> targetNext = new HashMap<>();
    Map<TopicPartition, TreeMap<Long, Long>> segments = new HashMap<>();
    Map<TopicPartition, StateCodec.Progress> progress = new HashMap<>();
    if (!partitions.isEmpty()) {
      readToEnd(consumer, partitions, timeout, "Mirror's state topics " + topics, r -> {
        if (r.value() == null) {
          return;
        }
        try {
          StateCodec.Key key = StateCodec.decodeKey(r.key());
          switch (key.type()) {
            case StateCodec.POSITION:
              positions.put(key.partition(), StateCodec.decodeOffsetValue(r.value()));
              targetNext.put(key.partition(), StateCodec.decodeTargetNext(r.value()));
              break;
            case StateCodec.SEGMENT:
              segments.computeIfAbsent(key.partition(), k -> new TreeMap<>())
                  .put(key.sourceStart(), StateCodec.decodeOffsetValue(r.value()));
              break;
            case StateCodec.PROGRESS:
              progress.put(key.partition(), StateCodec.decodeProgress(r.value()));
              break;
            default:
              break;
          }
        } catch (IllegalArgumentException e) {
          // A record of a later format version or a damaged one: it cannot change what the others say.
        }
      });
    }
    OffsetIndex index = new OffsetIndex();
    positions.forEach((tp, position) -> {
      for (Map.Entry<Long, Long> s : segments.getOrDefault(tp, new TreeMap<>()).headMap(position, false).entrySet()) {
        index.addSegment(tp, s.getKey(), s.getValue());
      }
      index.advance(tp, position, targetNext.getOrDefault(tp, -1L));
    });
    return new State(index, progress);
  }

  /**
   * Reads {@code partitions} from the beginning to their end offsets as of now, hands each record with a key to
   * {@code handler} (tombstones included), unassigns, and returns the number of records read. Empty partitions
   * are not assigned at all.
   *
   * @param what what is read, for the timeout message
   * @throws org.apache.kafka.common.errors.TimeoutException when the end is not reached in time
   */
  public static int readToEnd(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Duration timeout,
      String what, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> handler) {
    Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
    // An empty partition needs no read (and no look-up of its beginning): a new topic is read in one round trip.
    end.values().removeIf(offset -> offset <= 0);
    if (end.isEmpty()) {
      return 0;
    }
    List<TopicPartition> nonEmpty = new ArrayList<>(end.keySet());
    consumer.assign(nonEmpty);
    consumer.seekToBeginning(nonEmpty);
    long deadline = System.nanoTime() + timeout.toNanos();
    int records = 0;
    while (!reachedEnd(consumer, end, timeout)) {
      if (System.nanoTime() > deadline) {
        throw new org.apache.kafka.common.errors.TimeoutException("reading " + what
            + " did not reach its end within " + timeout.toMillis() + " ms");
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        records++;
        if (r.key() != null) {
          handler.accept(r);
        }
      }
    }
    consumer.unsubscribe();
    return records;
  }

  private static boolean reachedEnd(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
      Duration timeout) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey(), timeout) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
