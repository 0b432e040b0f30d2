package dev.mirror.internal.engine;

import dev.mirror.MirrorException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Helpers for the small internal topics a flow reads and writes. */
final class Topics {
  private Topics() {}

  /**
   * Creates a one-partition compacted topic unless it exists (MirrorMaker 2's checkpoints, offset-syncs and
   * heartbeats topics). Returns an error message when it cannot, empty when it exists.
   */
  static Optional<String> ensureCompacted(Admin admin, String cluster, String topic, int replicationFactor,
      Duration timeout) throws InterruptedException {
    NewTopic nt = new NewTopic(topic, Optional.of(1),
        replicationFactor < 0 ? Optional.empty() : Optional.of((short) replicationFactor))
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    try {
      admin.createTopics(List.of(nt)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.empty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return Optional.empty();
      }
      return Optional.of("cannot create topic '" + topic + "' on cluster '" + cluster + "': "
          + Errors.describe(e.getCause(), "CREATE", "TOPIC", topic));
    } catch (TimeoutException e) {
      throw new MirrorException("creating topic '" + topic + "' on cluster '" + cluster + "': no answer within "
          + timeout.toMillis() + " ms; check that the cluster is up and reachable", e);
    }
  }
}
