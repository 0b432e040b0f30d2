package dev.mirror.client.internal;

import dev.mirror.client.ReplicationPolicy;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the replication topology from topic names with a {@link ReplicationPolicy}, as MirrorMaker 2's
 * {@code MirrorClient} does: each hop upstream is one {@code topicSource}/{@code upstreamTopic} step.
 *
 * <p>Two guards stop a walk: a source seen before (a cycle, possible with policies that keep names, such as the
 * identity policy) and {@link #MAX_HOPS} steps (a policy whose upstream names never end). Stateless.
 */
public final class Topology {

  /** The most hops a walk follows; far more than any real chain of clusters. */
  public static final int MAX_HOPS = 1_000;

  private Topology() {}

  /**
   * Counts the hops from {@code upstreamClusterAlias} to this cluster along one topic's name.
   *
   * @param policy the replication policy
   * @param topic a topic on this cluster, usually a heartbeats topic
   * @param upstreamClusterAlias the cluster to find
   * @return 1 if the topic came straight from that cluster, 2 if through one other cluster, and so on; -1 if the
   *     name does not lead there (not remote, another origin, or a cycle)
   */
  public static int hops(ReplicationPolicy policy, String topic, String upstreamClusterAlias) {
    Set<String> visited = new HashSet<>();
    String current = topic;
    for (int hops = 1; hops <= MAX_HOPS; hops++) {
      Optional<String> source = policy.topicSource(current);
      if (source.isEmpty()) {
        return -1;
      }
      if (source.get().equals(upstreamClusterAlias)) {
        return hops;
      }
      if (!visited.add(source.get())) {
        return -1;
      }
      Optional<String> upstream = policy.upstreamTopic(current);
      if (upstream.isEmpty()) {
        return -1;
      }
      current = upstream.get();
    }
    return -1;
  }

  /**
   * Collects every cluster a topic's name says it passed through, nearest first.
   *
   * @param policy the replication policy
   * @param topic a topic on this cluster, usually a heartbeats topic
   * @return the aliases, in the order met walking upstream; empty for a topic that is not remote
   */
  public static Set<String> sources(ReplicationPolicy policy, String topic) {
    Set<String> sources = new LinkedHashSet<>();
    String current = topic;
    for (int hops = 1; hops <= MAX_HOPS; hops++) {
      Optional<String> source = policy.topicSource(current);
      if (source.isEmpty() || !sources.add(source.get())) {
        break;
      }
      Optional<String> upstream = policy.upstreamTopic(current);
      if (upstream.isEmpty()) {
        break;
      }
      current = upstream.get();
    }
    return sources;
  }

  /**
   * Tells whether a topic is a remote topic: replicated from another cluster and not internal.
   *
   * @param policy the replication policy
   * @param topic a topic name
   * @return true when the policy names a source and the topic is not internal
   */
  public static boolean isRemoteTopic(ReplicationPolicy policy, String topic) {
    return !policy.isInternalTopic(topic) && policy.topicSource(topic).isPresent();
  }
}
