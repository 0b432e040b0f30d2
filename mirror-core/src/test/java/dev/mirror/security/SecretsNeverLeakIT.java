package dev.mirror.security;

import static dev.mirror.security.Secure.total;
import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.endOffsets;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mirror.ClusterSpec;
import dev.mirror.FlowStatus;
import dev.mirror.Mirror;
import dev.mirror.MirrorConfigException;
import dev.mirror.State;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Secrets (SASL passwords, JAAS configurations, keystore, truststore and key passwords) never appear in what
 * Mirror logs, in its exceptions, in {@code toString()} or in its status, whether the run succeeds, a login
 * fails, or the configuration is wrong. Every secret is a distinctive canary string; each test captures
 * everything written to the console (every logger of every thread, the brokers' too) while it runs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecretsNeverLeakIT {
  private static final String MIRROR_USER = "mirror";
  private static final String ADMIN_PASSWORD = canary("admin");
  private static final String MIRROR_PASSWORD = canary("mirror");
  private static final String SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule";
  private static EmbeddedKafkaCluster source;
  private static EmbeddedKafkaCluster target;

  @BeforeAll
  static void startClusters() {
    source = EmbeddedKafkaCluster.startSaslScram("source", "SCRAM-SHA-256",
        Map.of("admin", ADMIN_PASSWORD, MIRROR_USER, MIRROR_PASSWORD), false, "admin");
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

  private static String canary(String what) {
    return "Canary-" + what + "-" + UUID.randomUUID();
  }

  private static String jaas(String user, String password) {
    return SCRAM + " required username=\"" + user + "\" password=\"" + password + "\";";
  }

  /** Every secret of the clusters, and the extra ones a test adds. */
  private static List<String> secrets(String... more) {
    List<String> secrets = new ArrayList<>(List.of(ADMIN_PASSWORD, MIRROR_PASSWORD));
    for (Map<String, Object> props : List.of(target.clientProperties(), target.clientProperties(MIRROR_USER))) {
      for (String key : List.of(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
          SslConfigs.SSL_KEY_PASSWORD_CONFIG)) {
        secrets.add(props.get(key).toString());
      }
    }
    secrets.addAll(List.of(more));
    return secrets;
  }

  private static void assertNoSecret(String what, String text, List<String> secrets) {
    for (String secret : secrets) {
      assertThat(text).as("%s must not contain a secret", what).doesNotContain(secret);
    }
  }

  @Test
  void successfulRun_logsToStringAndStatusShowNoSecret() {
    String topic = uniqueName("leak");
    createTopic(source, topic, 1);
    produce(source, topic, Secure.records(topic, 20, 1));
    Map<String, Object> targetProps = target.clientProperties(MIRROR_USER);
    List<String> texts = new ArrayList<>();
    String log;
    try (LogCapture capture = LogCapture.start()) {
      Mirror mirror = Mirror.builder()
          .name(uniqueName("leak"))
          // The credentials also in per-role overrides, as an application with one user per role would set them.
          .cluster("source", c -> c.properties(source.clientProperties(MIRROR_USER))
              .consumerOverrides(Map.of(SaslConfigs.SASL_JAAS_CONFIG, jaas(MIRROR_USER, MIRROR_PASSWORD)))
              .adminOverrides(Map.of(SaslConfigs.SASL_JAAS_CONFIG, jaas(MIRROR_USER, MIRROR_PASSWORD))))
          .cluster("target", targetProps)
          .operationTimeout(Duration.ofSeconds(10))
          .flow(f -> f.from("source").to("target").topicNames(topic)
              .producerOverrides(Map.of(SslConfigs.SSL_KEY_PASSWORD_CONFIG,
                  targetProps.get(SslConfigs.SSL_KEY_PASSWORD_CONFIG))))
          .build();
      texts.add(mirror.toString());
      mirror.clusters().values().forEach(c -> texts.add(c.toString()));
      mirror.flows().forEach(f -> texts.add(f.toString()));
      try (mirror) {
        mirror.start();
        Await.until(Secure.WAIT, () -> assertThat(total(endOffsets(target, "source." + topic))).isEqualTo(20));
        texts.add(mirror.toString());
        texts.add(mirror.status().toString());
      }
      texts.add(mirror.status().toString());
      log = capture.text();
      assertThat(capture.levelsRaised()).as("engine at DEBUG, client config dumps at INFO").isTrue();
    }
    assertThat(String.join("\n", texts)).contains("sasl.jaas.config=[hidden]", "ssl.key.password=[hidden]");
    // The capture saw the run: the flow's own lines and the clients' config dumps (which mask passwords).
    assertThat(log).contains("state STARTING -> RUNNING", "sasl.jaas.config = [hidden]",
        "ssl.keystore.password = [hidden]");
    assertNoSecret("toString() and status()", String.join("\n", texts), secrets());
    assertNoSecret("the log", log, secrets());
  }

  @Test
  void failedLogins_logsAndStatusShowNoSecret() {
    String wrongScram = canary("wrong-scram");
    String wrongKey = canary("wrong-key");
    Map<String, Object> badSource = new HashMap<>(source.clientProperties(MIRROR_USER));
    badSource.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(MIRROR_USER, wrongScram));
    Map<String, Object> badTarget = new HashMap<>(target.clientProperties(MIRROR_USER));
    badTarget.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, wrongKey);
    badTarget.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, wrongKey);
    List<String> texts = new ArrayList<>();
    String log;
    try (LogCapture capture = LogCapture.start()) {
      // A wrong SCRAM password on the source; then a wrong keystore password on the target.
      texts.addAll(runUntilError(Mirror.builder().cluster("source", badSource)
          .cluster("target", target.clientProperties(MIRROR_USER)), "authentication failed"));
      texts.addAll(runUntilError(Mirror.builder().cluster("source", source.clientProperties(MIRROR_USER))
          .cluster("target", badTarget), "failed while"));
      log = capture.text();
    }
    assertThat(log).contains("authentication failed");
    List<String> secrets = secrets(wrongScram, wrongKey);
    assertNoSecret("toString() and status()", String.join("\n", texts), secrets);
    assertNoSecret("the log", log, secrets);
  }

  @Test
  void malformedJaasConfig_logsAndStatusShowNoSecret() {
    String password = canary("malformed");
    Map<String, Object> badSource = new HashMap<>(source.clientProperties(MIRROR_USER));
    // No ';' at the end: Kafka refuses the entry when the first client is created.
    badSource.put(SaslConfigs.SASL_JAAS_CONFIG, SCRAM + " required username=\"" + MIRROR_USER + "\" password=\""
        + password + "\"");
    List<String> texts;
    String log;
    try (LogCapture capture = LogCapture.start()) {
      texts = runUntilError(Mirror.builder().cluster("source", badSource)
          .cluster("target", target.clientProperties(MIRROR_USER)), "cluster 'source'");
      log = capture.text();
    }
    assertThat(String.join("\n", texts)).contains("source");
    List<String> secrets = secrets(password);
    assertNoSecret("toString() and status()", String.join("\n", texts), secrets);
    assertNoSecret("the log", log, secrets);
  }

  @Test
  void configErrors_messageAndProblemsShowNoSecret() {
    Map<String, Object> sourceProps = new HashMap<>(source.clientProperties(MIRROR_USER));
    sourceProps.put("enable.auto.commit", "true"); // a key Mirror owns: one problem
    String overridePassword = canary("override");
    MirrorConfigException e;
    try (LogCapture capture = LogCapture.start()) {
      e = catchThrowableOfType(MirrorConfigException.class, () -> Mirror.builder()
          .cluster("source", c -> c.properties(sourceProps)
              .consumerOverrides(Map.of("group.id", "g", SslConfigs.SSL_KEY_PASSWORD_CONFIG, overridePassword)))
          .cluster("target", target.clientProperties(MIRROR_USER))
          .cluster("nowhere", Map.of(SaslConfigs.SASL_JAAS_CONFIG, jaas("x", overridePassword)))
          .flow(f -> f.from("source").to("target"))
          .flow(f -> f.from("source").to("tagret"))
          .build());
      assertNoSecret("the log", capture.text(), secrets(overridePassword));
    }
    assertThat(e).isNotNull();
    assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(4);
    assertThat(e.getMessage()).contains("enable.auto.commit", "group.id", "bootstrap.servers", "tagret");
    List<String> secrets = secrets(overridePassword);
    assertNoSecret("MirrorConfigException.getMessage()", e.getMessage(), secrets);
    assertNoSecret("MirrorConfigException.problems()", String.join("\n", e.problems()), secrets);
    assertNoSecret("MirrorConfigException.toString()", e.toString(), secrets);
    assertNoSecret("ClusterSpec.toString()", ClusterSpec.builder("source").properties(sourceProps)
        .consumerOverrides(Map.of(SslConfigs.SSL_KEY_PASSWORD_CONFIG, overridePassword)).build().toString(), secrets);
  }

  @Test
  void nonStringPassword_configErrorShowsNoSecret() {
    long numericPassword = 900_000_000L + (long) (Math.random() * 99_999_999);
    MirrorConfigException e = catchThrowableOfType(MirrorConfigException.class, () -> Mirror.builder()
        .cluster("source", source.clientProperties(MIRROR_USER))
        .cluster("target", c -> c.properties(target.clientProperties(MIRROR_USER))
            .property(SslConfigs.SSL_KEY_PASSWORD_CONFIG, numericPassword))
        .flow(f -> f.from("source").to("target"))
        .build());
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("ssl.key.password");
    assertNoSecret("MirrorConfigException.getMessage()", e.getMessage(), List.of(Long.toString(numericPassword)));
  }

  /**
   * Builds and starts a Mirror with one flow source->target, waits until the flow reports an error containing
   * {@code expectedError}, closes it, and returns its toString() and status renderings along the way.
   */
  private static List<String> runUntilError(Mirror.Builder builder, String expectedError) {
    List<String> texts = new ArrayList<>();
    Mirror mirror = builder.name(uniqueName("leak"))
        .operationTimeout(Duration.ofSeconds(5))
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
        .flow(f -> f.from("source").to("target").topics(uniqueName("none")))
        .build();
    texts.add(mirror.toString());
    try (mirror) {
      mirror.start();
      Await.until(Secure.WAIT, () -> {
        FlowStatus flow = mirror.status().flow("source->target").orElseThrow();
        assertThat(flow.state()).isEqualTo(State.STARTING);
        assertThat(flow.lastError()).contains(expectedError);
      });
      texts.add(mirror.status().toString());
      texts.add(mirror.toString());
    }
    return texts;
  }
}
