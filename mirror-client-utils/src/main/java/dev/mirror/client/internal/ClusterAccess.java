package dev.mirror.client.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Uuid;

/**
 * What {@code MirrorClient} needs from a cluster: topic names, topic ids and a consumer for the checkpoints topics.
 * The seam lets unit tests replace the Kafka clients with kafka-clients' {@code MockConsumer} and a fixed topic set,
 * as Kafka Streams does with its {@code KafkaClientSupplier}.
 *
 * <p>Implementations are thread-safe except {@link #consumer()}: the consumer it returns is used by one thread at a
 * time (the caller serialises), and closed by {@link #close(Duration)}.
 */
public interface ClusterAccess {

  /** Returns the cluster's {@code bootstrap.servers}, to name the cluster in messages. */
  String bootstrapServers();

  /**
   * Lists the cluster's topics, Kafka's internal ones ({@code __consumer_offsets}, ...) left out.
   *
   * @return the topic names
   * @throws dev.mirror.client.MirrorTimeoutException if the cluster does not answer within the API timeout
   * @throws dev.mirror.client.MirrorClientException on any other failure, with the cause
   */
  Set<String> listTopics();

  /**
   * Looks up a topic's id, which tells a topic from a deleted and re-created one of the same name.
   *
   * @param topic the topic name
   * @param timeout how long to wait for the cluster
   * @return the id, or empty if the topic does not exist
   * @throws dev.mirror.client.MirrorTimeoutException if the cluster does not answer within {@code timeout}
   * @throws dev.mirror.client.MirrorClientException on any other failure, with the cause
   */
  Optional<Uuid> topicId(String topic, Duration timeout);

  /**
   * Returns the checkpoints consumer, created on first use: byte-array records, no group, assign only.
   *
   * @return the consumer, owned by this object
   * @throws IllegalStateException after {@link #close(Duration)}
   */
  Consumer<byte[], byte[]> consumer();

  /** Aborts a blocking call of the consumer from another thread ({@link Consumer#wakeup()}), if it exists. */
  void wakeup();

  /**
   * Closes the clients created so far, each within {@code timeout}. Idempotent. Call it from the thread that owns
   * the consumer, or while holding the lock that serialises its use.
   *
   * @param timeout how long each client may take to close
   */
  void close(Duration timeout);
}
