package dev.mirror.internal.engine;

import dev.mirror.MirrorException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jspecify.annotations.Nullable;

/**
 * Creates the small internal topics a flow reads and writes. A flow names every topic it needs when it starts
 * ({@link #issue}) and waits for each where it needs the topic ({@link #ensure}): the first wait sends one
 * request per cluster for all of them, so a first start costs one round trip to each cluster's controller
 * instead of one per topic.
 */
final class Topics {
  /** What {@link #ensure} found: whether this call created the topic (so it is empty), or why it cannot exist. */
  record Ensured(boolean created, Optional<String> problem) {}

  private final Duration timeout;
  private final Map<Admin, Map<String, KafkaFuture<Void>>> issued = new HashMap<>();
  private final Map<Admin, List<NewTopic>> pending = new java.util.LinkedHashMap<>();

  Topics(Duration timeout) {
    this.timeout = timeout;
  }

  /** A compacted topic: the state topic, and MirrorMaker 2's checkpoints, offset-syncs and heartbeats topics. */
  static NewTopic compacted(String topic, int partitions, int replicationFactor) {
    return new NewTopic(topic, Optional.of(partitions),
        replicationFactor < 0 ? Optional.empty() : Optional.of((short) replicationFactor))
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }

  /** Names a topic the cluster of {@code admin} is to create, with the others, at the first {@link #ensure}. */
  void issue(Admin admin, NewTopic topic) {
    pending.computeIfAbsent(admin, a -> new java.util.ArrayList<>()).add(topic);
  }

  /**
   * Asks the cluster of {@code admin} now for the topics {@link #issue issued} to it, before the first
   * {@link #ensure} sends the others.
   */
  void send(Admin admin) {
    List<NewTopic> topics = pending.remove(admin);
    if (topics != null) {
      Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
      Map<String, KafkaFuture<Void>> byTopic = issued.computeIfAbsent(admin, a -> new HashMap<>());
      for (NewTopic t : topics) {
        byTopic.putIfAbsent(t.name(), results.get(t.name()));
      }
    }
  }

  private void send() {
    for (Admin admin : List.copyOf(pending.keySet())) {
      send(admin);
    }
  }

  /**
   * Creates {@code topic} unless it exists, using the creation {@link #issue issued} earlier if there was one.
   * Returns a problem (naming the cluster, the topic and the fix) when it cannot be created.
   */
  Ensured ensure(Admin admin, String cluster, NewTopic topic) throws InterruptedException {
    send();
    @Nullable Map<String, KafkaFuture<Void>> byTopic = issued.get(admin);
    @Nullable KafkaFuture<Void> creation = byTopic == null ? null : byTopic.remove(topic.name());
    if (creation == null) {
      creation = admin.createTopics(List.of(topic)).values().get(topic.name());
    }
    try {
      creation.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Ensured(true, Optional.empty());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return new Ensured(false, Optional.empty());
      }
      return new Ensured(false, Optional.of("cannot create topic '" + topic.name() + "' on cluster '" + cluster
          + "': " + Errors.describe(e.getCause(), "CREATE", "TOPIC", topic.name())));
    } catch (TimeoutException e) {
      throw new MirrorException("creating topic '" + topic.name() + "' on cluster '" + cluster
          + "': no answer within " + timeout.toMillis() + " ms; check that the cluster is up and reachable", e);
    }
  }
}
