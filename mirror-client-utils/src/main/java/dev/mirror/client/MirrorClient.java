package dev.mirror.client;

import dev.mirror.client.internal.CheckpointIndex;
import dev.mirror.client.internal.CheckpointReader;
import dev.mirror.client.internal.ClientConfigs;
import dev.mirror.client.internal.ClusterAccess;
import dev.mirror.client.internal.Deadline;
import dev.mirror.client.internal.KafkaClusterAccess;
import dev.mirror.client.internal.Topology;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads what replication left on a cluster: where a consumer group resumes after a failover (its translated
 * offsets, from the checkpoints topics), and which clusters replicate into this one (from the heartbeats topics'
 * names). The methods have the names and meanings of MirrorMaker 2's {@code org.apache.kafka.connect.mirror.MirrorClient},
 * and work the same on topics written by MirrorMaker 2 or by Mirror.
 *
 * <pre>{@code
 * try (MirrorClient client = new MirrorClient(Map.of("bootstrap.servers", "backup:9092"))) {
 *   Map<TopicPartition, OffsetAndMetadata> offsets =
 *       client.remoteConsumerOffsets("billing", "primary", Duration.ofSeconds(10));
 *   // offsets of group "billing" on topics such as "primary.orders", ready to commit or seek to on "backup"
 * }
 * }</pre>
 *
 * <h2>Which cluster</h2>
 * Point the client at the cluster where consumers <em>resume</em>: the target of the replication, which holds the
 * checkpoints topic {@code <remote alias>.checkpoints.internal}. The remote alias names the cluster where the group
 * committed its offsets before the failover.
 *
 * <h2>Repeated look-ups are cheap</h2>
 * For each remote alias the client keeps the latest checkpoint of every group and partition and the offset it has
 * read the checkpoints topic up to. Each {@code remoteConsumerOffsets} call reads only the records written since
 * the previous call, up to the topic's end offset at the time of the call, so looking up many groups, or the same
 * group again and again, does not re-read the topic (MirrorMaker 2 reads it from the beginning on every call). The
 * cache holds one entry per group and partition in the topic, the same data a compacted checkpoints topic keeps.
 * It starts over when the topic is deleted and created again, and is dropped when the topic is gone.
 *
 * <h2>Records</h2>
 * Within one checkpoints topic the last checkpoint of a group and partition wins, as in MirrorMaker 2. A record
 * that is not a valid checkpoint (malformed bytes, a negative offset) is skipped and counted in one WARN line per
 * call; MirrorMaker 2 skips malformed bytes too but throws on a negative offset. A tombstone removes the checkpoint
 * of its group and partition, as compaction will, and is logged at WARN; MirrorMaker 2 never writes tombstones, and
 * its client throws a {@code NullPointerException} on one.
 *
 * <h2>Configuration</h2>
 * The client properties are Kafka client properties ({@code bootstrap.servers}, required; security settings;
 * timeouts; {@code client.id}), and MirrorMaker 2's policy keys ({@code replication.policy.class},
 * {@code replication.policy.separator}, ..., see {@link ReplicationPolicies#fromConfig(Map)}). Every Kafka key goes
 * to both the admin client and the checkpoints consumer; keys prefixed {@code admin.} or {@code consumer.} apply to
 * that client only and override the bare key, as in MirrorMaker 2 (which, unlike this class, drops every key but
 * {@code bootstrap.servers}, {@code security.protocol}, {@code ssl.*} and {@code sasl.*}). The consumer never joins
 * a group and never creates topics ({@code allow.auto.create.topics=false}); it reads with
 * {@code isolation.level=read_committed} unless told otherwise. {@code client.id} (default
 * {@code mirror-client-<n>}) gets the suffixes {@code -admin} and {@code -checkpoints}.
 *
 * <h2>Time limits and errors</h2>
 * The offset look-ups take a timeout and either return everything up to the topic's end or throw
 * {@link MirrorTimeoutException}; they never return a partial map (MirrorMaker 2 does, silently). The topology
 * look-ups ({@link #heartbeatTopics()} and the others) list the cluster's topics within {@code default.api.timeout.ms}
 * (default {@link #DEFAULT_API_TIMEOUT}) and throw {@link MirrorTimeoutException} after it. Every error is unchecked,
 * a {@link MirrorClientException} naming the cluster's {@code bootstrap.servers}; an interrupted call sets the
 * thread's interrupt flag again and throws Kafka's {@link InterruptException}.
 *
 * <h2>Threads and resources</h2>
 * This class is thread-safe. Its admin client and consumer are created on first use and closed by {@link #close()};
 * whoever creates a {@code MirrorClient} owns it and must close it. Topology look-ups run concurrently; offset
 * look-ups share one consumer, so they run one at a time, and a call that cannot start within its timeout because
 * another is reading throws {@link MirrorTimeoutException}.
 *
 * @since 0.1.0
 */
public final class MirrorClient implements AutoCloseable {

  /**
   * How long the topology look-ups wait for the cluster when {@code default.api.timeout.ms} is not set: 60 seconds,
   * Kafka's default.
   */
  public static final Duration DEFAULT_API_TIMEOUT = ClientConfigs.DEFAULT_API_TIMEOUT;

  /** How long {@link #close()} gives each Kafka client to close. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final ReplicationPolicy replicationPolicy;
  private final ClusterAccess cluster;
  private final CheckpointReader reader;
  /** Serialises the offset look-ups, which share the consumer and the cache. */
  private final ReentrantLock readLock = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates a client for the cluster named by {@code clientProperties}, with the replication policy those properties
   * describe ({@link ReplicationPolicies#fromConfig(Map)}; MirrorMaker 2's default policy when they set none). No
   * connection is made until the first look-up.
   *
   * @param clientProperties Kafka client properties of the cluster where consumers resume, with at least
   *     {@code bootstrap.servers}; MirrorMaker 2's {@code replication.policy.*} keys choose the policy. The map is
   *     copied.
   * @throws NullPointerException if {@code clientProperties} is null
   * @throws IllegalArgumentException if {@code bootstrap.servers} is missing or empty, the policy keys are invalid,
   *     or a value is invalid for the Kafka clients; the message names the key and the value
   */
  public MirrorClient(Map<String, ?> clientProperties) {
    this(ReplicationPolicies.fromConfig(Objects.requireNonNull(clientProperties, "clientProperties")),
        new KafkaClusterAccess(ClientConfigs.parse(clientProperties)));
  }

  /**
   * Creates a client for the cluster named by {@code clientProperties}, with the given replication policy. Any
   * {@code replication.policy.*} keys in the properties are ignored. No connection is made until the first look-up.
   *
   * @param clientProperties Kafka client properties of the cluster where consumers resume, with at least
   *     {@code bootstrap.servers}. The map is copied.
   * @param replicationPolicy the policy the replication runs with
   * @return a new client, owned by the caller, who must close it
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code bootstrap.servers} is missing or empty, or a value is invalid for the
   *     Kafka clients
   */
  public static MirrorClient create(Map<String, ?> clientProperties, ReplicationPolicy replicationPolicy) {
    Objects.requireNonNull(clientProperties, "clientProperties");
    Objects.requireNonNull(replicationPolicy, "replicationPolicy");
    return new MirrorClient(replicationPolicy, new KafkaClusterAccess(ClientConfigs.parse(clientProperties)));
  }

  /** For tests: a client on any {@link ClusterAccess}, such as one around a {@code MockConsumer}. */
  MirrorClient(ReplicationPolicy replicationPolicy, ClusterAccess cluster) {
    this.replicationPolicy = Objects.requireNonNull(replicationPolicy, "replicationPolicy");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.reader = new CheckpointReader(cluster);
  }

  /**
   * Returns the replication policy used to read topic names.
   *
   * @return the policy given to {@link #create} or built from the client properties
   */
  public ReplicationPolicy replicationPolicy() {
    return replicationPolicy;
  }

  /**
   * Returns the fewest hops from {@code upstreamClusterAlias} to this cluster, from the names of the heartbeats
   * topics: for flows {@code A->B->C}, a client on {@code C} sees {@code B.A.heartbeats} and answers 2 for
   * {@code A} and 1 for {@code B}. A walk stops at a cluster seen before (a cycle).
   *
   * @param upstreamClusterAlias the alias of the cluster to find
   * @return the number of hops, at least 1; -1 if no heartbeats topic leads to that cluster
   * @throws NullPointerException if {@code upstreamClusterAlias} is null
   * @throws MirrorTimeoutException if the topics cannot be listed within {@code default.api.timeout.ms}
   * @throws MirrorClientException if the topics cannot be listed for another reason
   * @throws IllegalStateException if the client is closed
   */
  public int replicationHops(String upstreamClusterAlias) {
    Objects.requireNonNull(upstreamClusterAlias, "upstreamClusterAlias");
    return heartbeatTopics().stream()
        .mapToInt(topic -> Topology.hops(replicationPolicy, topic, upstreamClusterAlias))
        .filter(hops -> hops != -1)
        .min()
        .orElse(-1);
  }

  /**
   * Returns the heartbeats topics on this cluster: the local {@code heartbeats} topic and those replicated from
   * other clusters ({@code B.heartbeats}, {@code B.A.heartbeats}, ...).
   *
   * @return an immutable set, sorted by name
   * @throws MirrorTimeoutException if the topics cannot be listed within {@code default.api.timeout.ms}
   * @throws MirrorClientException if the topics cannot be listed for another reason
   * @throws IllegalStateException if the client is closed
   */
  public Set<String> heartbeatTopics() {
    return topics(replicationPolicy::isHeartbeatsTopic);
  }

  /**
   * Returns the checkpoints topics on this cluster, one per remote cluster whose groups are checkpointed here.
   *
   * @return an immutable set, sorted by name
   * @throws MirrorTimeoutException if the topics cannot be listed within {@code default.api.timeout.ms}
   * @throws MirrorClientException if the topics cannot be listed for another reason
   * @throws IllegalStateException if the client is closed
   */
  public Set<String> checkpointTopics() {
    return topics(replicationPolicy::isCheckpointsTopic);
  }

  /**
   * Returns every cluster that replicates into this one, directly or through other clusters, from the names of the
   * heartbeats topics: {@code C.B.A.heartbeats} gives {@code C}, {@code B} and {@code A}.
   *
   * @return an immutable set of aliases, sorted
   * @throws MirrorTimeoutException if the topics cannot be listed within {@code default.api.timeout.ms}
   * @throws MirrorClientException if the topics cannot be listed for another reason
   * @throws IllegalStateException if the client is closed
   */
  public Set<String> upstreamClusters() {
    return heartbeatTopics().stream()
        .flatMap(topic -> Topology.sources(replicationPolicy, topic).stream())
        .collect(Collectors.collectingAndThen(Collectors.toCollection(TreeSet::new),
            Collections::unmodifiableSortedSet));
  }

  /**
   * Returns the remote topics on this cluster: topics the policy says were replicated from another cluster,
   * internal topics (heartbeats and checkpoints included, see {@link ReplicationPolicy#isInternalTopic}) left out.
   *
   * @return an immutable set, sorted by name
   * @throws MirrorTimeoutException if the topics cannot be listed within {@code default.api.timeout.ms}
   * @throws MirrorClientException if the topics cannot be listed for another reason
   * @throws IllegalStateException if the client is closed
   */
  public Set<String> remoteTopics() {
    return topics(topic -> Topology.isRemoteTopic(replicationPolicy, topic));
  }

  /**
   * Returns the remote topics replicated straight from {@code sourceClusterAlias} (one hop, not through another
   * cluster).
   *
   * @param sourceClusterAlias the alias of the cluster the topics came from
   * @return an immutable set, sorted by name
   * @throws NullPointerException if {@code sourceClusterAlias} is null
   * @throws MirrorTimeoutException if the topics cannot be listed within {@code default.api.timeout.ms}
   * @throws MirrorClientException if the topics cannot be listed for another reason
   * @throws IllegalStateException if the client is closed
   */
  public Set<String> remoteTopics(String sourceClusterAlias) {
    Objects.requireNonNull(sourceClusterAlias, "sourceClusterAlias");
    return topics(topic -> Topology.isRemoteTopic(replicationPolicy, topic)
        && replicationPolicy.topicSource(topic).orElseThrow().equals(sourceClusterAlias));
  }

  /**
   * Translates a consumer group's offsets from a remote cluster to this one: for each partition the group committed
   * on the remote cluster, the latest checkpoint in {@code <remoteClusterAlias>.checkpoints.internal} (with the
   * default policy) gives the topic-partition on this cluster and the offset to resume from.
   *
   * <p>Reads the checkpoints topic up to its end offset at the time of the call, starting where the previous call
   * for the same alias stopped (see the class comment). A missing checkpoints topic gives an empty map; the topic
   * is not created.
   *
   * @param consumerGroupId the group id, the same on both clusters
   * @param remoteClusterAlias the alias of the cluster where the group committed the offsets
   * @param timeout how long to wait for the cluster and the read; zero or positive
   * @return the offsets to resume from, keyed by the topic-partitions on this cluster (for example
   *     {@code primary.orders-0}); immutable, empty if the group has no checkpoint
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code timeout} is negative or {@code remoteClusterAlias} gives an illegal
   *     topic name
   * @throws MirrorTimeoutException if the checkpoints topic cannot be read to its end within {@code timeout}; the
   *     message gives the offset reached and the end offset
   * @throws MirrorClientException if the checkpoints topic cannot be read for another reason
   * @throws IllegalStateException if the client is closed, also while the call runs
   * @throws InterruptException if the thread is interrupted
   */
  public Map<TopicPartition, OffsetAndMetadata> remoteConsumerOffsets(String consumerGroupId,
      String remoteClusterAlias, Duration timeout) {
    Objects.requireNonNull(consumerGroupId, "consumerGroupId");
    return withCheckpoints(remoteClusterAlias, timeout, index -> index.offsets(consumerGroupId));
  }

  /**
   * Translates the offsets of every consumer group whose id matches {@code consumerGroupPattern} (the whole id, as
   * {@link java.util.regex.Matcher#matches()}), in one read of the checkpoints topic. Otherwise the same as
   * {@link #remoteConsumerOffsets(String, String, Duration)}.
   *
   * @param consumerGroupPattern the pattern group ids must match
   * @param remoteClusterAlias the alias of the cluster where the groups committed the offsets
   * @param timeout how long to wait for the cluster and the read; zero or positive
   * @return for each matching group with checkpoints, its offsets keyed by the topic-partitions on this cluster;
   *     immutable, empty if no group matches
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code timeout} is negative or {@code remoteClusterAlias} gives an illegal
   *     topic name
   * @throws MirrorTimeoutException if the checkpoints topic cannot be read to its end within {@code timeout}
   * @throws MirrorClientException if the checkpoints topic cannot be read for another reason
   * @throws IllegalStateException if the client is closed, also while the call runs
   * @throws InterruptException if the thread is interrupted
   */
  public Map<String, Map<TopicPartition, OffsetAndMetadata>> remoteConsumerOffsets(Pattern consumerGroupPattern,
      String remoteClusterAlias, Duration timeout) {
    Objects.requireNonNull(consumerGroupPattern, "consumerGroupPattern");
    return withCheckpoints(remoteClusterAlias, timeout, index -> index.offsets(consumerGroupPattern));
  }

  /**
   * Closes the admin client and the consumer, if they were created, and forgets the cached checkpoints. An offset
   * look-up running on another thread is stopped and throws {@link IllegalStateException}; this method waits for it
   * to stop, which takes at most about 100 ms while it reads records, or the rest of its timeout while it waits for
   * the cluster to answer. Each Kafka client then gets up to 5 seconds to close. Idempotent: later calls do nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    cluster.wakeup();
    readLock.lock();
    try {
      reader.clear();
      cluster.close(CLOSE_TIMEOUT);
    } finally {
      readLock.unlock();
    }
  }

  /**
   * Describes the client for logs: the cluster and the policy.
   *
   * @return for example {@code MirrorClient[bootstrap.servers=backup:9092, replicationPolicy=...]}
   */
  @Override
  public String toString() {
    return "MirrorClient[bootstrap.servers=" + cluster.bootstrapServers() + ", replicationPolicy="
        + replicationPolicy + (closed.get() ? ", closed" : "") + "]";
  }

  /**
   * For tests: how many records of the checkpoints topic of {@code remoteClusterAlias} this client has read since
   * its cache for that topic started, to show that a call reads only new records.
   */
  long checkpointRecordsRead(String remoteClusterAlias) {
    readLock.lock();
    try {
      return reader.recordsRead(replicationPolicy.checkpointsTopic(remoteClusterAlias));
    } finally {
      readLock.unlock();
    }
  }

  private Set<String> topics(Predicate<String> filter) {
    checkOpen();
    return cluster.listTopics().stream()
        .filter(filter)
        .collect(Collectors.collectingAndThen(Collectors.toCollection(TreeSet::new),
            Collections::unmodifiableSortedSet));
  }

  private <R> R withCheckpoints(String remoteClusterAlias, Duration timeout, Function<CheckpointIndex, R> query) {
    Objects.requireNonNull(remoteClusterAlias, "remoteClusterAlias");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be zero or positive, but was '" + timeout
          + "'; use e.g. Duration.ofSeconds(10)");
    }
    Deadline deadline = Deadline.after(timeout);
    String topic = checkpointsTopic(remoteClusterAlias);
    checkOpen();
    acquireReadLock(topic, deadline);
    try {
      checkOpen();
      return query.apply(reader.read(topic, deadline, closed::get));
    } catch (WakeupException e) {
      throw new IllegalStateException("MirrorClient of cluster '" + cluster.bootstrapServers()
          + "' was closed while reading checkpoints topic '" + topic + "'; create a new one", e);
    } finally {
      readLock.unlock();
    }
  }

  private String checkpointsTopic(String remoteClusterAlias) {
    if (remoteClusterAlias.isEmpty()) {
      throw new IllegalArgumentException("remoteClusterAlias must not be empty; use the alias of the cluster where "
          + "the group committed its offsets, e.g. \"primary\"");
    }
    String topic = replicationPolicy.checkpointsTopic(remoteClusterAlias);
    if (!LEGAL_TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
      throw new IllegalArgumentException("remoteClusterAlias '" + remoteClusterAlias + "' gives checkpoints topic '"
          + topic + "', which is not a legal topic name (1 to 249 of [a-zA-Z0-9._-]); use the alias the "
          + "replication uses for that cluster");
    }
    return topic;
  }

  private void acquireReadLock(String topic, Deadline deadline) {
    try {
      if (!readLock.tryLock(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
        throw new MirrorTimeoutException("cannot read checkpoints topic '" + topic + "' of cluster '"
            + cluster.bootstrapServers() + "' within " + deadline.timeout() + ": another call on this MirrorClient "
            + "was reading checkpoints all that time, and such calls run one at a time; use a longer timeout",
            null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("MirrorClient of cluster '" + cluster.bootstrapServers()
          + "' is closed; create a new one");
    }
  }
}
