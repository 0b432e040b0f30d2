package dev.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirror.client.DefaultReplicationPolicy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MirrorBuilderTest {

  private static Mirror.Builder twoClusters() {
    return Mirror.builder()
        .cluster("primary", Map.of("bootstrap.servers", "127.0.0.1:1"))
        .cluster("backup", Map.of("bootstrap.servers", "127.0.0.1:2"));
  }

  @Test
  void tasks_outsideOneToTwelve_isRefusedNamingTheShards() {
    assertThatThrownBy(() -> FlowSpec.builder().tasks(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 12");
    assertThatThrownBy(() -> FlowSpec.builder().tasks(13))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12 shards").hasMessageContaining("13");
    org.assertj.core.api.Assertions.assertThat(
        FlowSpec.builder().from("a").to("b").tasks(4).build().tasks()).isEqualTo(4);
  }

  @Test
  void build_validFlow_createsMirrorInCreatedState() {
    Mirror mirror = twoClusters().name("dr").flow(f -> f.from("primary").to("backup")).build();
    assertThat(mirror.state()).isEqualTo(State.CREATED);
    assertThat(mirror.name()).isEqualTo("dr");
    assertThat(mirror.flows()).extracting(FlowSpec::id).containsExactly("primary->backup");
    assertThat(mirror.close(Duration.ofSeconds(1))).isTrue();
    assertThat(mirror.state()).isEqualTo(State.STOPPED);
  }

  @Test
  void build_unknownTargetAlias_namesAliasAndDefinedClusters() {
    assertThatThrownBy(() -> twoClusters().flow(f -> f.from("primary").to("bakup")).build())
        .isInstanceOf(MirrorConfigException.class)
        .hasMessage("invalid Mirror configuration: flow 'primary->bakup': unknown target cluster 'bakup';"
            + " defined clusters: [backup, primary]");
  }

  @Test
  void build_flowToItself_isRejected() {
    assertThatThrownBy(() -> twoClusters().flow(f -> f.from("primary").to("primary")).build())
        .isInstanceOf(MirrorConfigException.class)
        .hasMessage("invalid Mirror configuration: flow 'primary->primary': source and target are the same"
            + " cluster 'primary'; a flow copies between two different clusters");
  }

  @Test
  void build_duplicateFlow_isRejected() {
    assertThatThrownBy(() -> twoClusters()
        .flow(f -> f.from("primary").to("backup"))
        .flow(f -> f.from("primary").to("backup").topics("x"))
        .build())
        .isInstanceOf(MirrorConfigException.class)
        .hasMessage("invalid Mirror configuration: flow 'primary->backup' is defined twice; merge the two"
            + " definitions into one flow");
  }

  @Test
  void build_missingBootstrapServers_namesClusterAndFix() {
    assertThatThrownBy(() -> Mirror.builder()
        .cluster("primary", Map.of("bootstrap.servers", "127.0.0.1:1"))
        .cluster("backup", Map.of("client.id", "x"))
        .flow(f -> f.from("primary").to("backup"))
        .build())
        .isInstanceOf(MirrorConfigException.class)
        .hasMessage("invalid Mirror configuration: cluster 'backup': missing 'bootstrap.servers'; set it with"
            + " cluster(\"backup\", Map.of(\"bootstrap.servers\", \"host:9092\"))");
  }

  @Test
  void build_severalProblems_reportsEveryOne() {
    MirrorConfigException e = (MirrorConfigException) org.junit.jupiter.api.Assertions.assertThrows(
        MirrorConfigException.class, () -> Mirror.builder()
            .cluster("a", Map.of())
            .flow(f -> f.from("a").to("b"))
            .flow(f -> f.from("c").to("a"))
            .build());
    assertThat(e.problems()).containsExactly(
        "cluster 'a': missing 'bootstrap.servers'; set it with cluster(\"a\", Map.of(\"bootstrap.servers\","
            + " \"host:9092\"))",
        "flow 'a->b': unknown target cluster 'b'; defined clusters: [a]",
        "flow 'c->a': unknown source cluster 'c'; defined clusters: [a]");
    assertThat(e.getMessage()).startsWith("invalid Mirror configuration, 3 problems:");
  }

  @Test
  void build_noFlow_isRejected() {
    assertThatThrownBy(() -> twoClusters().build())
        .isInstanceOf(MirrorConfigException.class)
        .hasMessage("invalid Mirror configuration: no flow defined; add one with"
            + " flow(f -> f.from(\"source\").to(\"target\"))");
  }

  @Test
  void build_duplicateCluster_isRejected() {
    assertThatThrownBy(() -> twoClusters().cluster("backup", Map.of("bootstrap.servers", "x:1"))
        .flow(f -> f.from("primary").to("backup")).build())
        .isInstanceOf(MirrorConfigException.class)
        .hasMessage("invalid Mirror configuration: cluster 'backup' is defined twice; each alias names one"
            + " cluster");
  }

  @Test
  void build_engineOwnedConsumerKey_namesKeyAndTypedSetting() {
    assertThatThrownBy(() -> twoClusters()
        .flow(f -> f.from("primary").to("backup").consumerOverrides(Map.of("auto.offset.reset", "latest")))
        .build())
        .isInstanceOf(MirrorConfigException.class)
        .hasMessage("invalid Mirror configuration: flow 'primary->backup' consumer property 'auto.offset.reset'"
            + " is set by Mirror (use the flow's startPosition(EARLIEST|LATEST) instead); remove it");
  }

  @Test
  void build_badClientPropertyValue_namesFlowRoleAndKafkaMessage() {
    assertThatThrownBy(() -> twoClusters()
        .flow(f -> f.from("primary").to("backup").producerOverrides(Map.of("linger.ms", "soon")))
        .build())
        .isInstanceOf(MirrorConfigException.class)
        .hasMessageContaining("flow 'primary->backup' target producer (cluster 'backup'): Invalid value soon"
            + " for configuration linger.ms");
  }

  @Test
  void build_aliasContainingSeparator_isRejected() {
    assertThatThrownBy(() -> Mirror.builder()
        .cluster("us.east", Map.of("bootstrap.servers", "127.0.0.1:1"))
        .cluster("backup", Map.of("bootstrap.servers", "127.0.0.1:2"))
        .flow(f -> f.from("us.east").to("backup"))
        .build())
        .isInstanceOf(MirrorConfigException.class)
        .hasMessage("invalid Mirror configuration: flow 'us.east->backup': source alias 'us.east' contains the"
            + " replication policy's separator '.', so remote topic names could not be traced back to it;"
            + " rename the alias or choose another separator");
    // With another separator, the same alias is fine.
    Mirror ok = Mirror.builder()
        .cluster("us.east", Map.of("bootstrap.servers", "127.0.0.1:1"))
        .cluster("backup", Map.of("bootstrap.servers", "127.0.0.1:2"))
        .replicationPolicy(DefaultReplicationPolicy.withSeparator("_"))
        .flow(f -> f.from("us.east").to("backup"))
        .build();
    assertThat(ok.state()).isEqualTo(State.CREATED);
  }

  @Test
  void topics_invalidRegex_namesSettingAndRegex() {
    assertThatThrownBy(() -> FlowSpec.builder().topics("orders[", "ok"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("topics pattern must be a valid Java regular expression, but 'orders[' is not:"
            + " Unclosed character class near index 6");
  }

  @Test
  void intervals_zeroOrNegative_areRejected() {
    assertThatThrownBy(() -> FlowSpec.builder().topicRefreshInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("topicRefreshInterval must be positive, but was PT0S");
    assertThatThrownBy(() -> FlowSpec.builder().commitInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("commitInterval must be positive, but was PT-1S");
    assertThatThrownBy(() -> Mirror.builder().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retryBackoff max must be >= initial (PT2S), but was PT1S");
  }

  @Test
  void replicationFactor_zero_isRejected() {
    assertThatThrownBy(() -> FlowSpec.builder().replicationFactor(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replicationFactor must be >= 1 or -1 (broker default), but was 0");
  }

  @Test
  void alias_illegalCharacters_isRejected() {
    assertThatThrownBy(() -> Mirror.builder().cluster("prim ary", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cluster alias must be 1 to 100 characters of [a-zA-Z0-9._-], because it is used in topic"
            + " names and client ids, but was 'prim ary'");
  }

  @Test
  void flow_withoutTarget_isRejectedAtOnce() {
    assertThatThrownBy(() -> Mirror.builder().flow(f -> f.from("a")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a flow needs a source and a target: call from(sourceAlias) and to(targetAlias), but to was"
            + " not called");
  }

  @Test
  void start_twice_namesState() {
    Mirror mirror = twoClusters().name("dr").flow(f -> f.from("primary").to("backup")).build();
    mirror.close(Duration.ZERO);
    assertThatThrownBy(mirror::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot start Mirror 'dr' in state STOPPED; a Mirror starts once, build a new one");
  }

  @Test
  void toString_hidesSecrets() {
    Mirror mirror = Mirror.builder()
        .cluster("primary", c -> c.bootstrapServers("127.0.0.1:1")
            .property("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"u\" password=\"s3cret\";")
            .property("ssl.truststore.password", "pw123"))
        .cluster("backup", Map.of("bootstrap.servers", "127.0.0.1:2"))
        .flow(f -> f.from("primary").to("backup"))
        .build();
    assertThat(mirror.toString())
        .contains("sasl.jaas.config=[hidden]", "ssl.truststore.password=[hidden]")
        .doesNotContain("s3cret", "pw123");
  }

  @Test
  void builder_isReusable_andBuildCopiesState() {
    Mirror.Builder b = twoClusters().flow(f -> f.from("primary").to("backup"));
    Mirror first = b.build();
    b.flow(f -> f.from("backup").to("primary"));
    Mirror second = b.build();
    assertThat(first.flows()).hasSize(1);
    assertThat(second.flows()).hasSize(2);
    assertThat(first.toBuilder().name("other").build().flows()).hasSize(1);
  }
}
