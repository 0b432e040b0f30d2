package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** MirrorMaker 2's IdentityReplicationPolicy facts (mm2-compat.md §4.2), and our own API. */
class IdentityReplicationPolicyTest {

  private final IdentityReplicationPolicy noAlias = new IdentityReplicationPolicy();
  private final IdentityReplicationPolicy aliasA = IdentityReplicationPolicy.withSourceClusterAlias("A");

  @Test
  void formatRemoteTopic_ordinaryTopic_returnsTopicUnchanged() {
    assertThat(noAlias.formatRemoteTopic("A", "orders")).isEqualTo("orders");
    assertThat(noAlias.formatRemoteTopic("A", "B.orders")).isEqualTo("B.orders");
  }

  @Test
  void formatRemoteTopic_heartbeatsTopic_usesDefaultNaming() {
    assertThat(noAlias.formatRemoteTopic("A", "heartbeats")).isEqualTo("A.heartbeats");
    assertThat(noAlias.formatRemoteTopic("B", "A.heartbeats")).isEqualTo("B.A.heartbeats");
  }

  @Test
  void formatRemoteTopic_suffixHeartbeats_isPlainSuffixMatch() {
    assertThat(noAlias.formatRemoteTopic("A", "myheartbeats")).isEqualTo("A.myheartbeats");
    assertThat(noAlias.isHeartbeatsTopic("A.myheartbeats")).isFalse();
  }

  @Test
  void topicSource_noAlias_returnsEmpty() {
    assertThat(noAlias.topicSource("orders")).isEmpty();
    assertThat(noAlias.topicSource("A.orders")).isEmpty();
  }

  @Test
  void topicSource_withAlias_returnsAliasForEveryOrdinaryTopic() {
    assertThat(aliasA.topicSource("orders")).contains("A");
    assertThat(aliasA.topicSource("B.orders")).contains("A");
    assertThat(aliasA.topicSource("__consumer_offsets")).contains("A");
  }

  @Test
  void topicSource_heartbeatsTopic_readsNameLikeDefault() {
    assertThat(aliasA.topicSource("B.heartbeats")).contains("B");
    assertThat(aliasA.topicSource("heartbeats")).isEmpty();
    assertThat(aliasA.upstreamTopic("C.B.heartbeats")).contains("B.heartbeats");
  }

  @Test
  void upstreamTopic_ordinaryTopic_returnsTopicItself() {
    assertThat(noAlias.upstreamTopic("B.A.orders")).contains("B.A.orders");
    assertThat(noAlias.originalTopic("B.A.orders")).isEqualTo("B.A.orders");
  }

  @Test
  void heartbeatHelpers_remoteHeartbeats_workAcrossHops() {
    assertThat(noAlias.isHeartbeatsTopic("heartbeats")).isTrue();
    assertThat(noAlias.isHeartbeatsTopic("C.B.A.heartbeats")).isTrue();
    assertThat(noAlias.originalTopic("C.B.A.heartbeats")).isEqualTo("heartbeats");
  }

  @Test
  void internalTopicNames_inheritedFromBase() {
    assertThat(noAlias.checkpointsTopic("A")).isEqualTo("A.checkpoints.internal");
    assertThat(noAlias.offsetSyncsTopic("B")).isEqualTo("mm2-offset-syncs.B.internal");
    assertThat(noAlias.isInternalTopic("A.checkpoints.internal")).isTrue();
    assertThat(noAlias.isInternalTopic("foo.internal")).isFalse();

    IdentityReplicationPolicy underscore = IdentityReplicationPolicy.of(DefaultReplicationPolicy.withSeparator("_"));
    assertThat(underscore.checkpointsTopic("A")).isEqualTo("A_checkpoints_internal");
    assertThat(underscore.offsetSyncsTopic("B")).isEqualTo("mm2-offset-syncs_B_internal");
    assertThat(underscore.formatRemoteTopic("A", "heartbeats")).isEqualTo("A_heartbeats");
    assertThat(underscore.formatRemoteTopic("A", "orders")).isEqualTo("orders");
  }

  @Test
  void accessors_returnSettings() {
    assertThat(noAlias.sourceClusterAlias()).isEmpty();
    assertThat(noAlias.base()).isEqualTo(new DefaultReplicationPolicy());
    assertThat(aliasA.sourceClusterAlias()).contains("A");
    DefaultReplicationPolicy base = DefaultReplicationPolicy.withSeparator("__", false);
    IdentityReplicationPolicy both = IdentityReplicationPolicy.of(base, "primary");
    assertThat(both.base()).isSameAs(base);
    assertThat(both.sourceClusterAlias()).contains("primary");
  }

  @Test
  void factories_nullArguments_throwNullPointerException() {
    assertThatThrownBy(() -> IdentityReplicationPolicy.withSourceClusterAlias(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sourceClusterAlias");
    assertThatThrownBy(() -> IdentityReplicationPolicy.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("base");
    assertThatThrownBy(() -> IdentityReplicationPolicy.of(new DefaultReplicationPolicy(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sourceClusterAlias");
    assertThatThrownBy(() -> aliasA.topicSource(null)).isInstanceOf(NullPointerException.class).hasMessage("topic");
  }

  @Test
  void equals_sameSettings_equalAndSameHashCode() {
    assertThat(IdentityReplicationPolicy.of(new DefaultReplicationPolicy())).isEqualTo(noAlias)
        .hasSameHashCodeAs(noAlias);
    assertThat(IdentityReplicationPolicy.of(new DefaultReplicationPolicy(), "A")).isEqualTo(aliasA)
        .hasSameHashCodeAs(aliasA);
    assertThat(aliasA).isNotEqualTo(noAlias).isNotEqualTo(IdentityReplicationPolicy.withSourceClusterAlias("B"));
    assertThat(noAlias).isNotEqualTo(IdentityReplicationPolicy.of(DefaultReplicationPolicy.withSeparator("_")));
  }

  @Test
  void toString_showsSettings() {
    assertThat(noAlias).hasToString(
        "IdentityReplicationPolicy{sourceClusterAlias=<none>, separator='.', internalTopicSeparatorEnabled=true}");
    assertThat(aliasA).hasToString(
        "IdentityReplicationPolicy{sourceClusterAlias='A', separator='.', internalTopicSeparatorEnabled=true}");
  }
}
