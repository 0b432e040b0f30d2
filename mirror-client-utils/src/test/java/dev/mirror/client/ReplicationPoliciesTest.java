package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicationPoliciesTest {

  private static final String CLASS = ReplicationPolicies.REPLICATION_POLICY_CLASS_CONFIG;
  private static final String SEPARATOR = ReplicationPolicies.REPLICATION_POLICY_SEPARATOR_CONFIG;
  private static final String INTERNAL = ReplicationPolicies.INTERNAL_TOPIC_SEPARATOR_ENABLED_CONFIG;
  private static final String ALIAS = ReplicationPolicies.SOURCE_CLUSTER_ALIAS_CONFIG;

  private static final String ACCEPTED = "use 'default', 'identity', "
      + "org.apache.kafka.connect.mirror.DefaultReplicationPolicy, "
      + "org.apache.kafka.connect.mirror.IdentityReplicationPolicy, dev.mirror.client.DefaultReplicationPolicy, "
      + "dev.mirror.client.IdentityReplicationPolicy, or a public class implementing "
      + "dev.mirror.client.ReplicationPolicy with a public no-arg constructor";

  @Test
  void constants_haveMirrorMaker2KeyNames() {
    assertThat(CLASS).isEqualTo("replication.policy.class");
    assertThat(SEPARATOR).isEqualTo("replication.policy.separator");
    assertThat(INTERNAL).isEqualTo("replication.policy.internal.topic.separator.enabled");
    assertThat(ALIAS).isEqualTo("source.cluster.alias");
  }

  @Test
  void defaultPolicyAndIdentity_returnSharedStandardPolicies() {
    assertThat(ReplicationPolicies.defaultPolicy()).isEqualTo(new DefaultReplicationPolicy())
        .isSameAs(ReplicationPolicies.defaultPolicy());
    assertThat(ReplicationPolicies.identity()).isEqualTo(new IdentityReplicationPolicy())
        .isSameAs(ReplicationPolicies.identity());
  }

  @Test
  void fromConfig_empty_returnsDefaultPolicy() {
    assertThat(ReplicationPolicies.fromConfig(Map.of())).isSameAs(ReplicationPolicies.defaultPolicy());
  }

  @Test
  void fromConfig_unrelatedKeys_areIgnored() {
    assertThat(ReplicationPolicies.fromConfig(Map.of("bootstrap.servers", "localhost:9092", "acks", 1)))
        .isEqualTo(new DefaultReplicationPolicy());
  }

  @Test
  void fromConfig_nullClassValue_returnsDefaultPolicy() {
    Map<String, Object> config = new HashMap<>();
    config.put(CLASS, null);
    assertThat(ReplicationPolicies.fromConfig(config)).isEqualTo(new DefaultReplicationPolicy());
  }

  @Test
  void fromConfig_defaultClassNames_returnDefaultPolicy() {
    for (Object name : new Object[] {"default", "DEFAULT", " Default ",
        "org.apache.kafka.connect.mirror.DefaultReplicationPolicy", "dev.mirror.client.DefaultReplicationPolicy",
        DefaultReplicationPolicy.class, org.apache.kafka.connect.mirror.DefaultReplicationPolicy.class}) {
      assertThat(ReplicationPolicies.fromConfig(Map.of(CLASS, name)))
          .as("%s", name)
          .isEqualTo(new DefaultReplicationPolicy());
    }
  }

  @Test
  void fromConfig_identityClassNames_returnIdentityPolicy() {
    for (Object name : new Object[] {"identity", "Identity",
        "org.apache.kafka.connect.mirror.IdentityReplicationPolicy", " dev.mirror.client.IdentityReplicationPolicy\n",
        IdentityReplicationPolicy.class, org.apache.kafka.connect.mirror.IdentityReplicationPolicy.class}) {
      assertThat(ReplicationPolicies.fromConfig(Map.of(CLASS, name)))
          .as("%s", name)
          .isEqualTo(new IdentityReplicationPolicy());
    }
  }

  @Test
  void fromConfig_separator_appliesToDefaultPolicy() {
    assertThat(ReplicationPolicies.fromConfig(Map.of(SEPARATOR, "_")))
        .isEqualTo(DefaultReplicationPolicy.withSeparator("_", true));
  }

  @Test
  void fromConfig_internalSeparatorFlag_readOnlyWithSeparator() {
    assertThat(ReplicationPolicies.fromConfig(Map.of(SEPARATOR, "__", INTERNAL, false)))
        .isEqualTo(DefaultReplicationPolicy.withSeparator("__", false));
    assertThat(ReplicationPolicies.fromConfig(Map.of(SEPARATOR, "__", INTERNAL, " FALSE ")))
        .isEqualTo(DefaultReplicationPolicy.withSeparator("__", false));
    assertThat(ReplicationPolicies.fromConfig(Map.of(SEPARATOR, "__", INTERNAL, "true")))
        .isEqualTo(DefaultReplicationPolicy.withSeparator("__", true));
    // Without the separator key MirrorMaker 2 does not read the flag, and neither do we, even when it is invalid.
    assertThat(ReplicationPolicies.fromConfig(Map.of(INTERNAL, false))).isEqualTo(new DefaultReplicationPolicy());
    assertThat(ReplicationPolicies.fromConfig(Map.of(INTERNAL, "maybe"))).isEqualTo(new DefaultReplicationPolicy());
  }

  @Test
  void fromConfig_identityWithAliasAndSeparator_returnsConfiguredIdentity() {
    assertThat(ReplicationPolicies.fromConfig(Map.of(CLASS, "identity", ALIAS, "primary", SEPARATOR, "_")))
        .isEqualTo(IdentityReplicationPolicy.of(DefaultReplicationPolicy.withSeparator("_"), "primary"));
    assertThat(ReplicationPolicies.fromConfig(Map.of(CLASS, "identity", SEPARATOR, "_")))
        .isEqualTo(IdentityReplicationPolicy.of(DefaultReplicationPolicy.withSeparator("_")));
  }

  @Test
  void fromConfig_identityNullAlias_meansNoAlias() {
    Map<String, Object> config = new HashMap<>();
    config.put(CLASS, "identity");
    config.put(ALIAS, null);
    ReplicationPolicy policy = ReplicationPolicies.fromConfig(config);
    assertThat(policy).isInstanceOf(IdentityReplicationPolicy.class);
    assertThat(((IdentityReplicationPolicy) policy).sourceClusterAlias()).isEmpty();
  }

  @Test
  void fromConfig_aliasWithDefaultPolicy_isIgnored() {
    assertThat(ReplicationPolicies.fromConfig(Map.of(ALIAS, "A"))).isEqualTo(new DefaultReplicationPolicy());
  }

  @Test
  void fromConfig_customClass_instantiatesWithNoArgConstructor() {
    ReplicationPolicy policy = ReplicationPolicies.fromConfig(Map.of(CLASS, UpperCasePolicy.class.getName()));
    assertThat(policy).isInstanceOf(UpperCasePolicy.class);
    assertThat(policy.formatRemoteTopic("a", "t")).isEqualTo("A.t");
    assertThat(ReplicationPolicies.fromConfig(Map.of(CLASS, UpperCasePolicy.class)))
        .isInstanceOf(UpperCasePolicy.class);
  }

  @Test
  void fromConfig_unknownClass_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(CLASS, "com.example.Nope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.class 'com.example.Nope' is invalid: no such class on the class path; "
            + ACCEPTED)
        .hasCauseInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void fromConfig_classNotAPolicy_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(CLASS, "java.lang.String")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.class 'java.lang.String' is invalid: the class does not implement "
            + "dev.mirror.client.ReplicationPolicy; " + ACCEPTED);
  }

  @Test
  void fromConfig_customMirrorMaker2Policy_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(CLASS, Mm2CustomPolicy.class)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.class '" + Mm2CustomPolicy.class.getName() + "' is invalid: the class does "
            + "not implement dev.mirror.client.ReplicationPolicy; " + ACCEPTED);
  }

  @Test
  void fromConfig_abstractClass_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(CLASS, AbstractPolicy.class.getName())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.class '" + AbstractPolicy.class.getName() + "' is invalid: the class must be "
            + "public and not abstract; " + ACCEPTED);
  }

  @Test
  void fromConfig_noNoArgConstructor_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(CLASS, NeedsArgumentPolicy.class.getName())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.class '" + NeedsArgumentPolicy.class.getName() + "' is invalid: the class has "
            + "no public no-arg constructor; " + ACCEPTED);
  }

  @Test
  void fromConfig_constructorThrows_throwsIllegalArgumentExceptionWithCause() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(CLASS, FailingPolicy.class.getName())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.class '" + FailingPolicy.class.getName() + "' is invalid: its no-arg "
            + "constructor threw java.lang.IllegalStateException: boom; fix the class or use another one")
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom");
  }

  @Test
  void fromConfig_emptyClassName_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(CLASS, " ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.class ' ' is invalid: it must not be empty; " + ACCEPTED);
  }

  @Test
  void fromConfig_classOfWrongType_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(CLASS, 42)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.class '42' is a java.lang.Integer, but it must be a String or a Class; "
            + ACCEPTED);
  }

  @Test
  void fromConfig_emptySeparator_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(SEPARATOR, "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.separator '' is invalid: it must be a non-empty string; use '.' (the default) "
            + "or another separator such as '_', or remove the key");
  }

  @Test
  void fromConfig_nullSeparator_throwsIllegalArgumentException() {
    Map<String, Object> config = new HashMap<>();
    config.put(SEPARATOR, null);
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.separator 'null' is invalid: it must be a non-empty string; use '.' "
            + "(the default) or another separator such as '_', or remove the key");
  }

  @Test
  void fromConfig_separatorOfWrongType_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(SEPARATOR, '_')))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.separator '_' is a java.lang.Character, but it must be a non-empty String; "
            + "use '.' (the default) or another separator such as '_', or remove the key");
  }

  @Test
  void fromConfig_invalidInternalSeparatorFlag_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(SEPARATOR, "_", INTERNAL, "yes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication.policy.internal.topic.separator.enabled 'yes' is invalid: it must be true or false "
            + "(a Boolean or a String); use true (the default) to name internal topics with the separator, or false "
            + "to name them with '.'");
    Map<String, Object> nullFlag = new HashMap<>();
    nullFlag.put(SEPARATOR, "_");
    nullFlag.put(INTERNAL, null);
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(nullFlag))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("replication.policy.internal.topic.separator.enabled 'null' is invalid:");
  }

  @Test
  void fromConfig_aliasOfWrongType_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(Map.of(CLASS, "identity", ALIAS, 7)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("source.cluster.alias '7' is a java.lang.Integer, but it must be a String; use the alias of the "
            + "cluster topics are replicated from, or remove the key");
  }

  @Test
  void fromConfig_null_throwsNullPointerException() {
    assertThatThrownBy(() -> ReplicationPolicies.fromConfig(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("config");
  }

  /** A custom policy: Default naming with upper-cased aliases. */
  public static final class UpperCasePolicy extends DelegatingPolicy {
    public UpperCasePolicy() {
      super(new DefaultReplicationPolicy());
    }

    @Override
    public String formatRemoteTopic(String sourceClusterAlias, String topic) {
      return super.formatRemoteTopic(sourceClusterAlias.toUpperCase(Locale.ROOT), topic);
    }
  }

  /** A custom MirrorMaker 2 policy, which implements MirrorMaker 2's interface and not ours. */
  public static final class Mm2CustomPolicy extends org.apache.kafka.connect.mirror.DefaultReplicationPolicy {}

  /** Not instantiable. */
  public abstract static class AbstractPolicy implements ReplicationPolicy {}

  /** A policy whose only constructor takes an argument. */
  public static final class NeedsArgumentPolicy extends DelegatingPolicy {
    public NeedsArgumentPolicy(String separator) {
      super(DefaultReplicationPolicy.withSeparator(separator));
    }
  }

  /** A policy whose constructor fails. */
  public static final class FailingPolicy extends DelegatingPolicy {
    public FailingPolicy() {
      super(fail());
    }

    private static DefaultReplicationPolicy fail() {
      throw new IllegalStateException("boom");
    }
  }

  /** Forwards everything to a DefaultReplicationPolicy. */
  public abstract static class DelegatingPolicy implements ReplicationPolicy {
    private final DefaultReplicationPolicy delegate;

    DelegatingPolicy(DefaultReplicationPolicy delegate) {
      this.delegate = delegate;
    }

    @Override
    public String formatRemoteTopic(String sourceClusterAlias, String topic) {
      return delegate.formatRemoteTopic(sourceClusterAlias, topic);
    }

    @Override
    public Optional<String> topicSource(String topic) {
      return delegate.topicSource(topic);
    }

    @Override
    public Optional<String> upstreamTopic(String topic) {
      return delegate.upstreamTopic(topic);
    }

    @Override
    public String offsetSyncsTopic(String clusterAlias) {
      return delegate.offsetSyncsTopic(clusterAlias);
    }

    @Override
    public String checkpointsTopic(String clusterAlias) {
      return delegate.checkpointsTopic(clusterAlias);
    }

    @Override
    public boolean isCheckpointsTopic(String topic) {
      return delegate.isCheckpointsTopic(topic);
    }

    @Override
    public boolean isMM2InternalTopic(String topic) {
      return delegate.isMM2InternalTopic(topic);
    }
  }
}
