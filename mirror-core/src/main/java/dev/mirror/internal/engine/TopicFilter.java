package dev.mirror.internal.engine;

import dev.mirror.FlowSpec;
import dev.mirror.client.ReplicationPolicy;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides which source topics a flow replicates: the include patterns admit it, no exclude pattern matches,
 * it is not internal, and under the flow's policy it did not come from the target (no cycle).
 */
public final class TopicFilter {
  private final List<Pattern> include;
  private final List<Pattern> exclude;
  private final ReplicationPolicy policy;
  private final String targetAlias;
  private final boolean replicateHeartbeats;

  /** Creates the filter of a flow. */
  public TopicFilter(FlowSpec flow, ReplicationPolicy policy) {
    this.include = flow.topics();
    this.exclude = flow.excludeTopics();
    this.policy = policy;
    this.targetAlias = flow.target();
    this.replicateHeartbeats = flow.replicateHeartbeats();
  }

  /** Returns whether the flow replicates {@code topic}. */
  public boolean test(String topic) {
    return rejection(topic).isEmpty();
  }

  /** Returns why a topic is not replicated, or empty when it is. For logs and tests. */
  public Optional<String> rejection(String topic) {
    if (isInternal(topic)) {
      return Optional.of("internal topic");
    }
    if (isCycle(topic)) {
      return Optional.of("came from target cluster '" + targetAlias + "' (cycle)");
    }
    if (replicateHeartbeats && policy.isHeartbeatsTopic(topic)) {
      return Optional.empty();
    }
    if (!matchesAny(include, topic)) {
      return Optional.of("matches no include pattern");
    }
    if (matchesAny(exclude, topic)) {
      return Optional.of("matches an exclude pattern");
    }
    return Optional.empty();
  }

  private boolean isInternal(String topic) {
    return InternalTopics.isMirrorTopic(topic) || policy.isInternalTopic(topic);
  }

  /** True when some hop of the topic's replication path is the target cluster. */
  private boolean isCycle(String topic) {
    Set<String> seen = new HashSet<>();
    String current = topic;
    // Bounded: every hop makes the name shorter or repeats a name already seen.
    while (seen.add(current)) {
      Optional<String> source = policy.topicSource(current);
      if (source.isEmpty()) {
        return false;
      }
      if (source.get().equals(targetAlias)) {
        return true;
      }
      Optional<String> upstream = policy.upstreamTopic(current);
      if (upstream.isEmpty()) {
        return false;
      }
      current = upstream.get();
    }
    return false;
  }

  private static boolean matchesAny(List<Pattern> patterns, String topic) {
    for (Pattern p : patterns) {
      if (p.matcher(topic).matches()) {
        return true;
      }
    }
    return false;
  }
}
