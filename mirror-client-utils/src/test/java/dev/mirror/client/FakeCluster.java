package dev.mirror.client;

import dev.mirror.client.internal.ClusterAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ClusterAccess} without a broker: a set of topic names, topic ids, and partition 0 of each checkpoints
 * topic as an in-memory log served by a {@link MockConsumer}. Thread-safe enough for the tests (the log is
 * guarded by this object; the consumer's methods are synchronized).
 */
final class FakeCluster implements ClusterAccess {
  static final String BOOTSTRAP = "fake:9092";

  private final Set<String> topics = new HashSet<>();
  private final Map<String, Uuid> topicIds = new HashMap<>();
  private final Map<String, List<ConsumerRecord<byte[], byte[]>>> logs = new HashMap<>();
  final LogConsumer consumer = new LogConsumer();
  final AtomicBoolean consumerCreated = new AtomicBoolean();
  final AtomicBoolean closed = new AtomicBoolean();
  final AtomicInteger listTopicsCalls = new AtomicInteger();

  /** Adds topics that hold no records (heartbeats, remote topics). */
  synchronized FakeCluster withTopics(String... names) {
    for (String name : names) {
      topics.add(name);
      topicIds.computeIfAbsent(name, n -> Uuid.randomUuid());
    }
    return this;
  }

  /** Appends records to partition 0 of {@code topic}, creating it if needed. */
  synchronized void append(String topic, byte @Nullable [] key, byte @Nullable [] value) {
    withTopics(topic);
    List<ConsumerRecord<byte[], byte[]>> log = logs.computeIfAbsent(topic, t -> new ArrayList<>());
    log.add(new ConsumerRecord<>(topic, 0, log.size(), key, value));
  }

  synchronized void append(String topic, Checkpoint checkpoint) {
    append(topic, checkpoint.recordKey(), checkpoint.recordValue());
  }

  /** Deletes {@code topic}. */
  synchronized void delete(String topic) {
    topics.remove(topic);
    topicIds.remove(topic);
    logs.remove(topic);
  }

  /** Drops the first records of the log, as if the topic had been truncated to {@code size} records. */
  synchronized void truncate(String topic, int size) {
    List<ConsumerRecord<byte[], byte[]>> log = logs.get(topic);
    log.subList(size, log.size()).clear();
  }

  @Override
  public String bootstrapServers() {
    return BOOTSTRAP;
  }

  @Override
  public synchronized Set<String> listTopics() {
    listTopicsCalls.incrementAndGet();
    return Set.copyOf(topics);
  }

  @Override
  public synchronized Optional<Uuid> topicId(String topic, Duration timeout) {
    return Optional.ofNullable(topicIds.get(topic));
  }

  @Override
  public Consumer<byte[], byte[]> consumer() {
    if (closed.get()) {
      throw new IllegalStateException("closed");
    }
    consumerCreated.set(true);
    return consumer;
  }

  @Override
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close(Duration timeout) {
    closed.set(true);
  }

  private synchronized List<ConsumerRecord<byte[], byte[]>> log(String topic) {
    return List.copyOf(logs.getOrDefault(topic, List.of()));
  }

  /** Serves the fake logs; {@link #stallAt} stops it from returning records at and after an offset. */
  final class LogConsumer extends MockConsumer<byte[], byte[]> {
    volatile long stallAt = Long.MAX_VALUE;
    volatile int maxPollRecords = 500;
    final AtomicInteger polls = new AtomicInteger();
    private final AtomicBoolean woken = new AtomicBoolean();

    LogConsumer() {
      super("earliest");
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      polls.incrementAndGet();
      if (woken.getAndSet(false)) {
        throw new WakeupException();
      }
      Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> result = new HashMap<>();
      for (TopicPartition partition : assignment()) {
        List<ConsumerRecord<byte[], byte[]>> log = log(partition.topic());
        long position = position(partition);
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        while (position < log.size() && position < stallAt && batch.size() < maxPollRecords) {
          batch.add(log.get((int) position));
          position++;
        }
        if (!batch.isEmpty()) {
          result.put(partition, batch);
          seek(partition, position);
        }
      }
      return new ConsumerRecords<>(result, Map.of());
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
      if (woken.getAndSet(false)) {
        throw new WakeupException();
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      for (TopicPartition partition : partitions) {
        ends.put(partition, (long) log(partition.topic()).size());
      }
      return ends;
    }

    @Override
    public void wakeup() {
      woken.set(true);
    }
  }
}
