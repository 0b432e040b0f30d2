package dev.mirror.security;

import static dev.mirror.SameRecords.assertSameRecords;
import static dev.mirror.security.Secure.total;
import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.endOffsets;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mirror.Mirror;
import dev.mirror.MirrorConfigException;
import dev.mirror.Mm2Properties;
import dev.mirror.State;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * Kafka clients Mirror creates; Mirror's own settings show the placeholders, never the values. The same holds
 * for an {@code mm2.properties} file that declares the provider once, at the top level, as MirrorMaker 2 files do.
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
  void mm2Properties_topLevelFileProvider_secretsResolvedOnlyByTheClientsAndNeverLogged() throws IOException {
    Path credentials = credentials();
    String topic = uniqueName("mm2-provided");
    createTopic(source, topic, 2);
    produce(source, topic, Secure.records(topic, 40, 2));
    StringBuilder file = new StringBuilder(String.join("\n",
        "name = " + uniqueName("m"),
        "config.providers = file",
        "config.providers.file.class = " + FileConfigProvider.class.getName(),
        "clusters = source, target",
        "source->target.enabled = true",
        "source->target.topics = " + topic,
        "admin.timeout.ms = 10000",
        "source.sasl.jaas.config = ${file:" + credentials + ":jaas}",
        "target.ssl.truststore.password = ${file:" + credentials + ":truststore.password}",
        "target.ssl.keystore.password = ${file:" + credentials + ":keystore.password}",
        "target.ssl.key.password = ${file:" + credentials + ":key.password}",
        ""));
    source.clientProperties(MIRROR_USER).forEach((k, v) -> {
      if (!k.equals(SaslConfigs.SASL_JAAS_CONFIG)) {
        file.append("source.").append(k).append(" = ").append(v).append('\n');
      }
    });
    target.clientProperties(MIRROR_USER).forEach((k, v) -> {
      if (!k.endsWith(".password")) {
        file.append("target.").append(k).append(" = ").append(v).append('\n');
      }
    });
    Path mm2 = dir.resolve(uniqueName("mm2") + ".properties");
    Files.writeString(mm2, file.toString(), StandardCharsets.ISO_8859_1);
    List<String> secrets = new ArrayList<>(List.of(MIRROR_PASSWORD));
    Map<String, Object> tls = target.clientProperties(MIRROR_USER);
    for (String key : List.of(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
        SslConfigs.SSL_KEY_PASSWORD_CONFIG)) {
      secrets.add(tls.get(key).toString());
    }

    List<String> texts = new ArrayList<>();
    String log;
    try (LogCapture capture = LogCapture.start()) {
      Mm2Properties props = Mm2Properties.load(mm2);
      assertThat(props.problems()).isEmpty();
      assertThat(props.warnings()).isEmpty();
      texts.add(props.toString());
      Mirror mirror = props.toBuilder().build();
      assertThat(mirror.clusters().get("source").properties())
          .containsEntry(SaslConfigs.SASL_JAAS_CONFIG, "${file:" + credentials + ":jaas}")
          .containsEntry("config.providers", "file");
      texts.add(mirror.toString());
      try (mirror) {
        mirror.start();
        Await.until(Secure.WAIT, () -> assertThat(total(endOffsets(target, "source." + topic))).isEqualTo(40));
        texts.add(mirror.status().toString());
      }
      log = capture.text();
    }
    assertSameRecords(source, topic, target, "source." + topic);
    assertThat(log).contains("sasl.jaas.config = [hidden]");
    for (String secret : secrets) {
      assertThat(String.join("\n", texts)).as("toString() and status()").doesNotContain(secret);
      assertThat(log).as("the log").doesNotContain(secret);
    }
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
