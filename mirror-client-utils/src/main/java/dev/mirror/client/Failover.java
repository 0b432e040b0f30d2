package dev.mirror.client;

import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a consumer to where its group got to on the remote cluster: the failover step of a consumer application.
 *
 * <pre>{@code
 * try (MirrorClient client = new MirrorClient(Map.of("bootstrap.servers", "backup:9092"));
 *      KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) { // on "backup"
 *   consumer.assign(List.of(new TopicPartition("primary.orders", 0), new TopicPartition("primary.orders", 1)));
 *   Failover.seekToTranslatedOffsets(consumer, client, "primary", "billing", Duration.ofSeconds(10));
 *   // poll() now starts where group "billing" had got to on "primary"
 * }
 * }</pre>
 *
 * <p>With {@code subscribe()}, the consumer has no partitions until the group assigns them, so call this from
 * {@link org.apache.kafka.clients.consumer.ConsumerRebalanceListener#onPartitionsAssigned} instead.
 *
 * <p>This class is thread-safe; it has only static methods. The consumer is not: call them on the thread that
 * polls it.
 *
 * @since 0.1.0
 */
public final class Failover {
  private static final Logger log = LoggerFactory.getLogger(Failover.class);

  private static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  private Failover() {}

  /**
   * Translates the offsets of {@code groupId} from {@code remoteClusterAlias} with
   * {@link MirrorClient#remoteConsumerOffsets(String, String, Duration)}, then seeks {@code consumer} to the
   * translated offset of each partition currently assigned to it. Partitions without a checkpoint are left where
   * they are (the consumer's committed offset or {@code auto.offset.reset} decides), and translated offsets for
   * partitions not assigned are ignored. Nothing is committed: commit after processing, as usual.
   *
   * <p>A consumer with no assigned partitions is left alone, and a WARN line says so.
   *
   * @param consumer the consumer on the cluster of {@code client}, with its partitions assigned; not closed here
   * @param client a client on the cluster where the group resumes; not closed here
   * @param remoteClusterAlias the alias of the cluster where the group committed the offsets
   * @param groupId the group whose offsets to use, usually the consumer's own {@code group.id}
   * @param timeout how long the translation may take; zero or positive
   * @return the offsets sought to, by partition, in topic and partition order; immutable, empty if none applied
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws MirrorTimeoutException if the checkpoints cannot be read within {@code timeout}; the consumer is not
   *     moved
   * @throws MirrorClientException if the checkpoints cannot be read for another reason; the consumer is not moved
   * @throws IllegalStateException if {@code client} is closed
   * @throws org.apache.kafka.common.errors.InterruptException if the thread is interrupted
   */
  public static Map<TopicPartition, OffsetAndMetadata> seekToTranslatedOffsets(Consumer<?, ?> consumer,
      MirrorClient client, String remoteClusterAlias, String groupId, Duration timeout) {
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(client, "client");
    Map<TopicPartition, OffsetAndMetadata> translated =
        client.remoteConsumerOffsets(groupId, remoteClusterAlias, timeout);
    Set<TopicPartition> assignment = consumer.assignment();
    if (assignment.isEmpty()) {
      log.warn("Not seeking to the translated offsets of group '{}' from cluster '{}': the consumer has no "
          + "assigned partitions yet; call this after assign(), or in onPartitionsAssigned() when subscribing",
          groupId, remoteClusterAlias);
      return Map.of();
    }
    Map<TopicPartition, OffsetAndMetadata> applied = new TreeMap<>(BY_TOPIC_AND_PARTITION);
    for (TopicPartition partition : assignment) {
      OffsetAndMetadata offset = translated.get(partition);
      if (offset != null) {
        applied.put(partition, offset);
      }
    }
    applied.forEach(consumer::seek);
    log.info("Moved {} of {} assigned partitions to the translated offsets of group '{}' from cluster '{}'",
        applied.size(), assignment.size(), groupId, remoteClusterAlias);
    return Collections.unmodifiableMap(applied);
  }
}
