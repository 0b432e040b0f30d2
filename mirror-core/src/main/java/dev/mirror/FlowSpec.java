package dev.mirror;

import dev.mirror.client.ReplicationPolicy;
import dev.mirror.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One replication flow: which topics of the source cluster are copied to the target cluster, and how.
 *
 * <p>A topic is replicated when its name matches one of the {@linkplain Builder#topics(String...) include
 * patterns} in full, matches none of the {@linkplain Builder#excludeTopics(String...) exclude patterns}, is not
 * internal (Kafka's {@code __*} topics, MirrorMaker 2's and Mirror's own topics), and would not form a cycle
 * (under the default policy, a topic that came from the target is never sent back).
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class FlowSpec {
  /** Topics replicated by default: all. */
  public static final List<String> DEFAULT_TOPICS = List.of(".*");

  /**
   * Topics excluded by default, as in MirrorMaker 2 (Kafka 4.x): MirrorMaker 2's internal topics, replica
   * topics and topics starting with {@code __}. A user topic that merely ends in {@code .internal} is
   * replicated.
   */
  public static final List<String> DEFAULT_EXCLUDE_TOPICS = List.of("mm2.*\\.internal", ".*\\.replica", "__.*");

  /**
   * Topic configuration properties never copied to remote topics by default, as in MirrorMaker 2 (Kafka 4.3):
   * throttling, timestamp and durability settings belong to the target cluster's operators.
   */
  public static final List<String> DEFAULT_CONFIG_PROPERTIES_EXCLUDE = List.of(
      "follower.replication.throttled.replicas",
      "leader.replication.throttled.replicas",
      "message.timestamp.difference.max.ms",
      "message.timestamp.type",
      "unclean.leader.election.enable",
      "min.insync.replicas",
      "log.message.timestamp.before.max.ms",
      "log.message.timestamp.after.max.ms");

  /** Default interval between topic refreshes: new topics and partitions are picked up within it. */
  public static final Duration DEFAULT_TOPIC_REFRESH_INTERVAL = Duration.ofSeconds(5);

  /**
   * Default interval between stores of replication positions in the target cluster. Short, because a process
   * that dies copies again what the target acknowledged since the last store; each store is one small record
   * per partition that advanced, sent with the data.
   */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(20);

  /** Groups whose offsets are checkpointed by default: all. */
  public static final List<String> DEFAULT_GROUPS = List.of(".*");

  /** Groups excluded by default, as in MirrorMaker 2: console consumers, Connect workers, {@code __*}. */
  public static final List<String> DEFAULT_EXCLUDE_GROUPS = List.of("console-consumer-.*", "connect-.*", "__.*");

  /** Default interval between checkpoints of the groups' offsets, and between looks for new groups. */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

  /** Default interval between syncs of remote topics' configs and ACLs (MirrorMaker 2: 10 minutes). */
  public static final Duration DEFAULT_METADATA_SYNC_INTERVAL = Duration.ofSeconds(30);

  /** Default interval between heartbeats. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

  /**
   * Most copy threads a flow runs: a flow's partitions are split into this many shards (the partitions of
   * its state topic), and each copy thread, in this or another instance, owns whole shards.
   */
  public static final int MAX_TASKS = 12;

  /** Replication factor meaning "the target broker's {@code default.replication.factor}". */
  public static final int BROKER_DEFAULT_REPLICATION_FACTOR = -1;

  private final String source;
  private final String target;
  private final List<Pattern> topics;
  private final List<Pattern> excludeTopics;
  private final @Nullable ReplicationPolicy replicationPolicy;
  private final StartPosition startPosition;
  private final boolean refreshTopics;
  private final Duration topicRefreshInterval;
  private final Duration commitInterval;
  private final int replicationFactor;
  private final boolean syncTopicConfigs;
  private final List<String> configPropertiesExclude;
  private final Map<String, Object> consumerOverrides;
  private final Map<String, Object> producerOverrides;
  private final Map<String, Object> adminOverrides;
  private final List<Pattern> groups;
  private final List<Pattern> excludeGroups;
  private final boolean emitCheckpoints;
  private final Duration checkpointInterval;
  private final boolean syncGroupOffsets;
  private final Duration topicConfigSyncInterval;
  private final boolean syncTopicAcls;
  private final Duration topicAclSyncInterval;
  private final Duration groupRefreshInterval;
  private final Duration syncGroupOffsetsInterval;
  private final boolean emitHeartbeats;
  private final Duration heartbeatInterval;
  private final boolean replicateHeartbeats;
  private final boolean emitOffsetSyncs;
  private final OffsetSyncsLocation offsetSyncsLocation;
  private final int tasks;
  private final boolean scaleOut;
  private final boolean exactlyOnce;
  private final boolean copyBatches;
  private final SourceResetPolicy onSourceReset;

  private FlowSpec(Builder b) {
    this.source = Objects.requireNonNull(b.source, "source");
    this.target = Objects.requireNonNull(b.target, "target");
    this.topics = List.copyOf(b.topics);
    this.excludeTopics = List.copyOf(b.excludeTopics);
    this.replicationPolicy = b.replicationPolicy;
    this.startPosition = b.startPosition;
    this.refreshTopics = b.refreshTopics;
    this.topicRefreshInterval = b.topicRefreshInterval;
    this.commitInterval = b.commitInterval;
    this.replicationFactor = b.replicationFactor;
    this.syncTopicConfigs = b.syncTopicConfigs;
    this.tasks = b.tasks;
    this.scaleOut = b.scaleOut;
    this.exactlyOnce = b.exactlyOnce;
    this.copyBatches = b.copyBatches;
    this.onSourceReset = b.onSourceReset;
    this.configPropertiesExclude = List.copyOf(b.configPropertiesExclude);
    this.consumerOverrides = Map.copyOf(b.consumerOverrides);
    this.producerOverrides = Map.copyOf(b.producerOverrides);
    this.adminOverrides = Map.copyOf(b.adminOverrides);
    this.groups = List.copyOf(b.groups);
    this.excludeGroups = List.copyOf(b.excludeGroups);
    this.emitCheckpoints = b.emitCheckpoints;
    this.checkpointInterval = b.checkpointInterval;
    this.syncGroupOffsets = b.syncGroupOffsets;
    this.groupRefreshInterval = b.groupRefreshInterval;
    this.topicConfigSyncInterval = b.topicConfigSyncInterval;
    this.syncTopicAcls = b.syncTopicAcls;
    this.topicAclSyncInterval = b.topicAclSyncInterval;
    this.syncGroupOffsetsInterval = b.syncGroupOffsetsInterval;
    this.emitHeartbeats = b.emitHeartbeats;
    this.heartbeatInterval = b.heartbeatInterval;
    this.replicateHeartbeats = b.replicateHeartbeats;
    this.emitOffsetSyncs = b.emitOffsetSyncs;
    this.offsetSyncsLocation = b.offsetSyncsLocation;
  }

  /** Starts a flow specification; {@link Builder#from} and {@link Builder#to} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the flow's id, {@code <source>-><target>}, used in logs, thread names and status. */
  public String id() {
    return source + "->" + target;
  }

  /** Returns the alias of the cluster records are read from. */
  public String source() {
    return source;
  }

  /** Returns the alias of the cluster records are written to. */
  public String target() {
    return target;
  }

  /** Returns the include patterns; a topic is a candidate when it matches one in full. */
  public List<Pattern> topics() {
    return topics;
  }

  /** Returns the exclude patterns; a topic matching one in full is not replicated. */
  public List<Pattern> excludeTopics() {
    return excludeTopics;
  }

  /** Returns this flow's replication policy, or empty to use the Mirror's. */
  public Optional<ReplicationPolicy> replicationPolicy() {
    return Optional.ofNullable(replicationPolicy);
  }

  /** Returns where partitions without a stored position start. */
  public StartPosition startPosition() {
    return startPosition;
  }

  /** Returns whether the source's topics are listed again periodically to pick up new topics and partitions. */
  public boolean refreshTopics() {
    return refreshTopics;
  }

  /** Returns the interval between topic refreshes. */
  public Duration topicRefreshInterval() {
    return topicRefreshInterval;
  }

  /** Returns the interval between stores of replication positions. */
  public Duration commitInterval() {
    return commitInterval;
  }

  /** Returns the replication factor of remote topics; -1 means the target broker's default. */
  public int replicationFactor() {
    return replicationFactor;
  }

  /** Returns whether remote topics get the source topic's configuration. */
  public boolean syncTopicConfigs() {
    return syncTopicConfigs;
  }

  /** Returns the topic configuration properties never copied. */
  public List<String> configPropertiesExclude() {
    return configPropertiesExclude;
  }

  /** Returns consumer properties for this flow, applied over the source cluster's. */
  public Map<String, Object> consumerOverrides() {
    return consumerOverrides;
  }

  /** Returns producer properties for this flow, applied over the target cluster's. */
  public Map<String, Object> producerOverrides() {
    return producerOverrides;
  }

  /** Returns admin client properties for this flow, applied over each cluster's. */
  public Map<String, Object> adminOverrides() {
    return adminOverrides;
  }

  /** Returns the group include patterns; a group's offsets are checkpointed when it matches one in full. */
  public List<Pattern> groups() {
    return groups;
  }

  /** Returns the group exclude patterns. */
  public List<Pattern> excludeGroups() {
    return excludeGroups;
  }

  /** Returns whether the groups' translated offsets are written as checkpoints on the target. */
  public boolean emitCheckpoints() {
    return emitCheckpoints;
  }

  /** Returns the interval between checkpoints, and between looks for new groups. */
  public Duration checkpointInterval() {
    return checkpointInterval;
  }

  /** Returns whether translated offsets are committed to the target's groups that have no active members. */
  public boolean syncGroupOffsets() {
    return syncGroupOffsets;
  }

  /** Returns the interval between syncs of existing remote topics' configs (with {@link #syncTopicConfigs()}). */
  public Duration topicConfigSyncInterval() {
    return topicConfigSyncInterval;
  }

  /** Returns whether topic ACLs are copied to remote topics. */
  public boolean syncTopicAcls() {
    return syncTopicAcls;
  }

  /** Returns the interval between ACL syncs. */
  public Duration topicAclSyncInterval() {
    return topicAclSyncInterval;
  }

  /** Returns the interval between looks for new consumer groups on the source. */
  public Duration groupRefreshInterval() {
    return groupRefreshInterval;
  }

  /** Returns the interval between commits of translated offsets to the target's idle groups. */
  public Duration syncGroupOffsetsInterval() {
    return syncGroupOffsetsInterval;
  }

  /** Returns whether heartbeats are written. */
  public boolean emitHeartbeats() {
    return emitHeartbeats;
  }

  /** Returns the interval between heartbeats. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** Returns whether heartbeats topics are replicated even when the topic patterns leave them out. */
  public boolean replicateHeartbeats() {
    return replicateHeartbeats;
  }

  /** Returns whether MirrorMaker 2-format offset syncs are written. */
  public boolean emitOffsetSyncs() {
    return emitOffsetSyncs;
  }

  /** Returns where offset syncs are written. */
  public OffsetSyncsLocation offsetSyncsLocation() {
    return offsetSyncsLocation;
  }

  /** Returns how many threads copy the flow's partitions in this instance. */
  public int tasks() {
    return tasks;
  }

  /** Returns whether instances running this flow under the same Mirror name share its partitions. */
  public boolean scaleOut() {
    return scaleOut;
  }

  /** Returns what the flow does when a source partition lost records it had not replicated, or was re-created. */
  public SourceResetPolicy onSourceReset() {
    return onSourceReset;
  }

  /** Returns whether the flow writes to the target in transactions, so each record lands there exactly once. */
  public boolean exactlyOnce() {
    return exactlyOnce;
  }

  /** Returns whether the flow copies whole record batches instead of single records where it can (default). */
  public boolean copyBatches() {
    return copyBatches;
  }

  /** Returns a builder holding this specification's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.source = source;
    b.target = target;
    b.topics = new ArrayList<>(topics);
    b.excludeTopics = new ArrayList<>(excludeTopics);
    b.replicationPolicy = replicationPolicy;
    b.startPosition = startPosition;
    b.refreshTopics = refreshTopics;
    b.topicRefreshInterval = topicRefreshInterval;
    b.commitInterval = commitInterval;
    b.replicationFactor = replicationFactor;
    b.syncTopicConfigs = syncTopicConfigs;
    b.configPropertiesExclude = new ArrayList<>(configPropertiesExclude);
    b.consumerOverrides.putAll(consumerOverrides);
    b.producerOverrides.putAll(producerOverrides);
    b.adminOverrides.putAll(adminOverrides);
    b.groups = new ArrayList<>(groups);
    b.excludeGroups = new ArrayList<>(excludeGroups);
    b.emitCheckpoints = emitCheckpoints;
    b.checkpointInterval = checkpointInterval;
    b.syncGroupOffsets = syncGroupOffsets;
    b.groupRefreshInterval = groupRefreshInterval;
    b.topicConfigSyncInterval = topicConfigSyncInterval;
    b.syncTopicAcls = syncTopicAcls;
    b.topicAclSyncInterval = topicAclSyncInterval;
    b.syncGroupOffsetsInterval = syncGroupOffsetsInterval;
    b.emitHeartbeats = emitHeartbeats;
    b.heartbeatInterval = heartbeatInterval;
    b.replicateHeartbeats = replicateHeartbeats;
    b.emitOffsetSyncs = emitOffsetSyncs;
    b.offsetSyncsLocation = offsetSyncsLocation;
    b.tasks = tasks;
    b.scaleOut = scaleOut;
    b.exactlyOnce = exactlyOnce;
    b.copyBatches = copyBatches;
    b.onSourceReset = onSourceReset;
    return b;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("FlowSpec{").append(id());
    sb.append(", topics=").append(patterns(topics));
    sb.append(", excludeTopics=").append(patterns(excludeTopics));
    if (replicationPolicy != null) {
      sb.append(", replicationPolicy=").append(replicationPolicy);
    }
    sb.append(", startPosition=").append(startPosition);
    sb.append(", topicRefreshInterval=").append(refreshTopics ? topicRefreshInterval : "off");
    sb.append(", commitInterval=").append(commitInterval);
    sb.append(", replicationFactor=").append(replicationFactor);
    sb.append(", syncTopicConfigs=").append(syncTopicConfigs);
    sb.append(", groups=").append(patterns(groups));
    sb.append(", excludeGroups=").append(patterns(excludeGroups));
    sb.append(", checkpoints=").append(emitCheckpoints ? checkpointInterval : "off");
    sb.append(", syncGroupOffsets=").append(syncGroupOffsets);
    sb.append(", heartbeats=").append(emitHeartbeats ? heartbeatInterval : "off");
    sb.append(", offsetSyncs=").append(emitOffsetSyncs ? offsetSyncsLocation : "off");
    if (tasks > 1) {
      sb.append(", tasks=").append(tasks);
    }
    if (scaleOut) {
      sb.append(", scaleOut=true");
    }
    if (exactlyOnce) {
      sb.append(", exactlyOnce=true");
    }
    if (!copyBatches) {
      sb.append(", copyBatches=false");
    }
    if (onSourceReset != SourceResetPolicy.CONTINUE) {
      sb.append(", onSourceReset=").append(onSourceReset);
    }
    if (!consumerOverrides.isEmpty()) {
      sb.append(", consumerOverrides=").append(Checks.masked(consumerOverrides));
    }
    if (!producerOverrides.isEmpty()) {
      sb.append(", producerOverrides=").append(Checks.masked(producerOverrides));
    }
    if (!adminOverrides.isEmpty()) {
      sb.append(", adminOverrides=").append(Checks.masked(adminOverrides));
    }
    return sb.append('}').toString();
  }

  private static String patterns(List<Pattern> patterns) {
    return patterns.stream().map(Pattern::pattern).collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * Builds a {@link FlowSpec}. Mutable and not thread-safe; setters check their argument at once and
   * {@link Mirror.Builder#build()} checks the rules that span settings (aliases exist, no duplicate flows).
   */
  public static final class Builder {
    private @Nullable String source;
    private @Nullable String target;
    private List<Pattern> topics = compile(DEFAULT_TOPICS, "topics");
    private List<Pattern> excludeTopics = compile(DEFAULT_EXCLUDE_TOPICS, "excludeTopics");
    private @Nullable ReplicationPolicy replicationPolicy;
    private StartPosition startPosition = StartPosition.EARLIEST;
    private boolean refreshTopics = true;
    private Duration topicRefreshInterval = DEFAULT_TOPIC_REFRESH_INTERVAL;
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private int replicationFactor = BROKER_DEFAULT_REPLICATION_FACTOR;
    private boolean syncTopicConfigs = true;
    private List<String> configPropertiesExclude = new ArrayList<>(DEFAULT_CONFIG_PROPERTIES_EXCLUDE);
    private final Map<String, Object> consumerOverrides = new LinkedHashMap<>();
    private final Map<String, Object> producerOverrides = new LinkedHashMap<>();
    private final Map<String, Object> adminOverrides = new LinkedHashMap<>();
    private List<Pattern> groups = compile(DEFAULT_GROUPS, "groups");
    private List<Pattern> excludeGroups = compile(DEFAULT_EXCLUDE_GROUPS, "excludeGroups");
    private boolean emitCheckpoints = true;
    private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
    private boolean syncGroupOffsets;
    private Duration groupRefreshInterval = DEFAULT_CHECKPOINT_INTERVAL;
    private Duration topicConfigSyncInterval = DEFAULT_METADATA_SYNC_INTERVAL;
    private boolean syncTopicAcls = true;
    private Duration topicAclSyncInterval = DEFAULT_METADATA_SYNC_INTERVAL;
    private Duration syncGroupOffsetsInterval = DEFAULT_CHECKPOINT_INTERVAL;
    private boolean emitHeartbeats = true;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private boolean replicateHeartbeats = true;
    private boolean emitOffsetSyncs = true;
    private OffsetSyncsLocation offsetSyncsLocation = OffsetSyncsLocation.TARGET;
    private int tasks = 1;
    private boolean scaleOut;
    private boolean exactlyOnce;
    private boolean copyBatches = true;
    private SourceResetPolicy onSourceReset = SourceResetPolicy.CONTINUE;

    private Builder() {}

    /**
     * Sets the source cluster.
     *
     * @param sourceAlias the alias of a cluster defined with {@link Mirror.Builder#cluster}
     * @return this builder
     */
    public Builder from(String sourceAlias) {
      this.source = Checks.legalName(sourceAlias, "flow source alias");
      return this;
    }

    /**
     * Sets the target cluster.
     *
     * @param targetAlias the alias of a cluster defined with {@link Mirror.Builder#cluster}
     * @return this builder
     */
    public Builder to(String targetAlias) {
      this.target = Checks.legalName(targetAlias, "flow target alias");
      return this;
    }

    /**
     * Replaces the include patterns. A topic is a candidate when its whole name matches one of them.
     * Default: {@code .*}.
     *
     * @param regexes Java regular expressions, e.g. {@code "orders\\..*"}; none means no topic
     * @return this builder
     * @throws IllegalArgumentException when a pattern is not a valid regular expression
     */
    public Builder topics(String... regexes) {
      this.topics = compile(Arrays.asList(regexes), "topics");
      return this;
    }

    /**
     * Replaces the include patterns with a list of Java regular expressions.
     *
     * @param regexes Java regular expressions
     * @return this builder
     * @throws IllegalArgumentException when a pattern is not a valid regular expression
     */
    public Builder topics(List<String> regexes) {
      this.topics = compile(regexes, "topics");
      return this;
    }

    /**
     * Replaces the include patterns with exact topic names (no regular expression meaning: {@code a.b} does not
     * match {@code axb}).
     *
     * @param names topic names
     * @return this builder
     */
    public Builder topicNames(String... names) {
      List<Pattern> list = new ArrayList<>();
      for (String n : names) {
        list.add(Pattern.compile(Pattern.quote(Objects.requireNonNull(n, "topic name"))));
      }
      this.topics = list;
      return this;
    }

    /**
     * Replaces the exclude patterns; a topic whose whole name matches one is not replicated. Default:
     * {@link #DEFAULT_EXCLUDE_TOPICS}. Internal topics are never replicated, whatever this says.
     *
     * @param regexes Java regular expressions; none means exclude nothing beyond internal topics
     * @return this builder
     * @throws IllegalArgumentException when a pattern is not a valid regular expression
     */
    public Builder excludeTopics(String... regexes) {
      this.excludeTopics = compile(Arrays.asList(regexes), "excludeTopics");
      return this;
    }

    /**
     * Replaces the exclude patterns with a list of Java regular expressions.
     *
     * @param regexes Java regular expressions
     * @return this builder
     * @throws IllegalArgumentException when a pattern is not a valid regular expression
     */
    public Builder excludeTopics(List<String> regexes) {
      this.excludeTopics = compile(regexes, "excludeTopics");
      return this;
    }

    /**
     * Sets how remote topics are named, overriding the Mirror's policy for this flow.
     *
     * @param policy a replication policy
     * @return this builder
     */
    public Builder replicationPolicy(ReplicationPolicy policy) {
      this.replicationPolicy = Objects.requireNonNull(policy, "replicationPolicy");
      return this;
    }

    /**
     * Sets where partitions without a stored position start. Default: {@link StartPosition#EARLIEST}.
     *
     * @param startPosition the start position
     * @return this builder
     */
    public Builder startPosition(StartPosition startPosition) {
      this.startPosition = Objects.requireNonNull(startPosition, "startPosition");
      return this;
    }

    /**
     * Sets whether new topics and partitions are picked up while running. Default: true.
     *
     * @param refreshTopics false to look at the source's topics only when the flow starts
     * @return this builder
     */
    public Builder refreshTopics(boolean refreshTopics) {
      this.refreshTopics = refreshTopics;
      return this;
    }

    /**
     * Sets the interval between topic refreshes. Default: 5 seconds.
     *
     * @param interval a positive duration
     * @return this builder
     * @throws IllegalArgumentException when the interval is zero or negative
     */
    public Builder topicRefreshInterval(Duration interval) {
      this.topicRefreshInterval = Checks.positive(interval, "topicRefreshInterval");
      return this;
    }

    /**
     * Sets the interval between stores of replication positions in the target cluster. A restart re-copies
     * at most what was acknowledged since the last store. Default: {@link FlowSpec#DEFAULT_COMMIT_INTERVAL}
     * (20 ms); in exactly-once mode it is also the transaction interval, at least 100 ms.
     *
     * @param interval a positive duration
     * @return this builder
     * @throws IllegalArgumentException when the interval is zero or negative
     */
    public Builder commitInterval(Duration interval) {
      this.commitInterval = Checks.positive(interval, "commitInterval");
      return this;
    }

    /**
     * Sets the replication factor of the remote topics this flow creates. Default: -1, the target broker's
     * {@code default.replication.factor} (MirrorMaker 2 uses 2, which fails on single-broker clusters).
     *
     * @param replicationFactor a positive factor, or -1 for the broker default
     * @return this builder
     * @throws IllegalArgumentException when the factor is 0, below -1 or above 32767
     */
    public Builder replicationFactor(int replicationFactor) {
      if (replicationFactor == 0 || replicationFactor < -1 || replicationFactor > Short.MAX_VALUE) {
        throw new IllegalArgumentException(
            "replicationFactor must be >= 1 or -1 (broker default), but was " + replicationFactor);
      }
      this.replicationFactor = replicationFactor;
      return this;
    }

    /**
     * Sets whether remote topics are created with the source topic's configuration (retention, cleanup policy,
     * ...), minus {@link #configPropertiesExclude(List)}. Default: true.
     *
     * @param syncTopicConfigs false to create remote topics with the target's defaults
     * @return this builder
     */
    public Builder syncTopicConfigs(boolean syncTopicConfigs) {
      this.syncTopicConfigs = syncTopicConfigs;
      return this;
    }

    /**
     * Replaces the topic configuration properties that are never copied. Default:
     * {@link #DEFAULT_CONFIG_PROPERTIES_EXCLUDE}.
     *
     * @param properties configuration property names
     * @return this builder
     */
    public Builder configPropertiesExclude(List<String> properties) {
      List<String> copy = new ArrayList<>();
      for (String p : properties) {
        copy.add(Objects.requireNonNull(p, "configPropertiesExclude entry"));
      }
      this.configPropertiesExclude = copy;
      return this;
    }

    /**
     * Adds consumer properties for this flow, applied over the source cluster's properties and overrides.
     *
     * @param overrides Kafka consumer properties
     * @return this builder
     */
    public Builder consumerOverrides(Map<String, ?> overrides) {
      consumerOverrides.putAll(Checks.properties(overrides, "flow consumer overrides"));
      return this;
    }

    /**
     * Adds producer properties for this flow, applied over the target cluster's properties and overrides.
     *
     * @param overrides Kafka producer properties
     * @return this builder
     */
    public Builder producerOverrides(Map<String, ?> overrides) {
      producerOverrides.putAll(Checks.properties(overrides, "flow producer overrides"));
      return this;
    }

    /**
     * Adds admin client properties for this flow, applied over each cluster's properties and overrides.
     *
     * @param overrides Kafka admin client properties
     * @return this builder
     */
    public Builder adminOverrides(Map<String, ?> overrides) {
      adminOverrides.putAll(Checks.properties(overrides, "flow admin overrides"));
      return this;
    }

    /**
     * Replaces the group include patterns: the committed offsets of consumer groups on the source whose id
     * matches one in full are translated and checkpointed. Default: {@code .*}.
     *
     * @param regexes Java regular expressions; none means no group
     * @return this builder
     * @throws IllegalArgumentException when a pattern is not a valid regular expression
     */
    public Builder groups(String... regexes) {
      this.groups = compile(Arrays.asList(regexes), "groups");
      return this;
    }

    /**
     * Replaces the group include patterns with a list of Java regular expressions.
     *
     * @param regexes Java regular expressions
     * @return this builder
     */
    public Builder groups(List<String> regexes) {
      this.groups = compile(regexes, "groups");
      return this;
    }

    /**
     * Replaces the group exclude patterns. Default: {@link #DEFAULT_EXCLUDE_GROUPS}.
     *
     * @param regexes Java regular expressions
     * @return this builder
     */
    public Builder excludeGroups(String... regexes) {
      this.excludeGroups = compile(Arrays.asList(regexes), "excludeGroups");
      return this;
    }

    /**
     * Replaces the group exclude patterns with a list of Java regular expressions.
     *
     * @param regexes Java regular expressions
     * @return this builder
     */
    public Builder excludeGroups(List<String> regexes) {
      this.excludeGroups = compile(regexes, "excludeGroups");
      return this;
    }

    /**
     * Sets whether the groups' committed offsets are translated and written as MirrorMaker 2-format
     * checkpoints to {@code <source>.checkpoints.internal} on the target. Default: true.
     *
     * @param emitCheckpoints false to write no checkpoints
     * @return this builder
     */
    public Builder emitCheckpoints(boolean emitCheckpoints) {
      this.emitCheckpoints = emitCheckpoints;
      return this;
    }

    /**
     * Sets the interval between checkpoints and between looks for new groups. Default: 5 seconds
     * (MirrorMaker 2: 60 seconds, and 10 minutes to find new groups).
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder checkpointInterval(Duration interval) {
      this.checkpointInterval = Checks.positive(interval, "checkpointInterval");
      return this;
    }

    /**
     * Sets whether translated offsets are also committed to the same group on the target, when that group has
     * no active members there. Offsets on the target never move backwards. Default: false.
     *
     * @param syncGroupOffsets true to keep the target's groups ready for a failover
     * @return this builder
     */
    public Builder syncGroupOffsets(boolean syncGroupOffsets) {
      this.syncGroupOffsets = syncGroupOffsets;
      return this;
    }

    /**
     * Sets the interval between syncs of existing remote topics' configs with their sources' (when
     * {@link #syncTopicConfigs(boolean)} is on): entries set on the source topic are set on the remote topic,
     * entries at their default are reset there. Default: 30 seconds (MirrorMaker 2: 10 minutes).
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder topicConfigSyncInterval(Duration interval) {
      this.topicConfigSyncInterval = Checks.positive(interval, "topicConfigSyncInterval");
      return this;
    }

    /**
     * Sets whether the replicated topics' LITERAL ACLs are copied to the remote topics, as MirrorMaker 2 does:
     * ALLOW WRITE is never copied (only Mirror writes remote topics) and ALLOW ALL becomes ALLOW READ; ACLs on
     * the target are never deleted. Skipped, with one log line, when a cluster has no authorizer. Default: true.
     *
     * @param syncTopicAcls false to leave the target's ACLs alone
     * @return this builder
     */
    public Builder syncTopicAcls(boolean syncTopicAcls) {
      this.syncTopicAcls = syncTopicAcls;
      return this;
    }

    /**
     * Sets the interval between ACL syncs. Default: 30 seconds.
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder topicAclSyncInterval(Duration interval) {
      this.topicAclSyncInterval = Checks.positive(interval, "topicAclSyncInterval");
      return this;
    }

    /**
     * Sets the interval between looks for new consumer groups on the source. Default: 5 seconds (MirrorMaker 2:
     * 10 minutes).
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder groupRefreshInterval(Duration interval) {
      this.groupRefreshInterval = Checks.positive(interval, "groupRefreshInterval");
      return this;
    }

    /**
     * Sets the interval between commits of translated offsets to the target's idle groups (with
     * {@link #syncGroupOffsets(boolean)}). Default: 5 seconds (MirrorMaker 2: 60 seconds).
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder syncGroupOffsetsInterval(Duration interval) {
      this.syncGroupOffsetsInterval = Checks.positive(interval, "syncGroupOffsetsInterval");
      return this;
    }

    /**
     * Sets whether MirrorMaker 2-format heartbeats are written to the {@code heartbeats} topic of the target
     * (and of the source, when permitted) so that replication paths can be traced. Default: true.
     *
     * @param emitHeartbeats false to write no heartbeats
     * @return this builder
     */
    public Builder emitHeartbeats(boolean emitHeartbeats) {
      this.emitHeartbeats = emitHeartbeats;
      return this;
    }

    /**
     * Sets the interval between heartbeats. Default: 1 second.
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeatInterval = Checks.positive(interval, "heartbeatInterval");
      return this;
    }

    /**
     * Sets whether heartbeats topics are replicated even when the topic patterns leave them out. Default: true
     * (as MirrorMaker 2's {@code heartbeats.replication.enabled}).
     *
     * @param replicateHeartbeats false to replicate heartbeats topics only when the patterns admit them
     * @return this builder
     */
    public Builder replicateHeartbeats(boolean replicateHeartbeats) {
      this.replicateHeartbeats = replicateHeartbeats;
      return this;
    }

    /**
     * Sets whether MirrorMaker 2-format offset syncs are written. Default: true.
     *
     * @param emitOffsetSyncs false to write none
     * @return this builder
     */
    public Builder emitOffsetSyncs(boolean emitOffsetSyncs) {
      this.emitOffsetSyncs = emitOffsetSyncs;
      return this;
    }

    /**
     * Sets where offset syncs are written. Default: {@link OffsetSyncsLocation#TARGET}, so the source can
     * stay read-only.
     *
     * @param location the cluster that holds the offset-syncs topic
     * @return this builder
     */
    public Builder offsetSyncsLocation(OffsetSyncsLocation location) {
      this.offsetSyncsLocation = Objects.requireNonNull(location, "offsetSyncsLocation");
      return this;
    }

    /**
     * Sets how many threads copy the flow's partitions (MirrorMaker 2's {@code tasks.max}). Each thread has its
     * own consumer and producer and owns whole shards of the flow's partitions, so a partition is copied by
     * one thread only and its order is kept. Topic sync, checkpoints and heartbeats run on the flow's control
     * thread whatever this says. Default: 1, which suits most flows: one thread copies several hundred
     * thousand small records per second.
     *
     * @param tasks 1 to {@value #MAX_TASKS}
     * @return this builder
     * @throws IllegalArgumentException when outside 1 to {@value #MAX_TASKS}
     */
    public Builder tasks(int tasks) {
      if (tasks < 1 || tasks > MAX_TASKS) {
        throw new IllegalArgumentException("tasks must be between 1 and " + MAX_TASKS + " (a flow's partitions are"
            + " split into " + MAX_TASKS + " shards, each copied by one thread), but was " + tasks);
      }
      this.tasks = tasks;
      return this;
    }

    /**
     * Sets whether several instances of the host application, each running a Mirror of the same
     * {@linkplain Mirror.Builder#name name} with this flow, share the flow's partitions. The instances join a
     * consumer group on the target cluster ({@code __mirror.<name>.<source>-><target>}) over the flow's state
     * topic; each owns whole shards (partitions of the state topic, so at most 12 instances do work) and
     * restores their positions when it gets them. An instance that stops hands its shards over after storing
     * their positions; one that dies loses them after the group's session timeout (10 s), and the others
     * resume them from the positions it stored last (at-least-once: records copied since its last position
     * store are copied again). Checkpoints, offset syncs and group offset sync cover the partitions an instance
     * owns; topic sync runs in every instance; heartbeats and config/ACL sync in the owner of shard 0.
     * Default: false, the flow copies every partition and joins no group (no rebalance delay at start).
     *
     * @param scaleOut true to share the flow with other instances
     * @return this builder
     */
    public Builder scaleOut(boolean scaleOut) {
      this.scaleOut = scaleOut;
      return this;
    }

    /**
     * Sets exactly-once mode. Each copy thread writes to the target in transactions: the records copied since
     * the last commit, their positions and their offset mapping commit together every
     * {@linkplain #commitInterval commit interval} (at least 100 ms in this mode), or not at all. A process
     * that dies mid-transaction leaves it aborted, and the next owner resumes from the last committed position,
     * so a {@code read_committed} consumer on the target sees every source record once. A second writer of the
     * same partitions (a zombie instance) is fenced: by its transactional id, and, with {@link #scaleOut}, by
     * the instances' group generation.
     *
     * <p>Needs brokers with transactions (Kafka 2.5 or later; a transaction state log replication factor the
     * cluster can meet), and Write on transactional ids {@code mirror-<name>-<source>-><target>-} (prefixed) for
     * Mirror's principal. Consumers on the target must read with {@code isolation.level=read_committed} to see
     * only committed records; they see records one commit interval later than in the default mode. Each commit
     * writes a transaction marker into every remote partition it touched, so target offsets skip one offset
     * per commit; offset translation follows those gaps exactly for the most recent
     * 1,000 commits of each partition, and for
     * older offsets translates conservatively (a consumer may re-read a few records, never skip one).
     * Default: false (at-least-once: after a crash, records copied since the last stored position are copied
     * again).
     *
     * @param exactlyOnce true for transactional writes
     * @return this builder
     */
    public Builder exactlyOnce(boolean exactlyOnce) {
      this.exactlyOnce = exactlyOnce;
      return this;
    }

    /**
     * Copies whole record batches instead of single records: the flow fetches the source's batches as they are
     * stored and writes them to the target unchanged but for the producer id, sequence and checksum in their
     * header, without parsing or re-encoding a record (a batch that starts before the position, lost records to
     * compaction, or carries log-append times is rebuilt from its records). Keys, values, headers, timestamps,
     * partitions, order and the source's compression are kept, and so are positions, offset translation and
     * checkpoints; records of aborted transactions are skipped as a {@code read_committed} consumer skips them.
     * It moves about 1.7 times as many records per second as the record path, at about 0.6 times its CPU.
     *
     * <p>A flow copies records instead, and logs why at start, in exactly-once mode, with the
     * {@link dev.mirror.client.IdentityReplicationPolicy} (which marks each record with a header), when the target
     * producer's {@code compression.type} or a client's {@code interceptor.classes} is set (both act on records),
     * and with a kafka-clients version other than the one Mirror was built for (batch copy uses its internal
     * network classes). When a broker refuses a batch as such (too large for the target, a format it does not
     * take), the flow goes on copying records from its stored positions and says why. A write the target
     * refuses for a passing reason (a leader moved, a broker restarted) restarts the flow from its stored
     * positions after the usual retry backoff, where the record path's producer would retry the write itself.
     * Default: true.
     *
     * @param copyBatches true to copy whole batches
     * @return this builder
     */
    public Builder copyBatches(boolean copyBatches) {
      this.copyBatches = copyBatches;
      return this;
    }

    /**
     * Sets what the flow does when a source partition lost records before they were replicated (retention,
     * delete-records), was truncated below the replicated position, or its topic was deleted and created again.
     * Each case is reported either way. Default: {@link SourceResetPolicy#CONTINUE}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder onSourceReset(SourceResetPolicy policy) {
      this.onSourceReset = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Returns an immutable specification.
     *
     * @throws IllegalStateException when {@link #from} or {@link #to} was not called
     */
    public FlowSpec build() {
      if (source == null || target == null) {
        throw new IllegalStateException("a flow needs a source and a target: call from(sourceAlias) and "
            + "to(targetAlias), but " + (source == null ? "from" : "to") + " was not called");
      }
      return new FlowSpec(this);
    }

    @Nullable String sourceOrNull() {
      return source;
    }

    @Nullable String targetOrNull() {
      return target;
    }

    private static List<Pattern> compile(List<String> regexes, String subject) {
      Objects.requireNonNull(regexes, subject);
      List<Pattern> list = new ArrayList<>();
      for (String r : regexes) {
        list.add(Checks.regex(r, subject + " pattern"));
      }
      return list;
    }
  }
}
