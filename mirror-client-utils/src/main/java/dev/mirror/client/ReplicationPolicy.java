package dev.mirror.client;

import java.util.Optional;

/**
 * Decides how a replicated topic is named on the target cluster, and reads the replication path back from
 * a topic name. Both the engine (naming remote topics, detecting cycles) and consumer applications (finding
 * the topics to resume on after a failover) use the same policy, so they must agree on it.
 *
 * <p>The method names and meanings follow MirrorMaker 2's {@code org.apache.kafka.connect.mirror.ReplicationPolicy},
 * so topics written by MirrorMaker 2 and by Mirror are interchangeable. Where MirrorMaker 2 returns {@code null}
 * for "not a remote topic", this interface returns {@link Optional#empty()}.
 *
 * <p>Two standard policies exist: {@link DefaultReplicationPolicy} (remote topics are named
 * {@code <source alias><separator><topic>}, which lets the engine detect and prevent cycles) and
 * {@link IdentityReplicationPolicy} (remote topics keep their names, for migrations and backups).
 *
 * <p>{@link ReplicationPolicies} creates the standard policies, also from MirrorMaker 2 configuration keys.
 * Custom policies implement the five abstract methods; the others have MirrorMaker 2's default behaviour.
 *
 * <p>Implementations must be immutable and thread-safe. The standard ones throw {@link NullPointerException} for a
 * {@code null} argument.
 *
 * @since 0.1.0
 */
public interface ReplicationPolicy {

  /** The separator-free name of the heartbeats topic, as MirrorMaker 2 names it: {@value}. */
  String HEARTBEATS_TOPIC = "heartbeats";

  /**
   * Returns the name that {@code topic} of cluster {@code sourceClusterAlias} gets on the target cluster.
   *
   * @param sourceClusterAlias the alias of the cluster the topic is replicated from
   * @param topic the topic's name on that cluster
   * @return the topic's name on the target cluster
   */
  String formatRemoteTopic(String sourceClusterAlias, String topic);

  /**
   * Returns the alias of the cluster that {@code topic} was replicated from, if the name says so.
   *
   * @param topic a topic name on some cluster
   * @return the alias of the cluster one hop upstream, or empty when {@code topic} is not a remote topic
   */
  Optional<String> topicSource(String topic);

  /**
   * Returns the name {@code topic} has on the cluster one hop upstream, if the name says so.
   *
   * @param topic a topic name on some cluster
   * @return the topic's name one hop upstream, or empty when {@code topic} is not a remote topic
   */
  Optional<String> upstreamTopic(String topic);

  /**
   * Returns the name of the topic on the cluster where it was first written, following {@link #upstreamTopic}
   * until it stops changing.
   *
   * @param topic a topic name on some cluster
   * @return the topic's original name; {@code topic} itself when it is not a remote topic
   */
  default String originalTopic(String topic) {
    String current = topic;
    // A chain of hops is bounded by the name's length; the bound also guards against a policy that loops.
    for (int hops = 0; hops <= topic.length(); hops++) {
      Optional<String> upstream = upstreamTopic(current);
      if (upstream.isEmpty() || upstream.get().equals(current)) {
        return current;
      }
      current = upstream.get();
    }
    return current;
  }

  /**
   * Returns the name of the heartbeats topic written on every target cluster.
   *
   * @return {@value #HEARTBEATS_TOPIC} by default
   */
  default String heartbeatsTopic() {
    return HEARTBEATS_TOPIC;
  }

  /**
   * Returns the name of MirrorMaker 2's offset-syncs topic for the given cluster alias.
   *
   * @param clusterAlias the alias named in the topic (see the offset-syncs location setting)
   * @return by default {@code mm2-offset-syncs.<clusterAlias>.internal}
   */
  String offsetSyncsTopic(String clusterAlias);

  /**
   * Returns the name of the checkpoints topic that holds the translated offsets of groups from the given
   * source cluster. The topic lives on the target cluster.
   *
   * @param clusterAlias the alias of the source cluster
   * @return by default {@code <clusterAlias>.checkpoints.internal}
   */
  String checkpointsTopic(String clusterAlias);

  /**
   * Returns whether {@code topic} is a heartbeats topic, local or replicated from any number of hops away.
   *
   * @param topic a topic name
   * @return true when the topic's original name is {@link #heartbeatsTopic()}
   */
  default boolean isHeartbeatsTopic(String topic) {
    return heartbeatsTopic().equals(originalTopic(topic));
  }

  /**
   * Returns whether {@code topic} is a checkpoints topic.
   *
   * @param topic a topic name
   * @return true when the topic is named like {@link #checkpointsTopic(String)}'s results
   */
  boolean isCheckpointsTopic(String topic);

  /**
   * Returns whether {@code topic} is one of MirrorMaker 2's (or Mirror's) own internal topics.
   *
   * @param topic a topic name
   * @return true for offset-syncs, checkpoints and other replication-internal topics
   */
  boolean isMM2InternalTopic(String topic);

  /**
   * Returns whether {@code topic} is internal and never replicated: Kafka's own topics (names starting with
   * {@code __} or {@code .}) and the replication-internal topics of {@link #isMM2InternalTopic(String)}.
   *
   * <p>This is MirrorMaker 2's rule from Kafka 4.0 on. Before 4.0, any name ending in {@code .internal} or
   * {@code -internal} was internal too; now such user topics are replicated (KAFKA-17200).
   *
   * @param topic a topic name
   * @return true when the topic must not be replicated
   */
  default boolean isInternalTopic(String topic) {
    return isMM2InternalTopic(topic) || topic.startsWith("__") || topic.startsWith(".");
  }
}
