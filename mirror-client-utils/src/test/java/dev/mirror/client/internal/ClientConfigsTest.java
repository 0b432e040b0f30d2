package dev.mirror.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

class ClientConfigsTest {

  @Test
  void parse_passesKafkaKeysToBothClients_unlikeMirrorMaker2() {
    ClientConfigs configs = ClientConfigs.parse(Map.of(
        "bootstrap.servers", "backup:9092",
        "security.protocol", "SSL",
        "client.id", "billing",
        "metadata.max.age.ms", 1000,
        "replication.policy.separator", "_",
        "source.cluster.alias", "A"));

    assertThat(configs.bootstrapServers()).isEqualTo("backup:9092");
    assertThat(configs.adminConfig()).containsOnly(
        entry("bootstrap.servers", "backup:9092"),
        entry("security.protocol", "SSL"),
        entry("client.id", "billing-admin"),
        entry("metadata.max.age.ms", 1000));
    assertThat(configs.consumerConfig()).contains(
        entry("bootstrap.servers", "backup:9092"),
        entry("security.protocol", "SSL"),
        entry("client.id", "billing-checkpoints"),
        entry("metadata.max.age.ms", 1000))
        .doesNotContainKeys("replication.policy.separator", "source.cluster.alias");
    assertThat(configs.apiTimeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void parse_consumer_neverJoinsAGroupNorCreatesTopics() {
    ClientConfigs configs = ClientConfigs.parse(Map.of(
        "bootstrap.servers", "backup:9092",
        "group.id", "billing",
        "group.instance.id", "i1",
        "enable.auto.commit", "true",
        "consumer.allow.auto.create.topics", "true",
        "auto.offset.reset", "latest",
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));

    assertThat(configs.consumerConfig())
        .doesNotContainKeys("group.id", "group.instance.id")
        .contains(
            entry("enable.auto.commit", false),
            entry("allow.auto.create.topics", false),
            entry("auto.offset.reset", "earliest"),
            entry("isolation.level", "read_committed"),
            entry("key.deserializer", ByteArrayDeserializer.class),
            entry("value.deserializer", ByteArrayDeserializer.class));
  }

  @Test
  void parse_prefixedKeys_overrideForOneClient_producerKeysDropped() {
    ClientConfigs configs = ClientConfigs.parse(Map.of(
        "bootstrap.servers", "backup:9092",
        "consumer.client.id", "reader",
        "consumer.isolation.level", "read_uncommitted",
        "admin.client.id", "lister",
        "producer.acks", "all"));

    assertThat(configs.consumerConfig()).contains(entry("client.id", "reader"),
        entry("isolation.level", "read_uncommitted")).doesNotContainKeys("acks", "producer.acks");
    assertThat(configs.adminConfig()).contains(entry("client.id", "lister")).doesNotContainKeys("acks");
  }

  @Test
  void parse_noClientId_namesBothClients() {
    ClientConfigs configs = ClientConfigs.parse(Map.of("bootstrap.servers", "backup:9092"));

    assertThat((String) configs.adminConfig().get("client.id")).matches("mirror-client-\\d+-admin");
    assertThat((String) configs.consumerConfig().get("client.id")).matches("mirror-client-\\d+-checkpoints");
  }

  @Test
  void parse_shortApiTimeout_requestTimeoutFollows() {
    ClientConfigs configs = ClientConfigs.parse(Map.of("bootstrap.servers", "b:9092", "default.api.timeout.ms", "2000"));

    assertThat(configs.apiTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(configs.adminConfig()).contains(entry("request.timeout.ms", 2000));
  }

  @Test
  void parse_apiTimeoutBelowRequestTimeout_rejected() {
    assertThatThrownBy(() -> ClientConfigs.parse(Map.of("bootstrap.servers", "b:9092",
        "default.api.timeout.ms", 2000, "request.timeout.ms", 5000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("default.api.timeout.ms '2000' is invalid for cluster 'b:9092': the admin client needs it >= "
            + "request.timeout.ms '5000'; raise it, or lower or remove request.timeout.ms");
    assertThatThrownBy(() -> ClientConfigs.parse(Map.of("bootstrap.servers", "b:9092",
        "default.api.timeout.ms", "soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("default.api.timeout.ms 'soon' is invalid for cluster 'b:9092': it must be a whole number of "
            + "milliseconds; use e.g. 10000, or remove the key");
    assertThatThrownBy(() -> ClientConfigs.parse(Map.of("bootstrap.servers", "b:9092",
        "default.api.timeout.ms", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("default.api.timeout.ms '0' is invalid for cluster 'b:9092': it must be > 0");
  }

  @Test
  void parse_bootstrapServers_requiredAndNotEmpty() {
    assertThatThrownBy(() -> ClientConfigs.parse(Map.of("client.id", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clientProperties must set bootstrap.servers, but it is missing; set it to the cluster where "
            + "consumers resume (the one holding the checkpoints topics), e.g. "
            + "Map.of(\"bootstrap.servers\", \"backup:9092\")");
    assertThatThrownBy(() -> ClientConfigs.parse(Map.of("bootstrap.servers", " ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bootstrap.servers ' ' is invalid: it must not be empty;");
    assertThatThrownBy(() -> ClientConfigs.parse(Map.of("bootstrap.servers", List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bootstrap.servers '[]' is invalid: it must not be empty;");
    assertThatThrownBy(() -> ClientConfigs.parse(Map.of("bootstrap.servers", 9092)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bootstrap.servers '9092' is a java.lang.Integer, but it must be a String or a List");
    assertThat(ClientConfigs.parse(Map.of("bootstrap.servers", List.of("a:1", "b:2"))).bootstrapServers())
        .isEqualTo("a:1,b:2");
  }

  @Test
  void parse_nullKeyOrValue() {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", "b:9092");
    props.put("client.id", null);
    assertThat(ClientConfigs.parse(props).adminConfig()).doesNotContainValue(null);
    props.put(null, "x");
    assertThatThrownBy(() -> ClientConfigs.parse(props))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clientProperties must not contain a null key, but one maps to 'x'; remove it");
  }

  @Test
  void parse_invalidKafkaValue_namesKeyAndValue() {
    assertThatThrownBy(() -> ClientConfigs.parse(Map.of("bootstrap.servers", "b:9092", "security.protocol", "TLS")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("clientProperties are invalid for the admin client of cluster 'b:9092': ")
        .hasMessageContaining("TLS")
        .hasMessageContaining("security.protocol")
        .hasMessageEndingWith("; fix the value or remove the key");
    assertThatThrownBy(() -> ClientConfigs.parse(Map.of("bootstrap.servers", "b:9092",
        "consumer.isolation.level", "dirty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("clientProperties are invalid for the checkpoints consumer of cluster 'b:9092': ")
        .hasMessageContaining("dirty");
  }
}
