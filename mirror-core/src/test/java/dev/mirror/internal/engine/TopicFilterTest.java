package dev.mirror.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.FlowSpec;
import dev.mirror.client.DefaultReplicationPolicy;
import dev.mirror.client.IdentityReplicationPolicy;
import org.junit.jupiter.api.Test;

class TopicFilterTest {
  private final DefaultReplicationPolicy policy = new DefaultReplicationPolicy();

  private TopicFilter filter(FlowSpec.Builder b) {
    FlowSpec flow = b.from("primary").to("backup").build();
    return new TopicFilter(flow, flow.replicationPolicy().orElse(policy));
  }

  @Test
  void defaults_replicateUserTopics_includingOnesEndingInInternal() {
    TopicFilter f = filter(FlowSpec.builder());
    assertThat(f.test("orders")).isTrue();
    assertThat(f.test("orders.internal")).isTrue();
    assertThat(f.test("orders-internal")).isTrue();
  }

  @Test
  void defaults_neverReplicateInternalTopics() {
    TopicFilter f = filter(FlowSpec.builder());
    assertThat(f.test("__consumer_offsets")).isFalse();
    assertThat(f.test("__transaction_state")).isFalse();
    assertThat(f.test("mm2-offset-syncs.backup.internal")).isFalse();
    assertThat(f.test("mm2-configs.primary.internal")).isFalse();
    assertThat(f.test("other.checkpoints.internal")).isFalse();
    assertThat(f.test("__mirror-positions.mirror.other")).isFalse();
    assertThat(f.test(".hidden")).isFalse();
    assertThat(f.test("orders.replica")).isFalse();
  }

  @Test
  void internalTopics_stayExcluded_whenUserClearsExcludes() {
    TopicFilter f = filter(FlowSpec.builder().excludeTopics());
    assertThat(f.test("orders.replica")).isTrue();
    assertThat(f.test("__consumer_offsets")).isFalse();
    assertThat(f.test("__mirror-positions.mirror.other")).isFalse();
    assertThat(f.test("primary.checkpoints.internal")).isFalse();
  }

  @Test
  void defaultPolicy_topicFromTarget_isNeverSentBack() {
    TopicFilter f = filter(FlowSpec.builder());
    assertThat(f.test("backup.orders")).isFalse();
    assertThat(f.rejection("backup.orders")).contains("came from target cluster 'backup' (cycle)");
    assertThat(f.test("other.backup.orders")).isFalse();
    assertThat(f.test("other.orders")).isTrue();
  }

  @Test
  void includeAndExclude_matchWholeName_excludeWins() {
    TopicFilter f = filter(FlowSpec.builder().topics("orders\\..*", "payments").excludeTopics(".*\\.tmp"));
    assertThat(f.test("orders.eu")).isTrue();
    assertThat(f.test("orders.eu.tmp")).isFalse();
    assertThat(f.test("payments")).isTrue();
    assertThat(f.test("payments2")).isFalse();
    assertThat(f.test("xorders.eu")).isFalse();
  }

  @Test
  void topicNames_areLiteral() {
    TopicFilter f = filter(FlowSpec.builder().topicNames("a.b"));
    assertThat(f.test("a.b")).isTrue();
    assertThat(f.test("axb")).isFalse();
  }

  @Test
  void emptyIncludeList_matchesNothing() {
    TopicFilter f = filter(FlowSpec.builder().topics());
    assertThat(f.test("orders")).isFalse();
  }

  @Test
  void identityPolicy_keepsNamesAndStillExcludesInternal() {
    TopicFilter f = filter(FlowSpec.builder().replicationPolicy(new IdentityReplicationPolicy()));
    assertThat(f.test("orders")).isTrue();
    assertThat(f.test("__consumer_offsets")).isFalse();
  }
}
