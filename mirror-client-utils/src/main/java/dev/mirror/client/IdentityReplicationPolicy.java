package dev.mirror.client;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A replication policy that keeps topic names: topic {@code orders} is {@code orders} on the target cluster too.
 * Use it for migrations and backups, where consumers must find the same names after a cut-over. This is
 * MirrorMaker 2's {@code org.apache.kafka.connect.mirror.IdentityReplicationPolicy} (Kafka 4.3.1), with the same
 * results for every topic name and configuration; "not a remote topic" is {@link Optional#empty()} instead of
 * {@code null}.
 *
 * <p>Heartbeats topics are the exception, so that {@code replicationHops} and {@code upstreamClusters} still work: a
 * topic whose name ends with {@code heartbeats} (a plain suffix test, so {@code myheartbeats} matches too) is named,
 * and read back, by the {@linkplain #base() base} {@link DefaultReplicationPolicy}: {@code heartbeats} from
 * {@code A} becomes {@code A.heartbeats}. For every other topic:
 * <ul>
 *   <li>{@link #formatRemoteTopic(String, String)} returns the topic unchanged;
 *   <li>{@link #topicSource(String)} returns the configured {@linkplain #sourceClusterAlias() source cluster alias},
 *       or empty when there is none (a name says nothing about its source);
 *   <li>{@link #upstreamTopic(String)} returns the topic itself, so {@link #originalTopic(String)} returns it too.
 * </ul>
 * Checkpoints and offset-syncs topic names, and the internal-topic checks, are those of the base policy.
 *
 * <p>Since names do not record the path a topic took, a replication cycle under this policy cannot be detected from
 * topic names: the engine cannot stop {@code A->B->A} loops, so never combine it with flows in both directions for
 * the same topics.
 *
 * <pre>{@code
 * ReplicationPolicy policy = IdentityReplicationPolicy.withSourceClusterAlias("primary");
 * policy.formatRemoteTopic("primary", "orders");     // "orders"
 * policy.topicSource("orders");                      // Optional[primary]
 * policy.formatRemoteTopic("primary", "heartbeats"); // "primary.heartbeats"
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe. Two instances are equal when their base policy and source cluster alias
 * are equal.
 *
 * @since 0.1.0
 */
public final class IdentityReplicationPolicy implements ReplicationPolicy {

  private final DefaultReplicationPolicy base;
  private final @Nullable String sourceClusterAlias;

  /**
   * Creates the policy MirrorMaker 2 configures by default: no source cluster alias, and a base
   * {@link DefaultReplicationPolicy} with separator {@value DefaultReplicationPolicy#DEFAULT_SEPARATOR}.
   */
  public IdentityReplicationPolicy() {
    this(new DefaultReplicationPolicy(), null);
  }

  private IdentityReplicationPolicy(DefaultReplicationPolicy base, @Nullable String sourceClusterAlias) {
    this.base = base;
    this.sourceClusterAlias = sourceClusterAlias;
  }

  /**
   * Returns a policy that reports {@code sourceClusterAlias} as the source of every topic that does not look like a
   * heartbeats topic. This is MirrorMaker 2's {@code source.cluster.alias}. Use it on a target cluster that receives
   * from exactly one source, so that {@code remoteTopics} and {@link #topicSource(String)} know where the topics came
   * from.
   *
   * @param sourceClusterAlias the alias of the cluster topics are replicated from; used as is
   * @return a policy with that alias and the default base policy
   * @throws NullPointerException if {@code sourceClusterAlias} is null
   */
  public static IdentityReplicationPolicy withSourceClusterAlias(String sourceClusterAlias) {
    Objects.requireNonNull(sourceClusterAlias, "sourceClusterAlias");
    return new IdentityReplicationPolicy(new DefaultReplicationPolicy(), sourceClusterAlias);
  }

  /**
   * Returns a policy without a source cluster alias whose heartbeats and internal topics are named by {@code base}.
   * This is how MirrorMaker 2 applies {@code replication.policy.separator} to the identity policy.
   *
   * @param base the policy for heartbeats topics, checkpoints and offset-syncs topic names, e.g.
   *     {@code DefaultReplicationPolicy.withSeparator("_")}
   * @return a policy with that base
   * @throws NullPointerException if {@code base} is null
   */
  public static IdentityReplicationPolicy of(DefaultReplicationPolicy base) {
    Objects.requireNonNull(base, "base");
    return new IdentityReplicationPolicy(base, null);
  }

  /**
   * Returns a policy with a source cluster alias whose heartbeats and internal topics are named by {@code base}.
   *
   * @param base the policy for heartbeats topics, checkpoints and offset-syncs topic names
   * @param sourceClusterAlias the alias of the cluster topics are replicated from; see
   *     {@link #withSourceClusterAlias(String)}
   * @return a policy with that base and alias
   * @throws NullPointerException if an argument is null
   */
  public static IdentityReplicationPolicy of(DefaultReplicationPolicy base, String sourceClusterAlias) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(sourceClusterAlias, "sourceClusterAlias");
    return new IdentityReplicationPolicy(base, sourceClusterAlias);
  }

  /**
   * Returns the configured alias of the cluster topics are replicated from.
   *
   * @return the alias; empty by default
   */
  public Optional<String> sourceClusterAlias() {
    return Optional.ofNullable(sourceClusterAlias);
  }

  /**
   * Returns the policy that names heartbeats topics, checkpoints and offset-syncs topics.
   *
   * @return the base policy; {@code new DefaultReplicationPolicy()} by default
   */
  public DefaultReplicationPolicy base() {
    return base;
  }

  /**
   * Returns {@code topic} unchanged, or the base policy's name for topics that look like heartbeats topics.
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public String formatRemoteTopic(String sourceClusterAlias, String topic) {
    Objects.requireNonNull(sourceClusterAlias, "sourceClusterAlias");
    Objects.requireNonNull(topic, "topic");
    return looksLikeHeartbeats(topic) ? base.formatRemoteTopic(sourceClusterAlias, topic) : topic;
  }

  /**
   * Returns the {@linkplain #sourceClusterAlias() source cluster alias}, or the base policy's answer for topics
   * that look like heartbeats topics.
   *
   * @throws NullPointerException if {@code topic} is null
   */
  @Override
  public Optional<String> topicSource(String topic) {
    Objects.requireNonNull(topic, "topic");
    return looksLikeHeartbeats(topic) ? base.topicSource(topic) : sourceClusterAlias();
  }

  /**
   * Returns {@code topic} itself, or the base policy's answer for topics that look like heartbeats topics.
   *
   * @throws NullPointerException if {@code topic} is null
   */
  @Override
  public Optional<String> upstreamTopic(String topic) {
    Objects.requireNonNull(topic, "topic");
    return looksLikeHeartbeats(topic) ? base.upstreamTopic(topic) : Optional.of(topic);
  }

  /** Returns the base policy's offset-syncs topic name. */
  @Override
  public String offsetSyncsTopic(String clusterAlias) {
    return base.offsetSyncsTopic(clusterAlias);
  }

  /** Returns the base policy's checkpoints topic name. */
  @Override
  public String checkpointsTopic(String clusterAlias) {
    return base.checkpointsTopic(clusterAlias);
  }

  /** Returns the base policy's answer. */
  @Override
  public boolean isCheckpointsTopic(String topic) {
    return base.isCheckpointsTopic(topic);
  }

  /** Returns the base policy's answer. */
  @Override
  public boolean isMM2InternalTopic(String topic) {
    return base.isMM2InternalTopic(topic);
  }

  /**
   * Returns true when {@code other} is an {@code IdentityReplicationPolicy} with an equal base policy and source
   * cluster alias.
   */
  @Override
  public boolean equals(@Nullable Object other) {
    return this == other
        || (other instanceof IdentityReplicationPolicy that
            && base.equals(that.base)
            && Objects.equals(sourceClusterAlias, that.sourceClusterAlias));
  }

  @Override
  public int hashCode() {
    return Objects.hash(base, sourceClusterAlias);
  }

  /**
   * Returns the settings, e.g. {@code IdentityReplicationPolicy{sourceClusterAlias='primary', separator='.',
   * internalTopicSeparatorEnabled=true}}; an unset alias shows as {@code sourceClusterAlias=<none>}.
   */
  @Override
  public String toString() {
    return "IdentityReplicationPolicy{sourceClusterAlias="
        + (sourceClusterAlias == null ? "<none>" : "'" + sourceClusterAlias + "'")
        + ", separator='" + base.separator() + "', internalTopicSeparatorEnabled="
        + base.internalTopicSeparatorEnabled() + "}";
  }

  /** MirrorMaker 2's test: a plain suffix match, so {@code myheartbeats} counts too. */
  private boolean looksLikeHeartbeats(String topic) {
    return topic.endsWith(heartbeatsTopic());
  }
}
