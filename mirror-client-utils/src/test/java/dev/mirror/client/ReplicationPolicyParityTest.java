package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.connect.mirror.DefaultReplicationPolicy;
import org.apache.kafka.connect.mirror.IdentityReplicationPolicy;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares every method of our policies with MirrorMaker 2's own classes (connect-mirror-client 4.3.1), configured
 * through their {@code configure(Map)}, over hundreds of topic names: a fixed list of edge cases plus names generated
 * from a seeded {@link Random}. Our policy is built by {@link ReplicationPolicies#fromConfig(Map)} from the same map,
 * so this also checks that MirrorMaker 2's configuration keys mean the same to us.
 */
class ReplicationPolicyParityTest {

  private static final String SEPARATOR = ReplicationPolicies.REPLICATION_POLICY_SEPARATOR_CONFIG;
  private static final String INTERNAL = ReplicationPolicies.INTERNAL_TOPIC_SEPARATOR_ENABLED_CONFIG;
  private static final String ALIAS = ReplicationPolicies.SOURCE_CLUSTER_ALIAS_CONFIG;

  private static final List<String> FIXED_TOPICS = List.of(
      "", "t1", "orders", "A.t1", "B.A.t1", "C.B.A.t1", "A_t1", "A__t1", "A___t1", "B__A__t1", "A-t1", "A--t1",
      "heartbeats", "A.heartbeats", "B.A.heartbeats", "A_heartbeats", "A__heartbeats", "B__A__heartbeats",
      "A-heartbeats", "myheartbeats", "A.myheartbeats", "heartbeats.A", "heartbeatsx", ".heartbeats", "heartbeats.",
      "A.checkpoints.internal", "A__checkpoints__internal", "A_checkpoints_internal", "A-checkpoints-internal",
      "B.A.checkpoints.internal", "mm2-offset-syncs.B.internal", "mm2-offset-syncs__B__internal",
      "mm2-offset-syncs_B_internal", "mm2-offset-syncs-B-internal", "mm2-offsets.A.internal", "mm2-configs.A.internal",
      "mm2-status.A.internal", "mm2-offsets__A__internal", "mm2.internal", "mm2internal", "mm2", "A.mm2.internal",
      "foo.internal", "foo-internal", "foo_internal", "connect-offsets", "__consumer_offsets", "__transaction_state",
      "_schemas", ".hidden", "..hidden", "A.", "A..", "A..t", "A...t", "A__", "A____t", "__A", "_A_", "-A-", ".", "..",
      "...", "_", "__", "___", "____", "-", "--", "A.B_C-D__E", "a.b.c.d.e.f", "t1.replica", "A.t1.replica",
      "grüppe.t", "über__alles");

  private static final List<String> TOKENS = List.of(
      "A", "B", "C", "t1", "orders", ".", "_", "-", "__", "..", "heartbeats", "internal", "checkpoints", "mm2",
      "mm2-offset-syncs", "offset-syncs", "x");

  private static final List<String> ALIASES = List.of("A", "B", "", "a.b", "a_b", "x-y", "__", "mm2");

  private static final List<String> TOPICS = topics();

  static Stream<Arguments> configurations() {
    List<Map<String, Object>> configs = List.of(
        Map.of(),
        Map.of(SEPARATOR, "_"),
        Map.of(SEPARATOR, "__"),
        Map.of(SEPARATOR, "__", INTERNAL, false),
        Map.of(SEPARATOR, "-"),
        Map.of(SEPARATOR, ".", INTERNAL, "false"),
        Map.of(INTERNAL, false),
        Map.of(ALIAS, "A"),
        Map.of(ALIAS, "A", SEPARATOR, "__", INTERNAL, false));
    List<Arguments> arguments = new ArrayList<>();
    for (String policy : List.of("default", "identity")) {
      for (Map<String, Object> config : configs) {
        arguments.add(Arguments.of(policy, config));
      }
    }
    return arguments.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void everyMethod_manyTopicNames_matchesMirrorMaker2(String policyName, Map<String, Object> config) {
    org.apache.kafka.connect.mirror.ReplicationPolicy theirs = mirrorMaker2Policy(policyName, config);
    Map<String, Object> ourConfig = new HashMap<>(config);
    ourConfig.put(ReplicationPolicies.REPLICATION_POLICY_CLASS_CONFIG, theirs.getClass().getName());
    ReplicationPolicy ours = ReplicationPolicies.fromConfig(ourConfig);

    SoftAssertions softly = new SoftAssertions();
    int comparisons = 0;
    softly.assertThat(ours.heartbeatsTopic()).isEqualTo(theirs.heartbeatsTopic());
    for (String topic : TOPICS) {
      comparisons += compare(softly, "topicSource", topic, ours.topicSource(topic), opt(theirs.topicSource(topic)));
      comparisons +=
          compare(softly, "upstreamTopic", topic, ours.upstreamTopic(topic), opt(theirs.upstreamTopic(topic)));
      comparisons += compare(softly, "originalTopic", topic, ours.originalTopic(topic), theirs.originalTopic(topic));
      comparisons +=
          compare(softly, "isHeartbeatsTopic", topic, ours.isHeartbeatsTopic(topic), theirs.isHeartbeatsTopic(topic));
      comparisons += compare(
          softly, "isCheckpointsTopic", topic, ours.isCheckpointsTopic(topic), theirs.isCheckpointsTopic(topic));
      comparisons += compare(
          softly, "isMM2InternalTopic", topic, ours.isMM2InternalTopic(topic), theirs.isMM2InternalTopic(topic));
      comparisons +=
          compare(softly, "isInternalTopic", topic, ours.isInternalTopic(topic), theirs.isInternalTopic(topic));
      // Topic names double as aliases: the naming methods take any string.
      comparisons +=
          compare(softly, "checkpointsTopic", topic, ours.checkpointsTopic(topic), theirs.checkpointsTopic(topic));
      comparisons +=
          compare(softly, "offsetSyncsTopic", topic, ours.offsetSyncsTopic(topic), theirs.offsetSyncsTopic(topic));
      for (String alias : ALIASES) {
        comparisons += compare(softly, "formatRemoteTopic(" + alias + ")", topic,
            ours.formatRemoteTopic(alias, topic), theirs.formatRemoteTopic(alias, topic));
      }
    }
    softly.assertAll();
    assertThat(comparisons).isEqualTo(TOPICS.size() * (9 + ALIASES.size()));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void fromConfig_ourClassNamesAndShortNames_sameAsMirrorMaker2ClassNames(
      String policyName, Map<String, Object> config) {
    Function<String, ReplicationPolicy> withClass = name -> {
      Map<String, Object> withName = new HashMap<>(config);
      withName.put(ReplicationPolicies.REPLICATION_POLICY_CLASS_CONFIG, name);
      return ReplicationPolicies.fromConfig(withName);
    };
    String mm2Class = mirrorMaker2Policy(policyName, config).getClass().getName();
    String ourClass = policyName.equals("default")
        ? dev.mirror.client.DefaultReplicationPolicy.class.getName()
        : dev.mirror.client.IdentityReplicationPolicy.class.getName();
    assertThat(withClass.apply(ourClass))
        .isEqualTo(withClass.apply(policyName))
        .isEqualTo(withClass.apply(mm2Class));
  }

  private static org.apache.kafka.connect.mirror.ReplicationPolicy mirrorMaker2Policy(
      String name, Map<String, Object> config) {
    DefaultReplicationPolicy policy =
        name.equals("default") ? new DefaultReplicationPolicy() : new IdentityReplicationPolicy();
    policy.configure(config);
    return policy;
  }

  private static <T> int compare(SoftAssertions softly, String method, String topic, T ours, T theirs) {
    softly.assertThat(ours).as("%s('%s')", method, topic).isEqualTo(theirs);
    return 1;
  }

  private static Optional<String> opt(String nullable) {
    return Optional.ofNullable(nullable);
  }

  private static List<String> topics() {
    Set<String> topics = new LinkedHashSet<>(FIXED_TOPICS);
    Random random = new Random(20_240_601L);
    // Names built from meaningful pieces: aliases, separators, and the words internal topic names are made of.
    for (int i = 0; i < 400; i++) {
      StringBuilder name = new StringBuilder();
      int pieces = 1 + random.nextInt(6);
      for (int p = 0; p < pieces; p++) {
        name.append(TOKENS.get(random.nextInt(TOKENS.size())));
      }
      topics.add(name.toString());
    }
    // Short names dense in separator characters, where split edge cases live.
    String alphabet = "ab._-";
    for (int i = 0; i < 300; i++) {
      int length = random.nextInt(9);
      StringBuilder name = new StringBuilder();
      for (int c = 0; c < length; c++) {
        name.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      topics.add(name.toString());
    }
    return List.copyOf(topics);
  }
}
