package dev.mirror.internal.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;

/**
 * An instance's membership in the group of instances sharing a flow: a consumer on the target cluster,
 * subscribed to the flow's state topic, whose assigned partitions are the shards this instance owns. It
 * fetches nothing (its partitions stay paused); Kafka's group protocol does the rest: an instance that
 * leaves hands its shards over (cooperatively, after storing their positions), one that dies loses them after
 * the session timeout.
 *
 * <p>Used on the flow's control thread only; the listener runs inside {@link #poll}.
 */
final class ShardMembership implements ConsumerRebalanceListener {

  /** Reacts to ownership changes, on the control thread. */
  interface Listener {
    /** The shards are no longer this instance's; {@code lost} when another instance may already own them. */
    void revoked(Set<Integer> shards, boolean lost);

    /** The shards are this instance's from now on. */
    void assigned(Set<Integer> shards);
  }

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final String groupId;
  private final Listener listener;
  private final java.util.concurrent.atomic.AtomicReference<ConsumerGroupMetadata> generation;
  private final Logger log;
  private boolean assignedOnce;
  private volatile boolean closing;

  ShardMembership(Consumer<byte[], byte[]> consumer, String topic, String groupId,
      java.util.concurrent.atomic.AtomicReference<ConsumerGroupMetadata> generation, Listener listener, Logger log) {
    this.generation = generation;
    this.consumer = consumer;
    this.topic = topic;
    this.groupId = groupId;
    this.listener = listener;
    this.log = log;
  }

  String groupId() {
    return groupId;
  }

  /** Joins the group and waits, at most {@code timeout}, for the first assignment. */
  void join(Duration timeout) {
    consumer.subscribe(List.of(topic), this);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!assignedOnce && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(100));
      generation.set(consumer.groupMetadata());
    }
    if (!assignedOnce) {
      log.warn("no shards assigned by group '{}' within {} ms; the flow copies nothing until the group assigns"
          + " some", groupId, timeout.toMillis());
    }
  }

  /** Keeps the membership alive and applies ownership changes; waits up to {@code timeout} for them. */
  void poll(Duration timeout) {
    consumer.poll(timeout);
    generation.set(consumer.groupMetadata());
  }

  /** From now on, ownership changes are ignored: the flow is stopping and its copy threads have ended. */
  void closing() {
    closing = true;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    generation.set(consumer.groupMetadata());
    if (!partitions.isEmpty() && !closing) {
      listener.revoked(shards(partitions), false);
    }
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    if (!partitions.isEmpty() && !closing) {
      listener.revoked(shards(partitions), true);
    }
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    assignedOnce = true;
    generation.set(consumer.groupMetadata());
    consumer.pause(consumer.assignment());
    if (!partitions.isEmpty() && !closing) {
      // Exactly-once writers commit a group offset of their shards in each transaction. Reading the offsets
      // (stable only: this consumer reads committed) waits for a transaction the previous owner left open, so
      // its positions are final before this instance restores them; a later commit of that owner is refused.
      consumer.committed(new java.util.HashSet<>(partitions), STABLE_OFFSETS_TIMEOUT);
      listener.assigned(shards(partitions));
    }
  }

  /** Longer than the exactly-once producers' transaction timeout (10 s by default). */
  private static final Duration STABLE_OFFSETS_TIMEOUT = Duration.ofSeconds(60);

  private static Set<Integer> shards(Collection<TopicPartition> partitions) {
    Set<Integer> shards = new TreeSet<>();
    for (TopicPartition tp : partitions) {
      shards.add(tp.partition());
    }
    return shards;
  }
}
