package dev.mirror.client;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One-shot look-ups with the names of MirrorMaker 2's {@code org.apache.kafka.connect.mirror.RemoteClusterUtils}:
 * each call creates a {@link MirrorClient} from the properties, makes one look-up and closes the client.
 *
 * <pre>{@code
 * Map<TopicPartition, OffsetAndMetadata> offsets = RemoteClusterUtils.translateOffsets(
 *     Map.of("bootstrap.servers", "backup:9092"), "primary", "billing", Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Each call connects to the cluster and, for the offset translations, reads the whole checkpoints topic. An
 * application that translates several groups, or the same group repeatedly, should keep one {@link MirrorClient}
 * open instead: it reads each checkpoint once.
 *
 * <p>Unlike MirrorMaker 2's class, these methods declare no checked exceptions, and a timeout throws
 * {@link MirrorTimeoutException} instead of returning part of the offsets. The properties, their meaning and the
 * errors are those of {@link MirrorClient#MirrorClient(Map)}; the topology look-ups wait at most
 * {@code default.api.timeout.ms} (default {@link MirrorClient#DEFAULT_API_TIMEOUT}), so set it to fail sooner.
 *
 * <p>This class is thread-safe; it has only static methods.
 *
 * @since 0.1.0
 */
public final class RemoteClusterUtils {

  private RemoteClusterUtils() {}

  /**
   * Returns the fewest hops from {@code upstreamClusterAlias} to the cluster of {@code properties}; see
   * {@link MirrorClient#replicationHops(String)}.
   *
   * @param properties client properties of the cluster to look at, with at least {@code bootstrap.servers}
   * @param upstreamClusterAlias the alias of the cluster to find
   * @return the number of hops, at least 1; -1 if that cluster does not replicate into this one
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the properties are invalid
   * @throws MirrorTimeoutException if the topics cannot be listed within {@code default.api.timeout.ms}
   * @throws MirrorClientException if the topics cannot be listed for another reason
   */
  public static int replicationHops(Map<String, ?> properties, String upstreamClusterAlias) {
    try (MirrorClient client = new MirrorClient(properties)) {
      return client.replicationHops(upstreamClusterAlias);
    }
  }

  /**
   * Returns the heartbeats topics of the cluster of {@code properties}; see {@link MirrorClient#heartbeatTopics()}.
   *
   * @param properties client properties of the cluster to look at, with at least {@code bootstrap.servers}
   * @return an immutable set, sorted by name
   * @throws NullPointerException if {@code properties} is null
   * @throws IllegalArgumentException if the properties are invalid
   * @throws MirrorTimeoutException if the topics cannot be listed within {@code default.api.timeout.ms}
   * @throws MirrorClientException if the topics cannot be listed for another reason
   */
  public static Set<String> heartbeatTopics(Map<String, ?> properties) {
    try (MirrorClient client = new MirrorClient(properties)) {
      return client.heartbeatTopics();
    }
  }

  /**
   * Returns the checkpoints topics of the cluster of {@code properties}; see {@link MirrorClient#checkpointTopics()}.
   *
   * @param properties client properties of the cluster to look at, with at least {@code bootstrap.servers}
   * @return an immutable set, sorted by name
   * @throws NullPointerException if {@code properties} is null
   * @throws IllegalArgumentException if the properties are invalid
   * @throws MirrorTimeoutException if the topics cannot be listed within {@code default.api.timeout.ms}
   * @throws MirrorClientException if the topics cannot be listed for another reason
   */
  public static Set<String> checkpointTopics(Map<String, ?> properties) {
    try (MirrorClient client = new MirrorClient(properties)) {
      return client.checkpointTopics();
    }
  }

  /**
   * Returns the clusters that replicate into the cluster of {@code properties}, directly or not; see
   * {@link MirrorClient#upstreamClusters()}.
   *
   * @param properties client properties of the cluster to look at, with at least {@code bootstrap.servers}
   * @return an immutable set of aliases, sorted
   * @throws NullPointerException if {@code properties} is null
   * @throws IllegalArgumentException if the properties are invalid
   * @throws MirrorTimeoutException if the topics cannot be listed within {@code default.api.timeout.ms}
   * @throws MirrorClientException if the topics cannot be listed for another reason
   */
  public static Set<String> upstreamClusters(Map<String, ?> properties) {
    try (MirrorClient client = new MirrorClient(properties)) {
      return client.upstreamClusters();
    }
  }

  /**
   * Translates a consumer group's offsets from the remote cluster {@code remoteClusterAlias} to the cluster of
   * {@code properties}, where the group will resume; see
   * {@link MirrorClient#remoteConsumerOffsets(String, String, Duration)} (note its different argument order, which
   * is MirrorMaker 2's too).
   *
   * @param properties client properties of the cluster where the group resumes, with at least
   *     {@code bootstrap.servers}
   * @param remoteClusterAlias the alias of the cluster where the group committed the offsets
   * @param consumerGroupId the group id
   * @param timeout how long to wait for the cluster and the read; zero or positive
   * @return the offsets to resume from, keyed by the topic-partitions on the cluster of {@code properties};
   *     immutable, empty if the group has no checkpoint or there is no checkpoints topic
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the properties are invalid or {@code timeout} is negative
   * @throws MirrorTimeoutException if the checkpoints topic cannot be read to its end within {@code timeout}
   * @throws MirrorClientException if the checkpoints topic cannot be read for another reason
   * @throws org.apache.kafka.common.errors.InterruptException if the thread is interrupted
   */
  public static Map<TopicPartition, OffsetAndMetadata> translateOffsets(Map<String, ?> properties,
      String remoteClusterAlias, String consumerGroupId, Duration timeout) {
    try (MirrorClient client = new MirrorClient(properties)) {
      return client.remoteConsumerOffsets(consumerGroupId, remoteClusterAlias, timeout);
    }
  }

  /**
   * Translates the offsets of every consumer group whose whole id matches {@code consumerGroupPattern}, in one read
   * of the checkpoints topic; see {@link MirrorClient#remoteConsumerOffsets(Pattern, String, Duration)}.
   *
   * @param properties client properties of the cluster where the groups resume, with at least
   *     {@code bootstrap.servers}
   * @param remoteClusterAlias the alias of the cluster where the groups committed the offsets
   * @param consumerGroupPattern the pattern group ids must match
   * @param timeout how long to wait for the cluster and the read; zero or positive
   * @return for each matching group with checkpoints, its offsets keyed by the topic-partitions on the cluster of
   *     {@code properties}; immutable
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the properties are invalid or {@code timeout} is negative
   * @throws MirrorTimeoutException if the checkpoints topic cannot be read to its end within {@code timeout}
   * @throws MirrorClientException if the checkpoints topic cannot be read for another reason
   * @throws org.apache.kafka.common.errors.InterruptException if the thread is interrupted
   */
  public static Map<String, Map<TopicPartition, OffsetAndMetadata>> translateOffsets(Map<String, ?> properties,
      String remoteClusterAlias, Pattern consumerGroupPattern, Duration timeout) {
    try (MirrorClient client = new MirrorClient(properties)) {
      return client.remoteConsumerOffsets(consumerGroupPattern, remoteClusterAlias, timeout);
    }
  }
}
