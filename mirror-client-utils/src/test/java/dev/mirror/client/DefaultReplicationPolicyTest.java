package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** MirrorMaker 2's measured DefaultReplicationPolicy table (mm2-compat.md §4.1), and our own API. */
class DefaultReplicationPolicyTest {

  private final DefaultReplicationPolicy dot = new DefaultReplicationPolicy();
  private final DefaultReplicationPolicy underscores = DefaultReplicationPolicy.withSeparator("__");
  private final DefaultReplicationPolicy underscoresLegacyInternal =
      DefaultReplicationPolicy.withSeparator("__", false);
  private final DefaultReplicationPolicy dash = DefaultReplicationPolicy.withSeparator("-");

  /** topic, topicSource (null: empty), upstreamTopic (null: empty), originalTopic, isInternal, isHeartbeats. */
  static Stream<Arguments> measuredDotTable() {
    return Stream.of(
        Arguments.of("t1", null, null, "t1", false, false),
        Arguments.of("A.t1", "A", "t1", "t1", false, false),
        Arguments.of("B.A.t1", "B", "A.t1", "t1", false, false),
        Arguments.of("heartbeats", null, null, "heartbeats", false, true),
        Arguments.of("B.A.heartbeats", "B", "A.heartbeats", "heartbeats", false, true),
        Arguments.of("A.checkpoints.internal", "A", "checkpoints.internal", "internal", true, false),
        Arguments.of("mm2-offset-syncs.B.internal", "mm2-offset-syncs", "B.internal", "internal", true, false),
        Arguments.of("mm2-offsets.A.internal", "mm2-offsets", "A.internal", "internal", true, false),
        Arguments.of("foo.internal", "foo", "internal", "internal", false, false),
        Arguments.of("foo-internal", null, null, "foo-internal", false, false),
        Arguments.of("connect-offsets", null, null, "connect-offsets", false, false),
        Arguments.of("__consumer_offsets", null, null, "__consumer_offsets", true, false),
        Arguments.of(".hidden", "", "hidden", "hidden", true, false),
        Arguments.of("A.", null, null, "A.", false, false),
        Arguments.of("A..t", "A", ".t", "t", false, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("measuredDotTable")
  void everyMethod_measuredTable_matchesMirrorMaker2(
      String topic, String source, String upstream, String original, boolean internal, boolean heartbeats) {
    assertThat(dot.topicSource(topic)).isEqualTo(Optional.ofNullable(source));
    assertThat(dot.upstreamTopic(topic)).isEqualTo(Optional.ofNullable(upstream));
    assertThat(dot.originalTopic(topic)).isEqualTo(original);
    assertThat(dot.isInternalTopic(topic)).isEqualTo(internal);
    assertThat(dot.isHeartbeatsTopic(topic)).isEqualTo(heartbeats);
  }

  @Test
  void topicSource_leadingSeparator_returnsEmptyString() {
    assertThat(dot.topicSource(".hidden")).contains("");
    assertThat(underscores.topicSource("__consumer_offsets")).contains("");
  }

  @Test
  void topicSource_trailingSeparatorOnly_returnsEmpty() {
    assertThat(dot.topicSource("A.")).isEmpty();
    assertThat(dot.topicSource("A..")).isEmpty();
    assertThat(dot.topicSource(".")).isEmpty();
    assertThat(dot.topicSource("")).isEmpty();
  }

  @Test
  void topicSource_separatorIsLiteral_notRegex() {
    DefaultReplicationPolicy regexLooking = DefaultReplicationPolicy.withSeparator(".*");
    assertThat(regexLooking.topicSource("A.*t1")).contains("A");
    assertThat(regexLooking.topicSource("A.t1")).isEmpty();
    assertThat(regexLooking.upstreamTopic("A.*t1")).contains("t1");
  }

  @Test
  void upstreamTopic_doubleSeparator_keepsSecondSeparator() {
    assertThat(dot.upstreamTopic("A..t")).contains(".t");
    assertThat(dot.originalTopic("A..t")).isEqualTo("t");
  }

  @Test
  void formatRemoteTopic_defaultSeparator_prefixesAliasAndDot() {
    assertThat(dot.formatRemoteTopic("A", "t1")).isEqualTo("A.t1");
    assertThat(dot.formatRemoteTopic("B", "A.t1")).isEqualTo("B.A.t1");
  }

  @Test
  void internalTopicNames_defaultSeparator_useDot() {
    assertThat(dot.checkpointsTopic("A")).isEqualTo("A.checkpoints.internal");
    assertThat(dot.offsetSyncsTopic("B")).isEqualTo("mm2-offset-syncs.B.internal");
    assertThat(dot.heartbeatsTopic()).isEqualTo("heartbeats");
    assertThat(dot.isCheckpointsTopic("A.checkpoints.internal")).isTrue();
    assertThat(dot.isMM2InternalTopic("mm2-offset-syncs.B.internal")).isTrue();
    assertThat(dot.isMM2InternalTopic("A.checkpoints.internal")).isTrue();
  }

  @Test
  void isInternalTopic_userTopicsEndingInInternal_areNotInternalSinceKafka40() {
    assertThat(dot.isInternalTopic("foo.internal")).isFalse();
    assertThat(dot.isInternalTopic("foo-internal")).isFalse();
    assertThat(dot.isInternalTopic("connect-offsets")).isFalse();
    assertThat(dot.isMM2InternalTopic("mm2internal")).isFalse();
    assertThat(dot.isMM2InternalTopic("mm2.internal")).isTrue();
  }

  @Test
  void doubleUnderscoreSeparator_measuredFacts() {
    assertThat(underscores.formatRemoteTopic("A", "t1")).isEqualTo("A__t1");
    assertThat(underscores.topicSource("A__t1")).contains("A");
    assertThat(underscores.upstreamTopic("A__t1")).contains("t1");
    assertThat(underscores.topicSource("A.t1")).isEmpty();
    assertThat(underscores.checkpointsTopic("A")).isEqualTo("A__checkpoints__internal");
    assertThat(underscores.offsetSyncsTopic("B")).isEqualTo("mm2-offset-syncs__B__internal");
    assertThat(underscores.formatRemoteTopic("A", underscores.heartbeatsTopic())).isEqualTo("A__heartbeats");
    assertThat(underscores.isHeartbeatsTopic("A__heartbeats")).isTrue();
    assertThat(underscores.isInternalTopic("A__checkpoints__internal")).isTrue();
    assertThat(underscores.isCheckpointsTopic("A.checkpoints.internal")).isFalse();
  }

  @Test
  void internalTopicSeparatorDisabled_internalNamesUseDot() {
    assertThat(underscoresLegacyInternal.formatRemoteTopic("A", "t1")).isEqualTo("A__t1");
    assertThat(underscoresLegacyInternal.checkpointsTopic("A")).isEqualTo("A.checkpoints.internal");
    assertThat(underscoresLegacyInternal.offsetSyncsTopic("B")).isEqualTo("mm2-offset-syncs.B.internal");
    assertThat(underscoresLegacyInternal.isInternalTopic("A.checkpoints.internal")).isTrue();
    assertThat(underscoresLegacyInternal.isInternalTopic("A__checkpoints__internal")).isFalse();
    assertThat(underscoresLegacyInternal.isMM2InternalTopic("mm2-offset-syncs.B.internal")).isTrue();
  }

  @Test
  void dashSeparator_offsetSyncsTopic_hasSourceMm2() {
    assertThat(dash.offsetSyncsTopic("B")).isEqualTo("mm2-offset-syncs-B-internal");
    assertThat(dash.topicSource("mm2-offset-syncs-B-internal")).contains("mm2");
    assertThat(dash.isInternalTopic("mm2-offset-syncs-B-internal")).isTrue();
  }

  @Test
  void originalTopic_multiHop_stripsEveryAlias() {
    assertThat(dot.originalTopic("C.B.A.t1")).isEqualTo("t1");
    assertThat(underscores.originalTopic("C__B__A__t1")).isEqualTo("t1");
  }

  @Test
  void withSeparator_empty_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> DefaultReplicationPolicy.withSeparator(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("separator '' is invalid: it must not be empty, because it splits cluster aliases from topic "
            + "names; use '.' (the default) or another non-empty string such as '_'");
    assertThatThrownBy(() -> DefaultReplicationPolicy.withSeparator("", false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withSeparator_null_throwsNullPointerException() {
    assertThatThrownBy(() -> DefaultReplicationPolicy.withSeparator(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("separator");
  }

  @Test
  void methods_nullTopic_throwNullPointerException() {
    assertThatThrownBy(() -> dot.topicSource(null)).isInstanceOf(NullPointerException.class).hasMessage("topic");
    assertThatThrownBy(() -> dot.upstreamTopic(null)).isInstanceOf(NullPointerException.class).hasMessage("topic");
    assertThatThrownBy(() -> dot.formatRemoteTopic(null, "t"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sourceClusterAlias");
    assertThatThrownBy(() -> dot.checkpointsTopic(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clusterAlias");
  }

  @Test
  void accessors_defaultConstructor_returnDefaults() {
    assertThat(dot.separator()).isEqualTo(".").isEqualTo(DefaultReplicationPolicy.DEFAULT_SEPARATOR);
    assertThat(dot.internalTopicSeparatorEnabled()).isTrue();
    assertThat(underscoresLegacyInternal.separator()).isEqualTo("__");
    assertThat(underscoresLegacyInternal.internalTopicSeparatorEnabled()).isFalse();
  }

  @Test
  void equals_sameSettings_equalAndSameHashCode() {
    assertThat(DefaultReplicationPolicy.withSeparator(".")).isEqualTo(dot).hasSameHashCodeAs(dot);
    assertThat(DefaultReplicationPolicy.withSeparator("__")).isEqualTo(underscores).hasSameHashCodeAs(underscores);
    assertThat(underscores).isNotEqualTo(underscoresLegacyInternal).isNotEqualTo(dot);
    assertThat(dot).isNotEqualTo(new IdentityReplicationPolicy());
  }

  @Test
  void toString_showsSettings() {
    assertThat(underscoresLegacyInternal)
        .hasToString("DefaultReplicationPolicy{separator='__', internalTopicSeparatorEnabled=false}");
  }
}
