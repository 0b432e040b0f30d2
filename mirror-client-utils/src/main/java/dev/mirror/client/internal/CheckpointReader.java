package dev.mirror.client.internal;

import dev.mirror.client.MirrorClientException;
import dev.mirror.client.MirrorTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@link CheckpointIndex} per checkpoints topic and brings it up to date: each {@link #read} reads
 * partition 0 from where the previous read stopped to the end offset of the moment, never from the beginning again.
 *
 * <p>The index starts over when the topic is deleted and created again (its topic id changes) or ends before the
 * position read earlier (truncated). It is dropped when the topic no longer exists.
 *
 * <p>Not thread-safe: the owner serialises calls, and the consumer is used only inside them.
 */
public final class CheckpointReader {
  private static final Logger log = LoggerFactory.getLogger(CheckpointReader.class);

  /**
   * The longest single poll. A poll that fetches only records without a value for us (transaction markers,
   * compacted gaps) advances the position but returns nothing, so polls are kept short to notice the end.
   */
  private static final Duration MAX_POLL = Duration.ofMillis(100);

  private final ClusterAccess cluster;
  private final Map<String, CheckpointIndex> indexes = new HashMap<>();

  /**
   * Creates a reader with no index yet.
   *
   * @param cluster the cluster holding the checkpoints topics
   */
  public CheckpointReader(ClusterAccess cluster) {
    this.cluster = cluster;
  }

  /**
   * Brings the index of {@code topic} up to the topic's end offset as of this call.
   *
   * @param topic the checkpoints topic
   * @param deadline when to give up
   * @param cancelled checked between polls; when true the read stops with a {@link WakeupException}
   * @return the up-to-date index; an empty one if the topic does not exist
   * @throws MirrorTimeoutException if the end is not reached by the deadline; what was read is kept for the next
   *     call
   * @throws MirrorClientException if the topic cannot be read
   * @throws WakeupException if cancelled, or woken up by {@link ClusterAccess#wakeup()}
   * @throws InterruptException if the thread is interrupted
   */
  public CheckpointIndex read(String topic, Deadline deadline, BooleanSupplier cancelled) {
    CheckpointIndex index = indexes.get(topic);
    if (deadline.expired()) {
      throw timeout(topic, index == null ? 0 : index.position(), -1, deadline, null);
    }
    Optional<Uuid> topicId;
    try {
      topicId = cluster.topicId(topic, deadline.remaining());
    } catch (MirrorTimeoutException e) {
      // Restate it with the whole timeout and the position, like every other timeout of a read.
      throw timeout(topic, index == null ? 0 : index.position(), -1, deadline, e.getCause() == null ? e : e.getCause());
    }
    if (topicId.isEmpty()) {
      if (index != null) {
        indexes.remove(topic);
        log.info("Checkpoints topic '{}' of cluster '{}' no longer exists; dropped the {} checkpoints read from it",
            topic, cluster.bootstrapServers(), index.size());
      }
      return new CheckpointIndex(topic, Optional.empty());
    }
    if (index == null || !index.topicId().equals(topicId)) {
      if (index != null) {
        log.info("Checkpoints topic '{}' of cluster '{}' was deleted and created again (topic id {} is now {}); "
            + "reading it from the beginning", topic, cluster.bootstrapServers(), index.topicId().orElseThrow(),
            topicId.orElseThrow());
      }
      index = new CheckpointIndex(topic, topicId);
      indexes.put(topic, index);
    }
    TopicPartition partition = new TopicPartition(topic, 0);
    long end = -1;
    long startPosition = index.position();
    long startRecords = index.recordsRead();
    int skipped = 0;
    int removed = 0;
    @Nullable String firstProblem = null;
    try {
      Consumer<byte[], byte[]> consumer = cluster.consumer();
      end = endOffset(consumer, partition, deadline, index);
      if (end < index.position()) {
        log.warn("Checkpoints topic '{}' of cluster '{}' now ends at offset {}, before offset {} read earlier; "
            + "reading it again from the beginning", topic, cluster.bootstrapServers(), end, index.position());
        index = new CheckpointIndex(topic, topicId);
        indexes.put(topic, index);
        startPosition = 0;
        startRecords = 0;
      }
      if (index.position() >= end) {
        return index;
      }
      if (!consumer.assignment().equals(Set.of(partition))) {
        consumer.assign(List.of(partition));
      }
      consumer.seek(partition, index.position());
      while (index.position() < end) {
        if (cancelled.getAsBoolean()) {
          throw new WakeupException();
        }
        long remainingNanos = deadline.remainingNanos();
        if (remainingNanos == 0) {
          throw timeout(topic, index.position(), end, deadline, null);
        }
        ConsumerRecords<byte[], byte[]> records =
            consumer.poll(Duration.ofNanos(Math.min(remainingNanos, MAX_POLL.toNanos())));
        for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
          switch (index.apply(record)) {
            case SKIPPED:
              skipped++;
              if (firstProblem == null) {
                firstProblem = index.lastProblem();
              }
              break;
            case REMOVED:
              removed++;
              break;
            default:
              break;
          }
        }
        index.advanceTo(consumer.position(partition, atLeastOneMilli(deadline)));
      }
      return index;
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw timeout(topic, index.position(), end, deadline, e);
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (AuthorizationException e) {
      throw new MirrorClientException("cannot read checkpoints topic '" + topic + "' of cluster '"
          + cluster.bootstrapServers() + "': " + e.getMessage() + "; grant this client's principal READ and "
          + "DESCRIBE on the topic", e);
    } catch (KafkaException e) {
      throw new MirrorClientException("cannot read checkpoints topic '" + topic + "' of cluster '"
          + cluster.bootstrapServers() + "' at offset " + index.position() + ": " + e.getMessage(), e);
    } finally {
      report(index, startPosition, startRecords, skipped, removed, firstProblem, deadline);
    }
  }

  /**
   * Returns how many records of {@code topic} the current index has read, for tests that check nothing is read
   * twice.
   *
   * @param topic the checkpoints topic
   * @return the count, 0 if there is no index
   */
  public long recordsRead(String topic) {
    CheckpointIndex index = indexes.get(topic);
    return index == null ? 0 : index.recordsRead();
  }

  /** Forgets every index. */
  public void clear() {
    indexes.clear();
  }

  private long endOffset(Consumer<byte[], byte[]> consumer, TopicPartition partition, Deadline deadline,
      CheckpointIndex index) {
    if (deadline.expired()) {
      throw timeout(partition.topic(), index.position(), -1, deadline, null);
    }
    Long end = consumer.endOffsets(List.of(partition), deadline.remaining()).get(partition);
    if (end == null) {
      throw timeout(partition.topic(), index.position(), -1, deadline, null);
    }
    return end;
  }

  private MirrorTimeoutException timeout(String topic, long position, long end, Deadline deadline,
      @Nullable Throwable cause) {
    String because = cause == null ? "" : " (" + cause.getMessage() + ")";
    if (end < 0) {
      return new MirrorTimeoutException("cannot read checkpoints topic '" + topic + "' of cluster '"
          + cluster.bootstrapServers() + "' within " + deadline.timeout() + ": the time was up before the end "
          + "offset was known, at offset " + position + because + "; check that bootstrap.servers is right and the "
          + "brokers are reachable, or use a longer timeout", cause);
    }
    return new MirrorTimeoutException("cannot read checkpoints topic '" + topic + "' of cluster '"
        + cluster.bootstrapServers() + "' within " + deadline.timeout() + ": reached offset " + position
        + " of end offset " + end + because + "; no partial result is returned, the next call continues from "
        + "offset " + position + "; use a longer timeout", cause);
  }

  private void report(CheckpointIndex index, long startPosition, long startRecords, int skipped, int removed,
      @Nullable String firstProblem, Deadline deadline) {
    long read = index.recordsRead() - startRecords;
    if (read > 0 && log.isDebugEnabled()) {
      log.debug("Read {} records of checkpoints topic '{}' of cluster '{}' (offsets {} to {}) in {} ms", read,
          index.topic(), cluster.bootstrapServers(), startPosition, index.position(), deadline.elapsedMillis());
    }
    if (skipped > 0) {
      log.warn("Skipped {} records of checkpoints topic '{}' of cluster '{}' that are not valid checkpoints; the "
          + "first at {}", skipped, index.topic(), cluster.bootstrapServers(), firstProblem);
    }
    if (removed > 0) {
      log.warn("{} tombstones in checkpoints topic '{}' of cluster '{}' removed checkpoints; MirrorMaker 2 never "
          + "writes tombstones, so someone deleted them", removed, index.topic(), cluster.bootstrapServers());
    }
  }

  private static Duration atLeastOneMilli(Deadline deadline) {
    return Duration.ofMillis(Math.max(1, deadline.remainingMillis()));
  }
}
