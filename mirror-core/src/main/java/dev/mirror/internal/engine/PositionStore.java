package dev.mirror.internal.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;

/**
 * Where a flow resumes: a compacted topic on the target cluster keyed by source topic-partition, holding
 * the next source offset to copy. A position is written only after the target acknowledged every record
 * before it, so resuming from it never loses a record.
 */
final class PositionStore {
  private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

  private final String topic;
  private final Logger log;
  private int partitions = InternalTopics.POSITIONS_PARTITIONS;

  PositionStore(String topic, Logger log) {
    this.topic = topic;
    this.log = log;
  }

  String topic() {
    return topic;
  }

  /** Creates the positions topic when missing and learns its partition count. */
  void ensureTopic(Admin targetAdmin, int replicationFactor, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    Optional<TopicDescription> existing = describe(targetAdmin, timeout);
    if (existing.isEmpty()) {
      NewTopic nt = new NewTopic(topic, Optional.of(InternalTopics.POSITIONS_PARTITIONS),
          replicationFactor < 0 ? Optional.empty() : Optional.of((short) replicationFactor))
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        targetAdmin.createTopics(List.of(nt)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        log.info("created positions topic '{}' with {} partitions", topic, InternalTopics.POSITIONS_PARTITIONS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      existing = describe(targetAdmin, timeout);
    }
    partitions = existing.map(d -> d.partitions().size()).orElse(InternalTopics.POSITIONS_PARTITIONS);
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

  /** Reads every stored position, to the end of the topic as it is now. */
  Map<TopicPartition, Long> load(Consumer<byte[], byte[]> consumer) {
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      tps.add(new TopicPartition(topic, p));
    }
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    Map<TopicPartition, Long> end = consumer.endOffsets(tps, LOAD_TIMEOUT);
    Map<TopicPartition, Long> positions = new HashMap<>();
    long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
    int records = 0;
    while (!reachedEnd(consumer, end)) {
      if (System.nanoTime() > deadline) {
        throw new org.apache.kafka.common.errors.TimeoutException("reading positions topic '" + topic
            + "' did not reach its end within " + LOAD_TIMEOUT);
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        records++;
        if (r.key() == null) {
          continue;
        }
        TopicPartition tp;
        try {
          tp = PositionCodec.decodeKey(r.key());
        } catch (IllegalArgumentException e) {
          log.warn("skipping unreadable record at {}-{}@{} of positions topic: {}", r.topic(), r.partition(),
              r.offset(), e.getMessage());
          continue;
        }
        if (r.value() == null) {
          positions.remove(tp);
        } else {
          try {
            positions.put(tp, PositionCodec.decodeValue(r.value()));
          } catch (IllegalArgumentException e) {
            log.warn("skipping unreadable position of {} at offset {}: {}", tp, r.offset(), e.getMessage());
          }
        }
      }
    }
    consumer.unsubscribe();
    log.info("restored {} positions from '{}' ({} records read)", positions.size(), topic, records);
    return positions;
  }

  private static boolean reachedEnd(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey(), LOAD_TIMEOUT) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Returns the record that stores {@code nextOffset} as the position of {@code source}. */
  ProducerRecord<byte[], byte[]> record(TopicPartition source, long nextOffset) {
    byte[] key = PositionCodec.key(source);
    int partition = Utils.toPositive(Utils.murmur2(key)) % partitions;
    return new ProducerRecord<>(topic, partition, key, PositionCodec.value(nextOffset));
  }
}
