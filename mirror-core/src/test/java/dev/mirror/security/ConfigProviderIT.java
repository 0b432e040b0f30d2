package dev.mirror.security;

import static dev.mirror.security.Secure.assertSameRecords;
import static dev.mirror.security.Secure.total;
import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.endOffsets;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mirror.Mirror;
import dev.mirror.MirrorConfigException;
import dev.mirror.State;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka config providers in cluster properties: the SASL JAAS configuration of the source and the TLS
 * passwords of the target come from a properties file through {@code ${file:<path>:<key>}}, resolved by the
 * Kafka clients Mirror creates; Mirror's own settings show the placeholders, never the values.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigProviderIT {
  private static final String MIRROR_USER = "mirror";
  private static final String MIRROR_PASSWORD = "provided-" + uniqueName("pw");
  private static EmbeddedKafkaCluster source;
  private static EmbeddedKafkaCluster target;

  @TempDir
  static Path dir;

  @BeforeAll
  static void startClusters() {
    source = EmbeddedKafkaCluster.startSaslScram("source", "SCRAM-SHA-512",
        Map.of("admin", "admin-" + uniqueName("pw"), MIRROR_USER, MIRROR_PASSWORD), false, "admin");
    target = EmbeddedKafkaCluster.startTls("target", true);
  }

  @AfterAll
  static void stopClusters() {
    if (source != null) {
      source.close();
    }
    if (target != null) {
      target.close();
    }
  }

  /** Writes the secrets to a properties file, as an operator would keep them out of the application's config. */
  private static Path credentials() throws IOException {
    Map<String, Object> tls = target.clientProperties(MIRROR_USER);
    Properties p = new Properties();
    p.setProperty("jaas", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + MIRROR_USER + "\" password=\"" + MIRROR_PASSWORD + "\";");
    p.setProperty("truststore.password", tls.get(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG).toString());
    p.setProperty("keystore.password", tls.get(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG).toString());
    p.setProperty("key.password", tls.get(SslConfigs.SSL_KEY_PASSWORD_CONFIG).toString());
    Path file = dir.resolve(uniqueName("creds") + ".properties");
    try (var out = Files.newOutputStream(file)) {
      p.store(out, "Mirror test credentials");
    }
    return file;
  }

  private static Map<String, Object> withFileProvider(Map<String, Object> props) {
    Map<String, Object> result = new LinkedHashMap<>(props);
    result.put("config.providers", "file");
    result.put("config.providers.file.class", FileConfigProvider.class.getName());
    return result;
  }

  private static Map<String, Object> sourceProps(Path credentials) {
    Map<String, Object> props = withFileProvider(source.clientProperties(MIRROR_USER));
    props.put(SaslConfigs.SASL_JAAS_CONFIG, "${file:" + credentials + ":jaas}");
    return props;
  }

  private static Map<String, Object> targetProps(Path credentials) {
    Map<String, Object> props = withFileProvider(target.clientProperties(MIRROR_USER));
    props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, "${file:" + credentials + ":truststore.password}");
    props.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, "${file:" + credentials + ":keystore.password}");
    props.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, "${file:" + credentials + ":key.password}");
    return props;
  }

  @Test
  void fileProvider_jaasAndTlsPasswordsFromAFile_mirrorConnectsAndReplicates() throws IOException {
    Path credentials = credentials();
    String topic = uniqueName("provided");
    createTopic(source, topic, 2);
    produce(source, topic, Secure.records(topic, 50, 2));

    Mirror mirror = Mirror.builder()
        .name(uniqueName("m"))
        .cluster("source", sourceProps(credentials))
        .cluster("target", targetProps(credentials))
        .operationTimeout(Duration.ofSeconds(10))
        .flow(f -> f.from("source").to("target").topicNames(topic))
        .build();
    // Mirror keeps what it was given; the clients resolve the placeholders.
    assertThat(mirror.clusters().get("source").properties().get(SaslConfigs.SASL_JAAS_CONFIG))
        .isEqualTo("${file:" + credentials + ":jaas}");
    assertThat(mirror.toString()).doesNotContain(MIRROR_PASSWORD);
    try (mirror) {
      mirror.start();
      Await.until(Secure.WAIT, () -> assertThat(total(endOffsets(target, "source." + topic))).isEqualTo(50));
      assertThat(mirror.status().flow("source->target").orElseThrow().state()).isEqualTo(State.RUNNING);
    }
    assertSameRecords(source, topic, target, "source." + topic);
  }

  @Test
  void fileProvider_missingFile_buildNamesTheClusterAndTheFile() {
    Path missing = dir.resolve("no-such-file.properties");
    MirrorConfigException e = catchThrowableOfType(MirrorConfigException.class, () -> Mirror.builder()
        .cluster("source", sourceProps(missing))
        .cluster("target", target.clientProperties(MIRROR_USER))
        .flow(f -> f.from("source").to("target"))
        .build());
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("cluster 'source'").contains(missing.toString());
  }
}
