package org.apache.kafka.connect.mirror;

import java.util.Map;
import java.util.Set;

/**
 * Test-only bridge to MirrorMaker 2's {@link MirrorClient} without a broker: its package-private test constructor,
 * with {@code listTopics()} answering a fixed set. Only the topology methods work; do not call {@code close()} or
 * the offset look-ups.
 */
public final class Mm2Clients {
  private Mm2Clients() {}

  public static MirrorClient withTopics(Set<String> topics, ReplicationPolicy policy) {
    return new MirrorClient(null, policy, Map.of()) {
      @Override
      Set<String> listTopics() {
        return topics;
      }
    };
  }

  /** MirrorMaker 2's policy of {@code replication.policy.class}, configured with {@code config}. */
  public static ReplicationPolicy policy(Map<String, Object> config) {
    return new MirrorClientConfig(withBootstrap(config)).replicationPolicy();
  }

  private static Map<String, Object> withBootstrap(Map<String, Object> config) {
    java.util.HashMap<String, Object> copy = new java.util.HashMap<>(config);
    copy.putIfAbsent("bootstrap.servers", "unused:9092");
    return copy;
  }
}
