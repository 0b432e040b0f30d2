package dev.mirror.internal.engine;

import dev.mirror.MirrorException;
import dev.mirror.client.internal.OffsetIndex;
import dev.mirror.client.internal.StateCodec;
import dev.mirror.client.internal.StateReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;

/**
 * A flow's state: a compacted topic on the target cluster holding, per source partition, where replication
 * resumes (the position) and the exact offset mapping (segments). A partition's records all go to the same
 * state partition, written by the same idempotent producer in order, so a stored position implies its
 * segments are stored too. Positions are written only after the target acknowledged every record before
 * them, so resuming never loses a record.
 */
final class StateStore {
  private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

  /** What {@link #load} restored. */
  record Restored(Map<TopicPartition, Long> positions, OffsetIndex index) {}

  private final String topic;
  private final Logger log;
  private int partitions = InternalTopics.STATE_PARTITIONS;
  private boolean createdNow;

  StateStore(String topic, Logger log) {
    this.topic = topic;
    this.log = log;
  }

  String topic() {
    return topic;
  }

  /** Whether {@link #ensureTopic} created the topic, so it holds nothing to restore. */
  boolean createdNow() {
    return createdNow;
  }

  /** The state topic, for {@link Topics#issue}. */
  NewTopic newTopic(int replicationFactor) {
    return Topics.compacted(topic, InternalTopics.STATE_PARTITIONS, replicationFactor);
  }

  /** Creates the state topic when missing and learns its partition count. */
  void ensureTopic(Topics topics, Admin targetAdmin, String cluster, int replicationFactor, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    Topics.Ensured ensured = topics.ensure(targetAdmin, cluster, newTopic(replicationFactor));
    if (ensured.created()) {
      log.info("created state topic '{}' with {} partitions", topic, InternalTopics.STATE_PARTITIONS);
      createdNow = true;
      partitions = InternalTopics.STATE_PARTITIONS;
      return;
    }
    // It exists, or could not be created: an existing topic serves without the permission to create it.
    Optional<TopicDescription> existing = describe(targetAdmin, timeout);
    if (existing.isEmpty()) {
      throw new MirrorException(ensured.problem().orElse("state topic '" + topic + "' on cluster '" + cluster
          + "' was deleted while Mirror created it; it is created again on the next attempt"));
    }
    partitions = existing.get().partitions().size();
  }

  private Optional<TopicDescription> describe(Admin admin, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Reads every stored position and segment, to the end of the topic as it is now. */
  Restored load(Consumer<byte[], byte[]> consumer) {
    java.util.Set<Integer> all = new java.util.HashSet<>();
    for (int p = 0; p < partitions; p++) {
      all.add(p);
    }
    OffsetIndex index = new OffsetIndex();
    return new Restored(load(consumer, all, index), index);
  }

  /**
   * Reads the positions and segments stored in {@code shards}, to their end as it is now, into {@code index}
   * (replacing what it knew of those partitions), and returns the positions.
   */
  Map<TopicPartition, Long> load(Consumer<byte[], byte[]> consumer, java.util.Set<Integer> shards,
      OffsetIndex index) {
    List<TopicPartition> tps = new ArrayList<>();
    for (int p : shards) {
      tps.add(new TopicPartition(topic, p));
    }
    Map<TopicPartition, Long> positions = new HashMap<>();
    Map<TopicPartition, Long> targetNext = new HashMap<>();
    Map<TopicPartition, TreeMap<Long, Long>> segments = new HashMap<>();
    int records = StateReader.readToEnd(consumer, tps, LOAD_TIMEOUT, "state topic '" + topic + "'", r -> {
      StateCodec.Key key;
      try {
        key = StateCodec.decodeKey(r.key());
      } catch (IllegalArgumentException e) {
        log.warn("skipping unreadable record at {}-{}@{} of the state topic: {}", r.topic(), r.partition(),
            r.offset(), e.getMessage());
        return;
      }
      if (key.type() == StateCodec.POSITION) {
        if (r.value() == null) {
          positions.remove(key.partition());
          return;
        }
        positions.put(key.partition(), StateCodec.decodeOffsetValue(r.value()));
        targetNext.put(key.partition(), StateCodec.decodeTargetNext(r.value()));
      } else if (key.type() == StateCodec.SEGMENT) {
        TreeMap<Long, Long> m = segments.computeIfAbsent(key.partition(), k -> new TreeMap<>());
        if (r.value() == null) {
          m.remove(key.sourceStart());
        } else {
          m.put(key.sourceStart(), StateCodec.decodeOffsetValue(r.value()));
        }
      }
    });
    int segmentCount = 0;
    for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
      index.truncate(e.getKey(), Long.MIN_VALUE);
      TreeMap<Long, Long> m = segments.getOrDefault(e.getKey(), new TreeMap<>());
      // Segments at or after the position belong to records that will be copied again.
      for (Map.Entry<Long, Long> s : m.headMap(e.getValue(), false).entrySet()) {
        index.addSegment(e.getKey(), s.getKey(), s.getValue());
        segmentCount++;
      }
      index.advance(e.getKey(), e.getValue(), targetNext.getOrDefault(e.getKey(), -1L));
    }
    log.info("restored {} positions and {} offset segments from '{}' ({} records read{})", positions.size(),
        segmentCount, topic, records, shards.size() == partitions ? "" : ", shards " + new java.util.TreeSet<>(shards));
    return positions;
  }

  /** Returns the number of shards: the partitions of the state topic. */
  int shards() {
    return partitions;
  }

  /**
   * Returns the shard of a source partition: the state partition holding its records. Consecutive partitions
   * of a topic fall in consecutive shards, so a topic's partitions spread evenly over copy threads and
   * instances, each of which owns whole shards.
   */
  int shard(TopicPartition source) {
    int topicHash = Utils.toPositive(Utils.murmur2(source.topic().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return (int) ((topicHash + (long) source.partition()) % partitions);
  }

  /** Returns the record storing that replication of {@code source} resumes at {@code nextOffset}. */
  ProducerRecord<byte[], byte[]> position(TopicPartition source, long nextOffset, long targetNext) {
    byte[] key = StateCodec.positionKey(source);
    return new ProducerRecord<>(topic, shard(source), key, StateCodec.positionValue(nextOffset, targetNext));
  }

  /** Returns the record storing how far behind the source replication of {@code source} is. */
  ProducerRecord<byte[], byte[]> progress(TopicPartition source, StateCodec.Progress progress) {
    byte[] key = StateCodec.progressKey(source);
    return new ProducerRecord<>(topic, shard(source), key,
        StateCodec.progressValue(progress));
  }

  /** Returns the record deleting the stored segment of {@code source} that starts at {@code sourceStart}. */
  ProducerRecord<byte[], byte[]> segmentTombstone(TopicPartition source, long sourceStart) {
    return new ProducerRecord<>(topic, shard(source), StateCodec.segmentKey(source, sourceStart), null);
  }

  /** Returns the record storing that source offset {@code sourceStart} was written at {@code targetStart}. */
  ProducerRecord<byte[], byte[]> segment(TopicPartition source, long sourceStart, long targetStart) {
    return new ProducerRecord<>(topic, shard(source), StateCodec.segmentKey(source, sourceStart),
        StateCodec.offsetValue(targetStart));
  }
}
