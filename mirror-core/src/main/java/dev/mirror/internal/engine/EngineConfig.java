package dev.mirror.internal.engine;

import dev.mirror.ClusterSpec;
import dev.mirror.FlowSpec;
import dev.mirror.client.ReplicationPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything the engine needs, validated and immutable.
 *
 * @param name the Mirror's name
 * @param clusters clusters by alias
 * @param flows the flows, in definition order
 * @param replicationPolicy the policy for flows that do not set one
 * @param internalTopicReplicationFactor replication factor of Mirror's own topics; -1 for the broker default
 * @param retryBackoff the first wait after a flow error
 * @param retryBackoffMax the longest wait between attempts
 * @param clock the time source
 * @param clients creates the Kafka clients
 */
public record EngineConfig(
    String name,
    Map<String, ClusterSpec> clusters,
    List<FlowSpec> flows,
    ReplicationPolicy replicationPolicy,
    int internalTopicReplicationFactor,
    Duration retryBackoff,
    Duration retryBackoffMax,
    Clock clock,
    KafkaClients clients) {

  /** Copies the collections. */
  public EngineConfig {
    clusters = Map.copyOf(clusters);
    flows = List.copyOf(flows);
  }

  ReplicationPolicy policyOf(FlowSpec flow) {
    return flow.replicationPolicy().orElse(replicationPolicy);
  }
}
