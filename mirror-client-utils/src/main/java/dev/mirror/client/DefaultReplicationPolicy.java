package dev.mirror.client;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The standard replication policy: a topic {@code t} replicated from the cluster with alias {@code A} is named
 * {@code A.t} on the target cluster, and {@code B.A.t} one hop further. Because every name carries the alias of
 * each cluster it passed, the engine can detect and prevent replication cycles, and consumers can tell where a
 * topic came from. This is MirrorMaker 2's {@code org.apache.kafka.connect.mirror.DefaultReplicationPolicy}
 * (Kafka 4.3.1), with the same results for every topic name and configuration; "not a remote topic" is
 * {@link Optional#empty()} instead of {@code null}.
 *
 * <p>The separator (default {@value #DEFAULT_SEPARATOR}) goes between the alias and the topic. With separator
 * {@code sep}:
 * <ul>
 *   <li>{@link #formatRemoteTopic(String, String) formatRemoteTopic(a, t)} is {@code a + sep + t};
 *   <li>{@link #topicSource(String) topicSource(t)} splits {@code t} on {@code sep} with
 *       {@link Pattern#split(CharSequence)}, which drops trailing empty pieces, and returns the first piece when at
 *       least two are left. So {@code A.t1} gives {@code A}, {@code A.} gives nothing, and a name with a leading
 *       separator, such as {@code .hidden}, gives the empty string;
 *   <li>{@link #upstreamTopic(String) upstreamTopic(t)} removes that source and one separator from the front;
 *   <li>the checkpoints topic is {@code <alias> isep checkpoints isep internal} and the offset-syncs topic
 *       {@code mm2-offset-syncs isep <alias> isep internal}, where the internal separator {@code isep} is the
 *       separator, or {@code .} if {@link #internalTopicSeparatorEnabled()} is false (for clusters set up before
 *       Kafka 3.1, whose internal topics always used {@code .});
 *   <li>{@link #isMM2InternalTopic(String)} is true for names that start with {@code mm2} and end with
 *       {@code isep internal}, and for checkpoints topics. User topics that merely end in {@code .internal} or
 *       {@code -internal} are not internal (Kafka 4.0 behaviour, KAFKA-17200).
 * </ul>
 *
 * <p>A cluster alias should not contain the separator: with separator {@code -}, {@code mm2-offset-syncs-B-internal}
 * has source {@code mm2}.
 *
 * <pre>{@code
 * ReplicationPolicy policy = new DefaultReplicationPolicy();
 * policy.formatRemoteTopic("primary", "orders");      // "primary.orders"
 * policy.topicSource("backup.primary.orders");        // Optional[backup]
 * policy.upstreamTopic("backup.primary.orders");      // Optional[primary.orders]
 * policy.originalTopic("backup.primary.orders");      // "orders"
 * policy.checkpointsTopic("primary");                 // "primary.checkpoints.internal"
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe. Two instances are equal when their separator and
 * internal-separator setting are equal.
 *
 * @since 0.1.0
 */
public final class DefaultReplicationPolicy implements ReplicationPolicy {

  /** The default separator between a cluster alias and a topic name: {@value}. */
  public static final String DEFAULT_SEPARATOR = ".";

  /** Whether internal topic names use the separator by default: {@value}. */
  public static final boolean DEFAULT_INTERNAL_TOPIC_SEPARATOR_ENABLED = true;

  private static final String INTERNAL = "internal";
  private static final String CHECKPOINTS = "checkpoints";
  private static final String MM2_PREFIX = "mm2";
  private static final String OFFSET_SYNCS_PREFIX = "mm2-offset-syncs";

  private final String separator;
  private final boolean internalTopicSeparatorEnabled;
  private final Pattern separatorPattern;
  /** The separator of internal topic names; precomputed because the engine asks for every topic it lists. */
  private final String internalSeparator;
  private final String internalSuffix;
  private final String checkpointsSuffix;

  /**
   * Creates the policy MirrorMaker 2 uses by default: separator {@value #DEFAULT_SEPARATOR}, so remote topics are
   * named {@code <alias>.<topic>}, checkpoints topics {@code <alias>.checkpoints.internal} and offset-syncs topics
   * {@code mm2-offset-syncs.<alias>.internal}.
   */
  public DefaultReplicationPolicy() {
    this(DEFAULT_SEPARATOR, DEFAULT_INTERNAL_TOPIC_SEPARATOR_ENABLED);
  }

  private DefaultReplicationPolicy(String separator, boolean internalTopicSeparatorEnabled) {
    this.separator = separator;
    this.internalTopicSeparatorEnabled = internalTopicSeparatorEnabled;
    this.separatorPattern = Pattern.compile(Pattern.quote(separator));
    this.internalSeparator = internalTopicSeparatorEnabled ? separator : DEFAULT_SEPARATOR;
    this.internalSuffix = internalSeparator + INTERNAL;
    this.checkpointsSuffix = internalSeparator + CHECKPOINTS + internalSuffix;
  }

  /**
   * Returns a policy with a custom separator, which internal topic names use too. This is MirrorMaker 2's
   * {@code replication.policy.separator}.
   *
   * @param separator the string between a cluster alias and a topic name, e.g. {@code "_"}; used literally, not
   *     as a regular expression
   * @return a policy with that separator
   * @throws NullPointerException if {@code separator} is null
   * @throws IllegalArgumentException if {@code separator} is empty
   */
  public static DefaultReplicationPolicy withSeparator(String separator) {
    return withSeparator(separator, DEFAULT_INTERNAL_TOPIC_SEPARATOR_ENABLED);
  }

  /**
   * Returns a policy with a custom separator and a choice of separator for internal topic names. These are
   * MirrorMaker 2's {@code replication.policy.separator} and
   * {@code replication.policy.internal.topic.separator.enabled}.
   *
   * @param separator the string between a cluster alias and a topic name; used literally
   * @param internalTopicSeparatorEnabled true (the default) to name checkpoints and offset-syncs topics with
   *     {@code separator}; false to name them with {@code .}, as Kafka before 3.1 did, so a cluster set up then
   *     keeps its topics after it changes the separator
   * @return a policy with those settings
   * @throws NullPointerException if {@code separator} is null
   * @throws IllegalArgumentException if {@code separator} is empty
   */
  public static DefaultReplicationPolicy withSeparator(String separator, boolean internalTopicSeparatorEnabled) {
    Objects.requireNonNull(separator, "separator");
    if (separator.isEmpty()) {
      throw new IllegalArgumentException("separator '' is invalid: it must not be empty, because it splits "
          + "cluster aliases from topic names; use '" + DEFAULT_SEPARATOR + "' (the default) or another non-empty "
          + "string such as '_'");
    }
    return new DefaultReplicationPolicy(separator, internalTopicSeparatorEnabled);
  }

  /**
   * Returns the separator between a cluster alias and a topic name.
   *
   * @return the separator; {@value #DEFAULT_SEPARATOR} by default
   */
  public String separator() {
    return separator;
  }

  /**
   * Returns whether checkpoints and offset-syncs topic names use {@link #separator()} (true) or {@code .} (false).
   *
   * @return true by default
   */
  public boolean internalTopicSeparatorEnabled() {
    return internalTopicSeparatorEnabled;
  }

  /**
   * Returns {@code sourceClusterAlias + separator + topic}.
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public String formatRemoteTopic(String sourceClusterAlias, String topic) {
    Objects.requireNonNull(sourceClusterAlias, "sourceClusterAlias");
    Objects.requireNonNull(topic, "topic");
    return sourceClusterAlias + separator + topic;
  }

  /**
   * Returns the text before the first separator, when at least one non-empty piece follows it. Examples with
   * separator {@code .}: {@code A.t1} gives {@code A}; {@code B.A.t1} gives {@code B}; {@code t1}, {@code A.} and
   * {@code A..} give empty; {@code .hidden} gives the empty string.
   *
   * @throws NullPointerException if {@code topic} is null
   */
  @Override
  public Optional<String> topicSource(String topic) {
    Objects.requireNonNull(topic, "topic");
    return Optional.ofNullable(source(topic));
  }

  /**
   * Returns {@code topic} without its {@linkplain #topicSource(String) source} and the separator after it.
   * Examples with separator {@code .}: {@code B.A.t1} gives {@code A.t1}; {@code A..t} gives {@code .t};
   * {@code t1} gives empty.
   *
   * @throws NullPointerException if {@code topic} is null
   */
  @Override
  public Optional<String> upstreamTopic(String topic) {
    Objects.requireNonNull(topic, "topic");
    String source = source(topic);
    return source == null ? Optional.empty() : Optional.of(topic.substring(source.length() + separator.length()));
  }

  /**
   * Returns {@code mm2-offset-syncs isep clusterAlias isep internal}, where {@code isep} is the internal separator
   * (see the class description).
   *
   * @throws NullPointerException if {@code clusterAlias} is null
   */
  @Override
  public String offsetSyncsTopic(String clusterAlias) {
    Objects.requireNonNull(clusterAlias, "clusterAlias");
    return OFFSET_SYNCS_PREFIX + internalSeparator + clusterAlias + internalSuffix;
  }

  /**
   * Returns {@code clusterAlias isep checkpoints isep internal}, where {@code isep} is the internal separator (see
   * the class description).
   *
   * @throws NullPointerException if {@code clusterAlias} is null
   */
  @Override
  public String checkpointsTopic(String clusterAlias) {
    Objects.requireNonNull(clusterAlias, "clusterAlias");
    return clusterAlias + checkpointsSuffix;
  }

  /**
   * Returns whether {@code topic} ends with {@code isep checkpoints isep internal}.
   *
   * @throws NullPointerException if {@code topic} is null
   */
  @Override
  public boolean isCheckpointsTopic(String topic) {
    Objects.requireNonNull(topic, "topic");
    return topic.endsWith(checkpointsSuffix);
  }

  /**
   * Returns whether {@code topic} starts with {@code mm2} and ends with {@code isep internal} (offset-syncs topics
   * and the {@code mm2-configs}, {@code mm2-offsets} and {@code mm2-status} topics of a MirrorMaker 2 cluster), or
   * is a {@linkplain #isCheckpointsTopic(String) checkpoints topic}.
   *
   * @throws NullPointerException if {@code topic} is null
   */
  @Override
  public boolean isMM2InternalTopic(String topic) {
    Objects.requireNonNull(topic, "topic");
    return (topic.startsWith(MM2_PREFIX) && topic.endsWith(internalSuffix)) || isCheckpointsTopic(topic);
  }

  /**
   * Returns true when {@code other} is a {@code DefaultReplicationPolicy} with the same separator and
   * internal-separator setting.
   */
  @Override
  public boolean equals(@Nullable Object other) {
    return this == other
        || (other instanceof DefaultReplicationPolicy that
            && separator.equals(that.separator)
            && internalTopicSeparatorEnabled == that.internalTopicSeparatorEnabled);
  }

  @Override
  public int hashCode() {
    return Objects.hash(separator, internalTopicSeparatorEnabled);
  }

  /** Returns the settings, e.g. {@code DefaultReplicationPolicy{separator='.', internalTopicSeparatorEnabled=true}}. */
  @Override
  public String toString() {
    return "DefaultReplicationPolicy{separator='" + separator + "', internalTopicSeparatorEnabled="
        + internalTopicSeparatorEnabled + "}";
  }

  /** MirrorMaker 2's rule, see {@link #topicSource(String)}: null when {@code topic} is not a remote topic. */
  private @Nullable String source(String topic) {
    // Pattern.split, not a hand-written indexOf: its edge cases (a leading separator gives an empty first piece,
    // trailing empty pieces are dropped, matches do not overlap) are exactly what MirrorMaker 2 does.
    String[] pieces = separatorPattern.split(topic);
    return pieces.length < 2 ? null : pieces[0];
  }
}
