package dev.mirror.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.mirror.Checkpoint;

/**
 * Reads a checkpoints topic ({@code <source>.checkpoints.internal}) on the target from the beginning, continuously,
 * with {@code read_committed}, decodes each record in MirrorMaker 2's checkpoint format
 * ({@link Checkpoint#deserializeRecord}) and counts it in a {@link CheckpointTally}. The topic's partitions are
 * handed over with {@link #assign} once the contestant created it (the watcher never creates topics). Reads on a
 * thread of its own, for at most {@code maxLifetime}, until {@link #close()}.
 */
final class CheckpointWatcher implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final CheckpointTally tally;
  private final Thread thread;
  private final long endNanos;
  private volatile List<TopicPartition> assignment;
  private volatile boolean closed;
  private volatile String failure;

  CheckpointWatcher(String targetServers, String name, CheckpointTally tally, Duration maxLifetime) {
    this.tally = tally;
    this.endNanos = System.nanoTime() + maxLifetime.toNanos();
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, targetServers,
        ConsumerConfig.CLIENT_ID_CONFIG, "bench-checkpoints-" + name,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "bench-checkpoints-" + name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Starts reading these partitions from the beginning. */
  void assign(List<TopicPartition> partitions) {
    assignment = List.copyOf(partitions);
  }

  boolean assigned() {
    return assignment != null;
  }

  /** Why reading stopped early, or null. */
  String failure() {
    return failure;
  }

  private void run() {
    boolean assigned = false;
    try {
      while (!closed && System.nanoTime() < endNanos) {
        if (!assigned) {
          List<TopicPartition> tps = assignment;
          if (tps == null) {
            Thread.sleep(100);
            continue;
          }
          consumer.assign(tps);
          consumer.seekToBeginning(tps);
          assigned = true;
        }
        var records = consumer.poll(Duration.ofMillis(200));
        long now = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          count(r, tally, now);
        }
      }
    } catch (WakeupException e) {
      // closed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e.toString();
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  /**
   * Decodes one record of a checkpoints topic in MM2's format and counts it; tombstones are skipped, records that
   * are no checkpoint are counted as unreadable.
   */
  static void count(ConsumerRecord<byte[], byte[]> record, CheckpointTally tally, long nanoTime) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    Checkpoint c;
    try {
      c = Checkpoint.deserializeRecord(record);
    } catch (RuntimeException e) {
      tally.unreadable();
      return;
    }
    tally.record(c.consumerGroupId(), c.topicPartition(), nanoTime);
  }

  /** Stops reading and waits (at most 15 s) for the consumer to close. */
  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
