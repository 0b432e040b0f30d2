package dev.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.mirror.client.DefaultReplicationPolicy;
import dev.mirror.client.IdentityReplicationPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mm2PropertiesTest {

  /** The typical file of mm2-compat.md §10. */
  private static final String TYPICAL_FILE = String.join("\n",
      "clusters = A, B",
      "A.bootstrap.servers = a1:9092",
      "B.bootstrap.servers = b1:9092",
      "A->B.enabled = true",
      "A->B.topics = orders.*, payments",
      "replication.factor = 3",
      "checkpoints.topic.replication.factor = 3",
      "sync.group.offsets.enabled = true",
      "B.producer.compression.type = lz4",
      "A.consumer.isolation.level = read_committed",
      "");

  @TempDir
  Path dir;

  /** A valid two-cluster base with one flow A->B, plus the given keys. */
  private static Mm2Properties parse(String... keysAndValues) {
    Map<String, String> map = new HashMap<>(Map.of(
        "clusters", "A, B",
        "A.bootstrap.servers", "127.0.0.1:9001",
        "B.bootstrap.servers", "127.0.0.1:9002",
        "A->B.enabled", "true"));
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Mm2Properties.parse(map);
  }

  /** Builds the Mirror (which contacts no broker), hands it to the check and closes it. */
  private static void withMirror(Mm2Properties props, Consumer<Mirror> check) {
    assertThat(props.problems()).isEmpty();
    Mirror mirror = props.toBuilder().build();
    try {
      check.accept(mirror);
    } finally {
      mirror.close(Duration.ofSeconds(1));
    }
  }

  private static FlowSpec onlyFlow(Mirror mirror) {
    assertThat(mirror.flows()).hasSize(1);
    return mirror.flows().get(0);
  }

  private static List<String> patterns(List<Pattern> patterns) {
    return patterns.stream().map(Pattern::pattern).toList();
  }

  private Path write(String text) throws IOException {
    Path file = dir.resolve("mm2.properties");
    Files.writeString(file, text, StandardCharsets.ISO_8859_1);
    return file;
  }

  // ---------------------------------------------------------------------------------------------------------
  // the typical file, precedence, defaults, lists

  @Test
  void load_typicalFileFromCompatDoc_buildsFlowAndWarnsAboutIgnoredKeys() throws IOException {
    Mm2Properties props = Mm2Properties.load(write(TYPICAL_FILE));

    assertThat(props.problems()).isEmpty();
    assertThat(props.warnings()).containsExactly(
        "A.consumer.isolation.level: ignored; Mirror sets 'isolation.level' itself (Mirror always reads "
            + "read_committed, so aborted records are never copied)");
    // Without offset.storage.replication.factor, the checkpoints topic's factor sets that of all Mirror's topics.
    assertThat(props.internalTopicReplicationFactor()).isEqualTo(3);
    withMirror(props, mirror -> {
      assertThat(mirror.name()).isEqualTo("mm2");
      FlowSpec flow = onlyFlow(mirror);
      assertThat(flow.id()).isEqualTo("A->B");
      assertThat(patterns(flow.topics())).containsExactly("orders.*", "payments");
      assertThat(patterns(flow.excludeTopics())).isEqualTo(FlowSpec.DEFAULT_EXCLUDE_TOPICS);
      assertThat(flow.replicationFactor()).isEqualTo(3);
      assertThat(flow.syncGroupOffsets()).isTrue();
      assertThat(mirror.clusters().get("A").properties()).isEqualTo(Map.of("bootstrap.servers", "a1:9092"));
      assertThat(mirror.clusters().get("A").consumerOverrides()).isEmpty();
      assertThat(mirror.clusters().get("B").producerOverrides()).isEqualTo(Map.of("compression.type", "lz4"));
    });
  }

  @Test
  void load_kafkaSampleFile_runsBothFlowsAndWarnsAboutEachIgnoredKey() throws IOException {
    // Kafka's config/connect-mirror-maker.properties, comments left out.
    Mm2Properties props = Mm2Properties.load(write(String.join("\n",
        "clusters = A, B",
        "A.bootstrap.servers = A_host1:9092, A_host2:9092, A_host3:9092",
        "B.bootstrap.servers = B_host1:9092, B_host2:9092, B_host3:9092",
        "replication.factor=1",
        "A->B.enabled = true",
        "A->B.topics = .*",
        "B->A.enabled = true",
        "B->A.topics = .*",
        "checkpoints.topic.replication.factor=1",
        "heartbeats.topic.replication.factor=1",
        "offset-syncs.topic.replication.factor=1",
        "offset.storage.replication.factor=1",
        "status.storage.replication.factor=1",
        "config.storage.replication.factor=1",
        "sync.topic.acls.enabled = false",
        "emit.heartbeats.interval.seconds = 5",
        "")));

    assertThat(props.problems()).isEmpty();
    // The internal topics' factors equal offset.storage.replication.factor, which Mirror uses for all its topics.
    assertThat(props.warnings()).containsExactly(
        "config.storage.replication.factor: not needed, ignored; Mirror has no Connect config or status topics",
        "status.storage.replication.factor: not needed, ignored; Mirror has no Connect config or status topics");
    assertThat(props.internalTopicReplicationFactor()).isEqualTo(1);
    withMirror(props, mirror -> {
      assertThat(mirror.flows()).extracting(FlowSpec::id).containsExactly("A->B", "B->A");
      assertThat(mirror.flows()).allSatisfy(f -> {
        assertThat(f.syncTopicAcls()).isFalse();
        assertThat(f.replicationFactor()).isEqualTo(1);
        assertThat(f.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
      });
    });
  }

  @Test
  void parse_flowKeyAndTopLevelKey_flowKeyWins() {
    Mm2Properties props = parse(
        "topics", "top.*",
        "A->B.topics", "flow.*",
        "replication.factor", "2",
        "A->B.replication.factor", "3",
        "refresh.topics.interval.seconds", "60",
        "A->B.refresh.topics.interval.seconds", "1",
        "sync.topic.configs.enabled", "true",
        "A->B.sync.topic.configs.enabled", "false",
        "topics.exclude", "tmp.*");

    withMirror(props, mirror -> {
      FlowSpec flow = onlyFlow(mirror);
      assertThat(patterns(flow.topics())).containsExactly("flow.*");
      assertThat(flow.replicationFactor()).isEqualTo(3);
      assertThat(flow.topicRefreshInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(flow.syncTopicConfigs()).isFalse();
      assertThat(patterns(flow.excludeTopics())).containsExactly("tmp.*");
    });
    assertThat(props.warnings()).isEmpty();
  }

  @Test
  void parse_topLevelKeyOnly_appliesToEveryFlow() {
    Mm2Properties props = parse(
        "B->A.enabled", "true",
        "topics", "shared.*",
        "refresh.topics.enabled", "false");

    withMirror(props, mirror -> {
      assertThat(mirror.flows()).extracting(FlowSpec::id).containsExactly("A->B", "B->A");
      for (FlowSpec flow : mirror.flows()) {
        assertThat(patterns(flow.topics())).containsExactly("shared.*");
        assertThat(flow.refreshTopics()).isFalse();
      }
    });
  }

  @Test
  void parse_checkpointHeartbeatAndOffsetSyncKeys_configureFlow() {
    Mm2Properties props = parse(
        "groups", "app-.*, billing",
        "A->B.groups.exclude", "app-test.*",
        "emit.checkpoints.enabled", "true",
        "A->B.emit.checkpoints.interval.seconds", "30",
        "sync.group.offsets.enabled", "true",
        "emit.heartbeats.enabled", "false",
        "emit.heartbeats.interval.seconds", "2",
        "heartbeats.replication.enabled", "false",
        "emit.offset-syncs.enabled", "true",
        "A->B.offset-syncs.topic.location", "source",
        "sync.group.offsets.interval.seconds", "10",
        "A->B.refresh.groups.interval.seconds", "7");

    assertThat(props.warnings()).isEmpty();
    withMirror(props, mirror -> {
      FlowSpec flow = onlyFlow(mirror);
      assertThat(flow.syncGroupOffsetsInterval()).isEqualTo(Duration.ofSeconds(10));
      assertThat(flow.groupRefreshInterval()).isEqualTo(Duration.ofSeconds(7));
      assertThat(patterns(flow.groups())).containsExactly("app-.*", "billing");
      assertThat(patterns(flow.excludeGroups())).containsExactly("app-test.*");
      assertThat(flow.emitCheckpoints()).isTrue();
      assertThat(flow.checkpointInterval()).isEqualTo(Duration.ofSeconds(30));
      assertThat(flow.syncGroupOffsets()).isTrue();
      assertThat(flow.emitHeartbeats()).isFalse();
      assertThat(flow.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
      assertThat(flow.replicateHeartbeats()).isFalse();
      assertThat(flow.emitOffsetSyncs()).isTrue();
      assertThat(flow.offsetSyncsLocation()).isEqualTo(OffsetSyncsLocation.SOURCE);
    });
    assertThat(parse("offset-syncs.topic.location", "remote").problems())
        .containsExactly("offset-syncs.topic.location: 'remote' is not a location; use source or target");
  }

  @Test
  void parse_settingsAbsent_useMirrorDefaultsNotMm2Defaults() {
    withMirror(parse(), mirror -> {
      FlowSpec flow = onlyFlow(mirror);
      assertThat(flow.replicationFactor()).isEqualTo(FlowSpec.BROKER_DEFAULT_REPLICATION_FACTOR);
      assertThat(flow.topicRefreshInterval()).isEqualTo(FlowSpec.DEFAULT_TOPIC_REFRESH_INTERVAL);
      assertThat(patterns(flow.topics())).isEqualTo(FlowSpec.DEFAULT_TOPICS);
      assertThat(flow.startPosition()).isEqualTo(StartPosition.EARLIEST);
      assertThat(flow.offsetSyncsLocation()).isEqualTo(OffsetSyncsLocation.TARGET);
      assertThat(flow.checkpointInterval()).isEqualTo(FlowSpec.DEFAULT_CHECKPOINT_INTERVAL);
      assertThat(mirror.name()).isEqualTo(Mm2Properties.DEFAULT_NAME);
      assertThat(mirror.toBuilder()).isNotNull();
    });
  }

  @Test
  void parse_listValue_splitOnCommasWithEntriesTrimmed() {
    withMirror(parse("A->B.topics", "  orders.* ,payments   ,  audit\\..*  "), mirror ->
        assertThat(patterns(onlyFlow(mirror).topics())).containsExactly("orders.*", "payments", "audit\\..*"));
  }

  @Test
  void parse_emptyTopicsList_matchesNothing() {
    withMirror(parse("A->B.topics", "   "), mirror -> assertThat(onlyFlow(mirror).topics()).isEmpty());
  }

  @Test
  void load_trailingWhitespaceInSeparator_isProblemNamingKey() throws IOException {
    Mm2Properties props = Mm2Properties.load(write(TYPICAL_FILE + "replication.policy.separator = _ \n"));

    assertThat(props.problems()).containsExactly("replication.policy.separator: '_ ' has characters that are not "
        + "legal in topic names; use only [a-zA-Z0-9._-] (java.util.Properties keeps trailing whitespace in "
        + "values: remove it)");
  }

  @Test
  void parse_flowSeparator_givesFlowItsOwnPolicy() {
    withMirror(parse("A->B.replication.policy.separator", "_"), mirror -> {
      DefaultReplicationPolicy policy = (DefaultReplicationPolicy) onlyFlow(mirror).replicationPolicy().orElseThrow();
      assertThat(policy.formatRemoteTopic("A", "orders")).isEqualTo("A_orders");
    });
  }

  @Test
  void parse_identityPolicyClass_getsFlowSourceAsSourceClusterAlias() {
    withMirror(parse("replication.policy.class", "org.apache.kafka.connect.mirror.IdentityReplicationPolicy"),
        mirror -> {
          IdentityReplicationPolicy policy = (IdentityReplicationPolicy) onlyFlow(mirror).replicationPolicy()
              .orElseThrow();
          assertThat(policy.formatRemoteTopic("A", "orders")).isEqualTo("orders");
          assertThat(policy.topicSource("orders")).contains("A");
        });
  }

  @Test
  void problems_aliasContainsSeparator_namesClustersAndFix() {
    Mm2Properties props = Mm2Properties.parse(Map.of(
        "clusters", "us.east, B",
        "us.east.bootstrap.servers", "127.0.0.1:9001",
        "B.bootstrap.servers", "127.0.0.1:9002",
        "us.east->B.enabled", "true"));

    assertThat(props.problems()).containsExactly("clusters: alias 'us.east' contains the replication policy "
        + "separator '.', so the remote topics of flow 'us.east->B' could not be traced back to it; rename the alias "
        + "or choose another replication.policy.separator");
    withMirror(Mm2Properties.parse(Map.of(
        "clusters", "us.east, B",
        "us.east.bootstrap.servers", "127.0.0.1:9001",
        "B.bootstrap.servers", "127.0.0.1:9002",
        "us.east->B.enabled", "true",
        "replication.policy.separator", "_")),
        mirror -> assertThat(mirror.clusters().get("us.east").properties())
            .containsEntry("bootstrap.servers", "127.0.0.1:9001"));
  }

  @Test
  void parse_offsetStorageReplicationFactorAndName_configureMirror() {
    withMirror(parse("offset.storage.replication.factor", "1", "name", "dr", "admin.timeout.ms", "5000"),
        mirror -> assertThat(mirror.name()).isEqualTo("dr"));
  }

  @Test
  void parse_tasksMax_topLevelForEveryFlowAndPerFlowWins() {
    Mm2Properties props = parse(
        "B->A.enabled", "true",
        "tasks.max", "4",
        "B->A.tasks.max", " 2 ");

    assertThat(props.warnings()).isEmpty();
    withMirror(props, mirror -> assertThat(mirror.flows()).extracting(FlowSpec::id, FlowSpec::tasks)
        .containsExactly(tuple("A->B", 4), tuple("B->A", 2)));
    withMirror(parse(), mirror -> assertThat(onlyFlow(mirror).tasks()).isEqualTo(1));
  }

  @Test
  void parse_tasksMaxAboveTwelve_cappedAtTwelveWithWarningNamingKeyAndValue() {
    Mm2Properties props = parse("B->A.enabled", "true", "tasks.max", "40", "A->B.tasks.max", "13");

    assertThat(props.problems()).isEmpty();
    assertThat(props.warnings()).containsExactly(
        "tasks.max: 40 is more than Mirror's maximum of 12 copy threads per flow; Mirror uses 12",
        "A->B.tasks.max: 13 is more than Mirror's maximum of 12 copy threads per flow; Mirror uses 12");
    withMirror(props, mirror -> assertThat(mirror.flows()).extracting(FlowSpec::tasks)
        .containsExactly(FlowSpec.MAX_TASKS, FlowSpec.MAX_TASKS));
  }

  @Test
  void problems_tasksMaxBelowOneOrNotANumber_nameKeyValueAndRange() {
    assertThat(parse("tasks.max", "0", "A->B.tasks.max", "four").problems()).containsExactly(
        "tasks.max: '0' must be >= 1; use a number of copy threads from 1 to 12",
        "A->B.tasks.max: 'four' is not a whole number; use a number of copy threads from 1 to 12");
    assertThat(parse("A->B.tasks.max", "-3").problems()).containsExactly(
        "A->B.tasks.max: '-3' must be >= 1; use a number of copy threads from 1 to 12");
  }

  @Test
  void parse_internalTopicReplicationFactors_setMirrorsOneFactorAndWarnOnlyWhenTheyDiffer() {
    Mm2Properties same = parse(
        "checkpoints.topic.replication.factor", "3",
        "heartbeats.topic.replication.factor", "3",
        "A->B.offset-syncs.topic.replication.factor", "3");
    assertThat(same.warnings()).isEmpty();
    assertThat(same.internalTopicReplicationFactor()).isEqualTo(3);

    Mm2Properties explicit = parse(
        "offset.storage.replication.factor", "2",
        "checkpoints.topic.replication.factor", "3",
        "heartbeats.topic.replication.factor", "2");
    assertThat(explicit.internalTopicReplicationFactor()).isEqualTo(2);
    assertThat(explicit.warnings()).containsExactly("checkpoints.topic.replication.factor: 3 is not used; Mirror "
        + "creates all its own topics (positions, checkpoints, heartbeats, offset syncs) with one replication "
        + "factor, 2, the value of offset.storage.replication.factor");

    Mm2Properties mixed = parse(
        "heartbeats.topic.replication.factor", "-1",
        "A->B.checkpoints.topic.replication.factor", "2");
    assertThat(mixed.internalTopicReplicationFactor()).isEqualTo(2);
    assertThat(mixed.warnings()).containsExactly("heartbeats.topic.replication.factor: -1 is not used; Mirror "
        + "creates all its own topics (positions, checkpoints, heartbeats, offset syncs) with one replication "
        + "factor, 2, the largest of the internal topics' replication factors in the file");
    withMirror(mixed, mirror -> assertThat(onlyFlow(mirror).id()).isEqualTo("A->B"));

    assertThat(parse("offset.storage.replication.factor", "-1", "checkpoints.topic.replication.factor", "1")
        .warnings()).containsExactly("checkpoints.topic.replication.factor: 1 is not used; Mirror creates all its own "
            + "topics (positions, checkpoints, heartbeats, offset syncs) with one replication factor, -1 (the broker "
            + "default), the value of offset.storage.replication.factor");
    assertThat(parse().internalTopicReplicationFactor()).isNull();
    assertThat(parse("A->B.heartbeats.topic.replication.factor", "0").problems()).containsExactly(
        "A->B.heartbeats.topic.replication.factor: '0' is out of range; use a replication factor from 1 to 32767, "
            + "or -1 for the broker default");
  }

  @Test
  void parse_topicConfigAclAndGroupSyncKeys_configureFlow() {
    Mm2Properties props = parse(
        "sync.topic.configs.enabled", "true",
        "sync.topic.configs.interval.seconds", "120",
        "sync.topic.acls.enabled", "true",
        "A->B.sync.topic.acls.interval.seconds", "90",
        "refresh.topics.enabled", "true",
        "refresh.topics.interval.seconds", "15",
        "refresh.groups.interval.seconds", "20",
        "sync.group.offsets.interval.seconds", "25",
        "config.properties.exclude", "retention.ms, cleanup\\.policy");

    assertThat(props.warnings()).isEmpty();
    withMirror(props, mirror -> {
      FlowSpec flow = onlyFlow(mirror);
      assertThat(flow.syncTopicConfigs()).isTrue();
      assertThat(flow.topicConfigSyncInterval()).isEqualTo(Duration.ofSeconds(120));
      assertThat(flow.syncTopicAcls()).isTrue();
      assertThat(flow.topicAclSyncInterval()).isEqualTo(Duration.ofSeconds(90));
      assertThat(flow.refreshTopics()).isTrue();
      assertThat(flow.topicRefreshInterval()).isEqualTo(Duration.ofSeconds(15));
      assertThat(flow.groupRefreshInterval()).isEqualTo(Duration.ofSeconds(20));
      assertThat(flow.syncGroupOffsetsInterval()).isEqualTo(Duration.ofSeconds(25));
      assertThat(flow.configPropertiesExclude()).containsExactly("retention.ms", "cleanup.policy");
    });
    withMirror(parse("A->B.sync.topic.acls.enabled", "false"),
        mirror -> assertThat(onlyFlow(mirror).syncTopicAcls()).isFalse());
  }

  // ---------------------------------------------------------------------------------------------------------
  // client properties

  @Test
  void parse_clientKeys_goToPropertiesOrRoleOverridesWithRoleKeysWinning() {
    Mm2Properties props = parse(
        "security.protocol", "PLAINTEXT",
        "A.request.timeout.ms", "20000",
        "A.fetch.max.bytes", "1000000",
        "A.consumer.fetch.max.bytes", "2000000",
        "A.admin.retries", "3",
        "B.compression.type", "gzip",
        "B.producer.linger.ms", "50");

    withMirror(props, mirror -> {
      ClusterSpec a = mirror.clusters().get("A");
      assertThat(a.properties()).isEqualTo(Map.of(
          "bootstrap.servers", "127.0.0.1:9001", "security.protocol", "PLAINTEXT", "request.timeout.ms", "20000"));
      assertThat(a.consumerOverrides()).isEqualTo(Map.of("fetch.max.bytes", "2000000"));
      assertThat(a.adminOverrides()).isEqualTo(Map.of("retries", "3"));
      ClusterSpec b = mirror.clusters().get("B");
      assertThat(b.properties()).containsEntry("security.protocol", "PLAINTEXT");
      assertThat(b.producerOverrides()).isEqualTo(Map.of("compression.type", "gzip", "linger.ms", "50"));
    });
    assertThat(props.warnings()).isEmpty();
  }

  @Test
  void parse_securitySettings_perClusterWithTopLevelFallback() {
    Mm2Properties props = parse(
        "security.protocol", "SASL_SSL",
        "sasl.mechanism", "SCRAM-SHA-512",
        "ssl.truststore.location", "/etc/mirror/truststore.p12",
        "A.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\" "
            + "password=\"a-secret\";",
        "B.security.protocol", "SSL",
        "B.ssl.keystore.location", "/etc/mirror/b.p12",
        "B.ssl.keystore.password", "b-secret",
        "B.admin.sasl.mechanism", "PLAIN");

    assertThat(props.warnings()).isEmpty();
    withMirror(props, mirror -> {
      ClusterSpec a = mirror.clusters().get("A");
      assertThat(a.properties()).containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
          .containsEntry("ssl.truststore.location", "/etc/mirror/truststore.p12")
          .containsKey("sasl.jaas.config");
      ClusterSpec b = mirror.clusters().get("B");
      assertThat(b.properties()).containsEntry("security.protocol", "SSL")
          .containsEntry("ssl.keystore.location", "/etc/mirror/b.p12")
          .containsEntry("ssl.truststore.location", "/etc/mirror/truststore.p12");
      assertThat(b.adminOverrides()).isEqualTo(Map.of("sasl.mechanism", "PLAIN"));
      assertThat(a.toString() + b.toString() + mirror.toString()).doesNotContain("a-secret", "b-secret");
    });
    assertThat(parse("A.security.protocol", "SASL_TLS").problems()).singleElement().asString()
        .startsWith("A.security.protocol: 'SASL_TLS' is invalid for Kafka client setting 'security.protocol': String "
            + "must be one of (case insensitive): ")
        .contains("SASL_SSL").endsWith("; fix the value or remove the key");
  }

  @Test
  void parse_flowConsumerKeySetByCluster_clusterWinsAsInMm2() {
    Mm2Properties props = parse(
        "A.consumer.max.poll.records", "100",
        "A->B.consumer.max.poll.records", "200",
        "A->B.consumer.fetch.min.bytes", "10",
        "A->B.target.producer.linger.ms", "5");

    assertThat(props.warnings()).containsExactly("A->B.consumer.max.poll.records: ignored; "
        + "'A.consumer.max.poll.records' sets it for the cluster, and MirrorMaker 2 gives cluster settings "
        + "precedence over flow settings; use 'A->B.source.consumer.max.poll.records' to override it for this flow");
    withMirror(props, mirror -> {
      assertThat(onlyFlow(mirror).consumerOverrides()).isEqualTo(Map.of("fetch.min.bytes", "10"));
      assertThat(onlyFlow(mirror).producerOverrides()).isEqualTo(Map.of("linger.ms", "5"));
    });
  }

  @Test
  void parse_aliasNamedLikeConnectPrefix_keepsItsClientKeys() {
    Mm2Properties props = Mm2Properties.parse(Map.of(
        "clusters", "rest, worker",
        "rest.bootstrap.servers", "127.0.0.1:9001",
        "worker.bootstrap.servers", "127.0.0.1:9002",
        "rest->worker.enabled", "true",
        "rest.listeners", "http://:8083"));

    assertThat(props.warnings()).containsExactly(
        "rest.listeners: not needed, ignored; Mirror has no Connect REST API");
    withMirror(props, mirror -> assertThat(mirror.clusters().get("worker").properties())
        .isEqualTo(Map.of("bootstrap.servers", "127.0.0.1:9002")));
  }

  @Test
  void parse_autoOffsetReset_becomesStartPosition() {
    withMirror(parse("A.consumer.auto.offset.reset", "latest"), mirror ->
        assertThat(onlyFlow(mirror).startPosition()).isEqualTo(StartPosition.LATEST));
    withMirror(parse("A.consumer.auto.offset.reset", "latest", "A->B.source.consumer.auto.offset.reset", "earliest"),
        mirror -> assertThat(onlyFlow(mirror).startPosition()).isEqualTo(StartPosition.EARLIEST));
  }

  @Test
  void problems_invalidClientValue_namesKeyValueAndKafkaRule() {
    assertThat(parse("A.consumer.fetch.max.bytes", "lots").problems()).containsExactly(
        "A.consumer.fetch.max.bytes: 'lots' is invalid for Kafka client setting 'fetch.max.bytes': Not a number of "
            + "type INT; fix the value or remove the key");
  }

  @Test
  void problems_bootstrapWithoutPort_namesKeyAndAddress() {
    assertThat(parse("B.bootstrap.servers", "b1").problems()).containsExactly(
        "B.bootstrap.servers: 'b1' is invalid for Kafka client setting 'bootstrap.servers': 'b1' is not a host:port "
            + "address; fix the value or remove the key");
  }

  @Test
  void toString_secretValues_neverShown() {
    Mm2Properties props = parse("A.sasl.jaas.config", "org.example.Login required password=\"s3cret\";",
        "C.ssl.keystore.password", "s3cret");

    assertThat(props.toString()).doesNotContain("s3cret");
    assertThat(props.warnings()).noneMatch(w -> w.contains("s3cret"));
    assertThat(props.problems()).noneMatch(p -> p.contains("s3cret"));
  }

  // ---------------------------------------------------------------------------------------------------------
  // problems

  @Test
  void problems_enabledFlowNamesUndefinedAlias_namesKeyAndAliases() {
    Mm2Properties props = parse("A->C.enabled", "true");

    assertThat(props.problems()).containsExactly(
        "A->C.enabled: unknown target cluster 'C', not in clusters [A, B]; add it to clusters or fix the key");
    assertThatThrownBy(props::toBuilder)
        .isInstanceOf(MirrorConfigException.class)
        .hasMessage("invalid Mirror configuration: A->C.enabled: unknown target cluster 'C', not in clusters "
            + "[A, B]; add it to clusters or fix the key");
  }

  @Test
  void problems_invalidRegexInFlowTopics_namesKeyAndRegex() {
    assertThat(parse("A->B.topics", "orders.*, pay(ments").problems()).containsExactly(
        "A->B.topics: 'pay(ments' is not a valid Java regular expression (Unclosed group near index 9); fix the "
            + "pattern, and note that entries are separated by commas, so a pattern cannot contain one");
  }

  @Test
  void problems_missingBootstrapServers_namesKey() {
    Mm2Properties props = Mm2Properties.parse(Map.of(
        "clusters", "A, B",
        "A.bootstrap.servers", "127.0.0.1:9001",
        "A->B.enabled", "true"));

    assertThat(props.problems()).containsExactly("B.bootstrap.servers is missing: cluster 'B' is used by flows "
        + "[A->B]; add 'B.bootstrap.servers = host:9092'");
  }

  @Test
  void problems_topLevelBootstrapServers_isFallbackForEveryCluster() {
    Mm2Properties props = Mm2Properties.parse(Map.of(
        "clusters", "A, B",
        "bootstrap.servers", "127.0.0.1:9000",
        "A.bootstrap.servers", "127.0.0.1:9001",
        "A->B.enabled", "true"));

    withMirror(props, mirror -> {
      assertThat(mirror.clusters().get("A").properties()).containsEntry("bootstrap.servers", "127.0.0.1:9001");
      assertThat(mirror.clusters().get("B").properties()).containsEntry("bootstrap.servers", "127.0.0.1:9000");
    });
  }

  @Test
  void problems_badIntegers_nameKeyValueAndRule() {
    Mm2Properties props = parse(
        "replication.factor", "three",
        "A->B.replication.factor", "0",
        "refresh.topics.interval.seconds", "0",
        "A->B.refresh.topics.interval.seconds", "soon",
        "offset.storage.replication.factor", "-2",
        "checkpoints.topic.replication.factor", "x");

    assertThat(props.problems()).containsExactly(
        "checkpoints.topic.replication.factor: 'x' is not an integer; use a replication factor >= 1, or -1 for the "
            + "broker default",
        "offset.storage.replication.factor: '-2' is out of range; use a replication factor from 1 to 32767, or -1 "
            + "for the broker default",
        "refresh.topics.interval.seconds: '0' must be > 0; use a positive number of seconds such as 60",
        "replication.factor: 'three' is not an integer; use a replication factor >= 1, or -1 for the broker default",
        "A->B.refresh.topics.interval.seconds: 'soon' is not a whole number of seconds; use a positive number such "
            + "as 60",
        "A->B.replication.factor: '0' is out of range; use a replication factor from 1 to 32767, or -1 for the "
            + "broker default");
  }

  @Test
  void problems_badBoolean_namesKeyAndChoices() {
    assertThat(parse("A->B.enabled", "yes", "B->A.enabled", "true", "sync.topic.configs.enabled", "on").problems())
        .containsExactly(
            "sync.topic.configs.enabled: 'on' is not a boolean; use true or false",
            "A->B.enabled: 'yes' is not a boolean; use true or false");
  }

  @Test
  void problems_clustersMissingOrDuplicated_namesKey() {
    assertThat(Mm2Properties.parse(Map.of()).problems())
        .containsExactly("clusters is missing: list the cluster aliases, e.g. 'clusters = A, B'");
    assertThat(parse("clusters", "A, B, A").problems())
        .containsExactly("clusters: 'A' is listed twice; list each alias once");
    assertThat(parse("clusters", "A, B, bad alias").problems()).containsExactly(
        "clusters: 'bad alias' is not a legal cluster alias; use 1 to 100 characters of [a-zA-Z0-9._-], because "
            + "aliases appear in topic names and client ids");
  }

  @Test
  void problems_noFlowEnabled_explainsHowToEnableOne() {
    assertThat(parse("A->B.enabled", "false").problems()).containsExactly("no flow is enabled: set "
        + "'<source>-><target>.enabled = true' for two aliases of clusters [A, B], e.g. 'A->B.enabled = true'");
  }

  @Test
  void toBuilder_severalProblems_listsThemAll() {
    Mm2Properties props = Mm2Properties.parse(Map.of(
        "clusters", "A, B",
        "A.bootstrap.servers", "127.0.0.1:9001",
        "A->B.enabled", "true",
        "A->B.topics", "(",
        "B->C.enabled", "true"));

    assertThatThrownBy(props::toBuilder)
        .isInstanceOf(MirrorConfigException.class)
        .satisfies(e -> assertThat(((MirrorConfigException) e).problems()).containsExactly(
            "B->C.enabled: unknown target cluster 'C', not in clusters [A, B]; add it to clusters or fix the key",
            "B.bootstrap.servers is missing: cluster 'B' is used by flows [A->B]; add 'B.bootstrap.servers = "
                + "host:9092'",
            "A->B.topics: '(' is not a valid Java regular expression (Unclosed group near index 1); fix the "
                + "pattern, and note that entries are separated by commas, so a pattern cannot contain one"));
  }

  // ---------------------------------------------------------------------------------------------------------
  // warnings

  @Test
  void warnings_unknownKeys_namedAndIgnored() {
    Mm2Properties props = parse("foo.bar", "1", "A->B.frobnicate", "x", "A.frobnicate", "y", "A->B", "true");

    assertThat(props.problems()).isEmpty();
    assertThat(props.warnings()).containsExactly(
        "unknown key 'A->B' ignored; flow keys look like 'A->B.enabled'",
        "unknown key 'A.frobnicate' ignored; cluster keys are Kafka client settings (use 'A.consumer.frobnicate' "
            + "to pass a plugin setting to one client role)",
        "unknown key 'foo.bar' ignored",
        "unknown key 'A->B.frobnicate' ignored");
  }

  @Test
  void warnings_unsupportedAndConnectKeys_namedWithReason() {
    Mm2Properties props = parse(
        "offset.lag.max", "100",
        "A->B.sync.topic.acls.interval.seconds", "0",
        "key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
        "config.storage.replication.factor", "3",
        "topics.blacklist", "tmp.*",
        "refresh.groups.enabled", "true");

    assertThat(props.problems()).hasSize(1).first().asString().startsWith("A->B.sync.topic.acls.interval.seconds");
    assertThat(props.warnings()).containsExactly(
        "config.storage.replication.factor: not needed, ignored; Mirror has no Connect config or status topics",
        "key.converter: not needed, ignored; Mirror copies record bytes unchanged, as MirrorMaker 2 does with its "
            + "ByteArrayConverter",
        "offset.lag.max: not supported yet, ignored; Mirror decides itself when to write offset syncs",
        "refresh.groups.enabled: not supported yet, ignored; Mirror always looks for new groups, every "
            + "refresh.groups.interval.seconds",
        "topics.blacklist: removed in Kafka 4.0 and ignored (MirrorMaker 2 4.x ignores it too); use 'topics.exclude' "
            + "instead");
  }

  @Test
  void warnings_keysOfAbsentClusterOrDisabledFlow_namedAndIgnored() {
    Mm2Properties props = parse(
        "C.bootstrap.servers", "127.0.0.1:9003",
        "B->A.topics", "x",
        "A->C.enabled", "false",
        "consumer.max.poll.records", "10");

    assertThat(props.problems()).isEmpty();
    assertThat(props.warnings()).containsExactly(
        "A->C.enabled: flow 'A->C' names target cluster 'C', which is not in clusters [A, B]; key ignored",
        "C.bootstrap.servers: cluster 'C' is not in clusters [A, B]; key ignored; add 'C' to clusters or remove "
            + "the key",
        "consumer.max.poll.records: top-level client overrides are ignored, as in MirrorMaker 2; set "
            + "'<alias>.consumer.max.poll.records' for a cluster or '<source>-><target>.consumer.max.poll.records' "
            + "for a flow",
        "B->A.topics: flow 'B->A' is not enabled (B->A.enabled is not true); key ignored");
  }

  @Test
  void warnings_enabledWithTrailingWhitespace_readAsTrueUnlikeMm2() {
    Mm2Properties props = parse("A->B.enabled", "true ");

    assertThat(props.problems()).isEmpty();
    assertThat(props.warnings()).containsExactly("A->B.enabled: 'true ' has surrounding whitespace; Mirror reads "
        + "it as true, but MirrorMaker 2 reads it as false (it does not trim this key); remove the whitespace");
    withMirror(props, mirror -> assertThat(onlyFlow(mirror).id()).isEqualTo("A->B"));
  }

  @Test
  void warnings_configPropertiesExcludeRegex_expandedToKnownNames() {
    Mm2Properties props = parse("config.properties.exclude", "min\\.insync\\.replicas, segment\\..*");

    assertThat(props.warnings()).containsExactly("config.properties.exclude: 'segment\\..*' is a regular "
        + "expression; Mirror excludes exact property names, so it stands for the 4 standard topic configs it "
        + "matches: [segment.bytes, segment.index.bytes, segment.jitter.ms, segment.ms]");
    withMirror(props, mirror -> assertThat(onlyFlow(mirror).configPropertiesExclude()).containsExactly(
        "min.insync.replicas", "segment.bytes", "segment.index.bytes", "segment.jitter.ms", "segment.ms"));
  }

  @Test
  void load_repeatedKey_warnsAndKeepsLastValue() throws IOException {
    Mm2Properties props = Mm2Properties.load(write(TYPICAL_FILE + "A->B.topics = audit.*\n"));

    assertThat(props.warnings()).first().asString().startsWith("A->B.topics: given more than once in '")
        .endsWith("'; the last value is used");
    withMirror(props, mirror -> assertThat(patterns(onlyFlow(mirror).topics())).containsExactly("audit.*"));
  }

  @Test
  void load_missingFile_throwsNamingFile() {
    Path missing = dir.resolve("absent.properties");

    assertThatThrownBy(() -> Mm2Properties.load(missing))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("cannot read mm2.properties file '" + missing + "': ");
  }

  // ---------------------------------------------------------------------------------------------------------
  // --clusters

  @Test
  void withClusters_targetAlias_keepsOnlyFlowsIntoIt() {
    Mm2Properties all = Mm2Properties.parse(Map.of(
        "clusters", "A, B, C",
        "A.bootstrap.servers", "127.0.0.1:9001",
        "B.bootstrap.servers", "127.0.0.1:9002",
        "A->B.enabled", "true",
        "B->A.enabled", "true",
        "A->C.enabled", "true"));

    assertThat(all.problems()).containsExactly("C.bootstrap.servers is missing: cluster 'C' is used by flows "
        + "[A->C]; add 'C.bootstrap.servers = host:9092'");
    Mm2Properties intoB = all.withClusters(List.of("B"));
    assertThat(intoB.problems()).isEmpty();
    withMirror(intoB, mirror -> {
      assertThat(mirror.flows()).extracting(FlowSpec::id).containsExactly("A->B");
      assertThat(mirror.clusters()).containsOnlyKeys("A", "B");
    });
    withMirror(all.withClusters(List.of("A", "B")), mirror ->
        assertThat(mirror.flows()).extracting(FlowSpec::id).containsExactly("A->B", "B->A"));
  }

  @Test
  void withClusters_unknownOrUntargetedAlias_isProblem() {
    assertThat(parse().withClusters(List.of("X")).problems()).containsExactly(
        "--clusters: 'X' is not in clusters [A, B]; name target clusters listed in 'clusters'",
        "--clusters: no enabled flow targets [X]; the enabled flows are [A->B], so name one of their targets");
    assertThat(parse().withClusters(List.of("A")).problems()).containsExactly(
        "--clusters: no enabled flow targets [A]; the enabled flows are [A->B], so name one of their targets");
    assertThatThrownBy(() -> parse().withClusters(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("targetAliases must name at least one target cluster, but was empty; leave withClusters out to "
            + "run every flow");
  }
}
