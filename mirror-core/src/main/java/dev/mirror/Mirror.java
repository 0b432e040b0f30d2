package dev.mirror;

import dev.mirror.client.DefaultReplicationPolicy;
import dev.mirror.client.ReplicationPolicy;
import dev.mirror.internal.Checks;
import dev.mirror.internal.engine.ClientConfigs;
import dev.mirror.internal.engine.EngineConfig;
import dev.mirror.internal.engine.KafkaClients;
import dev.mirror.internal.engine.MirrorEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Replicates topics between Kafka clusters inside the host application: MirrorMaker 2's job without a
 * Connect cluster.
 *
 * <pre>{@code
 * try (Mirror mirror = Mirror.builder()
 *         .name("dr")
 *         .cluster("primary", Map.of("bootstrap.servers", "primary:9092"))
 *         .cluster("backup", Map.of("bootstrap.servers", "backup:9092"))
 *         .flow(f -> f.from("primary").to("backup").topics("orders\\..*", "payments"))
 *         .build()
 *         .start()) {
 *   mirror.awaitRunning(Duration.ofSeconds(30));
 *   ...
 * }
 * }</pre>
 *
 * <p>Each flow runs on its own thread, named {@code mirror-<name>-<source>-><target>}. It creates the remote
 * topics on the target (named by the {@link ReplicationPolicy}, by default {@code <source>.<topic>}), copies
 * every record to the same partition with the same key, value, headers and timestamp, and stores how far it
 * got in a topic on the target cluster, so the source can be read-only and a restarted Mirror resumes
 * where it stopped. Delivery is at-least-once: a position is stored only after the target acknowledged every
 * record before it. A flow that loses a cluster retries with backoff and reports the error in
 * {@link #status()}; other flows carry on.
 *
 * <p>This class is thread-safe. A Mirror starts once; {@link #close()} stops it for good.
 *
 * @since 0.1.0
 */
public final class Mirror implements AutoCloseable {
  /** Default name of a Mirror. */
  public static final String DEFAULT_NAME = "mirror";
  /** Default bound of {@link #close()}. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** Default first wait before a failed flow retries; it doubles up to {@link #DEFAULT_RETRY_BACKOFF_MAX}. */
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
  /** Default longest wait between retries of a failed flow. */
  public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(30);
  /** Default timeout of each admin operation (listing or creating topics) and of restoring positions. */
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(30);

  private final Builder settings;
  private final MirrorEngine engine;

  private Mirror(Builder settings, EngineConfig config) {
    this.settings = settings;
    this.engine = new MirrorEngine(config, settings.operationTimeout);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns this Mirror's name. */
  public String name() {
    return settings.name;
  }

  /** Returns the clusters, by alias. */
  public Map<String, ClusterSpec> clusters() {
    return Map.copyOf(settings.clusters);
  }

  /** Returns the current flows, in the order they were defined or added. */
  public List<FlowSpec> flows() {
    return List.copyOf(engine.flows());
  }

  /**
   * Pauses a flow: it waits for the target to acknowledge what it sent, stores its positions and stops reading
   * the source; its state becomes {@link State#PAUSED}. Other flows carry on. Idempotent.
   *
   * @param flowId the flow's id, {@code <source>-><target>}
   * @throws IllegalArgumentException when no such flow exists
   * @throws IllegalStateException when the flow has stopped or failed
   */
  public void pauseFlow(String flowId) {
    engine.pause(Objects.requireNonNull(flowId, "flowId"));
  }

  /**
   * Resumes a paused flow where it stopped. Idempotent.
   *
   * @param flowId the flow's id, {@code <source>-><target>}
   * @throws IllegalArgumentException when no such flow exists
   * @throws IllegalStateException when the flow has stopped or failed
   */
  public void resumeFlow(String flowId) {
    engine.resume(Objects.requireNonNull(flowId, "flowId"));
  }

  /**
   * Adds a flow between clusters this Mirror defines. It starts at once when the Mirror runs; other flows are
   * not affected.
   *
   * @param customizer sets the flow's source, target and options
   * @throws MirrorConfigException when the flow is invalid (unknown cluster, same source and target, ...)
   * @throws IllegalArgumentException when a flow with the same id exists
   * @throws IllegalStateException when the Mirror is stopping or stopped
   */
  public void addFlow(Consumer<FlowSpec.Builder> customizer) {
    FlowSpec.Builder b = FlowSpec.builder();
    Objects.requireNonNull(customizer, "customizer").accept(b);
    FlowSpec flow = b.build();
    List<String> problems = new ArrayList<>();
    Set<String> valid = new HashSet<>();
    for (ClusterSpec c : settings.clusters.values()) {
      List<String> clusterProblems = new ArrayList<>();
      ClientConfigs.validateCluster(c, clusterProblems);
      if (clusterProblems.isEmpty()) {
        valid.add(c.alias());
      }
    }
    Builder.validateFlow(flow, settings.clusters, valid, settings.replicationPolicy, problems);
    if (!problems.isEmpty()) {
      throw new MirrorConfigException(problems);
    }
    engine.add(flow);
  }

  /**
   * Stops a flow, storing its positions, and removes it. Its positions stay in the target cluster, so adding
   * the same flow again later resumes where it stopped.
   *
   * @param flowId the flow's id, {@code <source>-><target>}
   * @param timeout how long to wait for the flow to stop
   * @return whether it stopped within the timeout
   * @throws IllegalArgumentException when no such flow exists
   */
  public boolean removeFlow(String flowId, Duration timeout) {
    return engine.remove(Objects.requireNonNull(flowId, "flowId"), Checks.notNegative(timeout, "timeout"));
  }

  /**
   * Takes the source's end offsets of the flow's partitions now, then waits until the flow has copied every
   * record before them and, when it writes checkpoints, has checkpointed the groups after that. Call it once
   * producers on the source have stopped to know when a migration can cut over without loss.
   *
   * @param flowId the flow's id, {@code <source>-><target>}
   * @param timeout how long to wait at most
   * @return the result; {@link CatchUp#readyToCutOver()} says whether it is safe to cut over
   * @throws IllegalArgumentException when no such flow exists
   * @throws MirrorException when the source's end offsets cannot be read
   */
  public CatchUp awaitCaughtUp(String flowId, Duration timeout) {
    Objects.requireNonNull(flowId, "flowId");
    Checks.notNegative(timeout, "timeout");
    try {
      return engine.awaitCaughtUp(flowId, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    }
  }

  /** Returns a builder holding this Mirror's settings, to build a variant. */
  public Builder toBuilder() {
    return settings.copy();
  }

  /**
   * Starts every flow and returns at once; watch progress with {@link #state()}, {@link #status()} or
   * {@link #awaitRunning(Duration)}.
   *
   * @return this Mirror
   * @throws IllegalStateException when the Mirror was started or closed before
   */
  public Mirror start() {
    engine.start();
    return this;
  }

  /**
   * Returns Mirror's metrics, recorded with kafka-clients' metrics library (so they are also in JMX, domain
   * {@code dev.mirror}), plus those of the flows' current producers. Per flow (group
   * {@code mirror-flow-metrics}, tags {@code mirror}, {@code source}, {@code target}): {@code record-count},
   * {@code record-rate}, {@code record-lag}, {@code topic-count}, {@code partition-count}, {@code group-count},
   * {@code checkpoint-age-ms}, {@code restart-count}, {@code failure-count}, {@code state}. Per source partition
   * (group {@code mirror-partition-metrics}, plus tags {@code topic}, {@code partition}): {@code record-count},
   * {@code record-rate}, {@code byte-count}, {@code byte-rate}, {@code replication-latency-ms-avg|max},
   * {@code record-age-ms-avg|max}, {@code record-lag}.
   *
   * @return an unmodifiable snapshot of the metrics; their values are live
   */
  public Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
    return engine.metrics();
  }

  /**
   * Checks the permissions every flow needs on its clusters and reports what is missing, naming cluster,
   * resource and operation. Flows also run this check when they start, before any data moves, and log it.
   *
   * @param timeout the timeout of each admin call
   * @return the report
   * @throws MirrorException when a cluster cannot be reached
   */
  public PermissionReport checkPermissions(Duration timeout) {
    Checks.positive(timeout, "timeout");
    try {
      return engine.checkPermissions(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    }
  }

  /** Returns the Mirror's state. */
  public State state() {
    return engine.state();
  }

  /** Returns a snapshot of the Mirror's and each flow's state and progress. */
  public MirrorStatus status() {
    return engine.status();
  }

  /**
   * Waits until every flow is {@link State#RUNNING}.
   *
   * @param timeout how long to wait at most
   * @return true when every flow runs; false on timeout, or when a flow or the Mirror stopped or failed
   * @throws org.apache.kafka.common.errors.InterruptException when the thread is interrupted (its flag is set)
   */
  public boolean awaitRunning(Duration timeout) {
    Checks.notNegative(timeout, "timeout");
    try {
      return engine.awaitRunning(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    }
  }

  /**
   * Stops every flow, waiting at most the configured close timeout (default 30 s). Each flow stops polling,
   * waits for the target to acknowledge what it sent, and stores its positions. Idempotent.
   */
  @Override
  public void close() {
    close(settings.closeTimeout);
  }

  /**
   * Stops every flow, waiting at most {@code timeout}. Idempotent.
   *
   * @param timeout how long to wait; {@link Duration#ZERO} signals the flows and returns at once
   * @return whether every flow stopped in time
   */
  public boolean close(Duration timeout) {
    return engine.close(Checks.notNegative(timeout, "timeout"));
  }

  @Override
  public String toString() {
    return "Mirror{name=" + settings.name + ", state=" + engine.state() + ", clusters="
        + settings.clusters.values() + ", flows=" + settings.flows + "}";
  }

  /**
   * Builds a {@link Mirror}. Mutable and not thread-safe. Setters check their own argument at once;
   * {@link #build()} checks the rules that span settings and reports every problem in one
   * {@link MirrorConfigException}. The order of calls does not matter. {@link #build()} copies the settings,
   * so a builder can be reused.
   */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private final Map<String, ClusterSpec> clusters = new LinkedHashMap<>();
    private final List<FlowSpec> flows = new ArrayList<>();
    private final List<String> earlyProblems = new ArrayList<>();
    private ReplicationPolicy replicationPolicy = new DefaultReplicationPolicy();
    private int internalTopicReplicationFactor = FlowSpec.BROKER_DEFAULT_REPLICATION_FACTOR;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration retryBackoffMax = DEFAULT_RETRY_BACKOFF_MAX;
    private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the Mirror's name, used in thread names, client ids, log lines and the name of its positions topics.
     * Instances of the host application that run the same flows must use the same name. Default: {@value
     * #DEFAULT_NAME}.
     *
     * @param name 1 to 100 characters of {@code [a-zA-Z0-9._-]}
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Checks.legalName(name, "Mirror name");
      return this;
    }

    /**
     * Defines a cluster.
     *
     * @param alias the cluster's name in this Mirror, 1 to 100 characters of {@code [a-zA-Z0-9._-]}
     * @param properties Kafka client properties shared by every client of the cluster; must contain
     *     {@code bootstrap.servers}
     * @return this builder
     */
    public Builder cluster(String alias, Map<String, ?> properties) {
      return cluster(ClusterSpec.builder(alias).properties(properties).build());
    }

    /**
     * Defines a cluster with per-role overrides.
     *
     * @param alias the cluster's alias
     * @param customizer sets properties and overrides on the cluster's builder
     * @return this builder
     */
    public Builder cluster(String alias, Consumer<ClusterSpec.Builder> customizer) {
      ClusterSpec.Builder b = ClusterSpec.builder(alias);
      Objects.requireNonNull(customizer, "customizer").accept(b);
      return cluster(b.build());
    }

    /**
     * Defines a cluster.
     *
     * @param cluster the cluster specification
     * @return this builder
     */
    public Builder cluster(ClusterSpec cluster) {
      Objects.requireNonNull(cluster, "cluster");
      if (clusters.containsKey(cluster.alias())) {
        earlyProblems.add("cluster '" + cluster.alias() + "' is defined twice; each alias names one cluster");
      } else {
        clusters.put(cluster.alias(), cluster);
      }
      return this;
    }

    /**
     * Defines a flow.
     *
     * @param customizer sets the flow's source ({@code from}), target ({@code to}) and options
     * @return this builder
     * @throws IllegalStateException when the customizer did not call {@code from} and {@code to}
     */
    public Builder flow(Consumer<FlowSpec.Builder> customizer) {
      FlowSpec.Builder b = FlowSpec.builder();
      Objects.requireNonNull(customizer, "customizer").accept(b);
      return flow(b.build());
    }

    /**
     * Defines a flow.
     *
     * @param flow the flow specification
     * @return this builder
     */
    public Builder flow(FlowSpec flow) {
      flows.add(Objects.requireNonNull(flow, "flow"));
      return this;
    }

    /**
     * Sets how remote topics are named, for flows that do not set their own. Default:
     * {@link DefaultReplicationPolicy} ({@code <source>.<topic>}).
     *
     * @param policy the replication policy
     * @return this builder
     */
    public Builder replicationPolicy(ReplicationPolicy policy) {
      this.replicationPolicy = Objects.requireNonNull(policy, "replicationPolicy");
      return this;
    }

    /**
     * Sets the replication factor of Mirror's own topics (positions). Default: -1, the broker default.
     *
     * @param replicationFactor a positive factor, or -1 for the broker default
     * @return this builder
     */
    public Builder internalTopicReplicationFactor(int replicationFactor) {
      if (replicationFactor == 0 || replicationFactor < -1 || replicationFactor > Short.MAX_VALUE) {
        throw new IllegalArgumentException(
            "internalTopicReplicationFactor must be >= 1 or -1 (broker default), but was " + replicationFactor);
      }
      this.internalTopicReplicationFactor = replicationFactor;
      return this;
    }

    /**
     * Sets how long {@link Mirror#close()} waits. Default: 30 seconds.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Checks.positive(timeout, "closeTimeout");
      return this;
    }

    /**
     * Sets the waits between attempts of a failed flow: the first wait, doubling up to the maximum.
     * Defaults: 1 second and 30 seconds.
     *
     * @param initial the first wait, positive
     * @param max the longest wait, at least {@code initial}
     * @return this builder
     */
    public Builder retryBackoff(Duration initial, Duration max) {
      Checks.positive(initial, "retryBackoff initial");
      Checks.positive(max, "retryBackoff max");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("retryBackoff max must be >= initial (" + initial + "), but was " + max);
      }
      this.retryBackoff = initial;
      this.retryBackoffMax = max;
      return this;
    }

    /**
     * Sets the timeout of each admin operation (listing, describing or creating topics) and of restoring
     * positions. An unreachable cluster is reported after it. Default: 30 seconds.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder operationTimeout(Duration timeout) {
      this.operationTimeout = Checks.positive(timeout, "operationTimeout");
      return this;
    }

    /**
     * Sets the clock used for status times. Default: the system UTC clock.
     *
     * @param clock a clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Validates the settings and returns a Mirror that is not started yet.
     *
     * @return a new Mirror in state {@link State#CREATED}
     * @throws MirrorConfigException listing every problem: unknown aliases, flows from a cluster to itself,
     *     duplicate flows, missing {@code bootstrap.servers}, invalid client properties
     */
    public Mirror build() {
      List<String> problems = new ArrayList<>(earlyProblems);
      Set<String> validClusters = new HashSet<>();
      for (ClusterSpec c : clusters.values()) {
        int before = problems.size();
        ClientConfigs.validateCluster(c, problems);
        if (problems.size() == before) {
          validClusters.add(c.alias());
        }
      }
      if (flows.isEmpty()) {
        problems.add("no flow defined; add one with flow(f -> f.from(\"source\").to(\"target\"))");
      }
      Set<String> ids = new HashSet<>();
      for (FlowSpec f : flows) {
        if (!ids.add(f.id())) {
          problems.add("flow '" + f.id() + "' is defined twice; merge the two definitions into one flow");
          continue;
        }
        validateFlow(f, clusters, validClusters, replicationPolicy, problems);
      }
      if (!problems.isEmpty()) {
        throw new MirrorConfigException(problems);
      }
      Builder snapshot = copy();
      EngineConfig config = new EngineConfig(name, clusters, flows, replicationPolicy,
          internalTopicReplicationFactor, retryBackoff, retryBackoffMax, clock, KafkaClients.DEFAULT);
      return new Mirror(snapshot, config);
    }

    /** Checks one flow against the clusters: aliases exist and differ, the policy can trace it, clients parse. */
    static void validateFlow(FlowSpec f, Map<String, ClusterSpec> clusters, Set<String> validClusters,
        ReplicationPolicy defaultPolicy, List<String> problems) {
      String subject = "flow '" + f.id() + "'";
      Set<String> known = new TreeSet<>(clusters.keySet());
      boolean ok = true;
      if (!clusters.containsKey(f.source())) {
        problems.add(subject + ": unknown source cluster '" + f.source() + "'; defined clusters: " + known);
        ok = false;
      }
      if (!clusters.containsKey(f.target())) {
        problems.add(subject + ": unknown target cluster '" + f.target() + "'; defined clusters: " + known);
        ok = false;
      }
      if (f.source().equals(f.target())) {
        problems.add(subject + ": source and target are the same cluster '" + f.source()
            + "'; a flow copies between two different clusters");
        ok = false;
      }
      ReplicationPolicy policy = f.replicationPolicy().orElse(defaultPolicy);
      if (policy instanceof DefaultReplicationPolicy) {
        String sep = ((DefaultReplicationPolicy) policy).separator();
        if (f.source().contains(sep)) {
          problems.add(subject + ": source alias '" + f.source() + "' contains the replication policy's"
              + " separator '" + sep + "', so remote topic names could not be traced back to it; rename the"
              + " alias or choose another separator");
        }
      }
      if (ok && validClusters.contains(f.source()) && validClusters.contains(f.target())) {
        ClientConfigs.validateFlow(clusters.get(f.source()), clusters.get(f.target()), f, problems);
      }
    }

    private Builder copy() {
      Builder b = new Builder();
      b.name = name;
      b.clusters.putAll(clusters);
      b.flows.addAll(flows);
      b.earlyProblems.addAll(earlyProblems);
      b.replicationPolicy = replicationPolicy;
      b.internalTopicReplicationFactor = internalTopicReplicationFactor;
      b.closeTimeout = closeTimeout;
      b.retryBackoff = retryBackoff;
      b.retryBackoffMax = retryBackoffMax;
      b.operationTimeout = operationTimeout;
      b.clock = clock;
      return b;
    }
  }
}
