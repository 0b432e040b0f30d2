package dev.mirror.testing;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.record;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static dev.mirror.testing.KafkaTestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The secure variants of {@link EmbeddedKafkaCluster}: SASL/SCRAM with ACLs, SASL/PLAIN, and TLS with client
 * certificates and ACLs. Each cluster is started once for the class.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecureEmbeddedKafkaClusterIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ADMIN_PASSWORD = "admin-pw-Q7x";
  private static final String ALICE_PASSWORD = "alice-pw-Z9k";

  private static @Nullable EmbeddedKafkaCluster scram;
  private static @Nullable EmbeddedKafkaCluster plain;
  private static @Nullable EmbeddedKafkaCluster mtls;

  @BeforeAll
  static void startClusters() {
    Map<String, String> users = Map.of("admin", ADMIN_PASSWORD, "alice", ALICE_PASSWORD);
    scram = EmbeddedKafkaCluster.startSaslScram("scram", "SCRAM-SHA-512", users, true, "admin");
    plain = EmbeddedKafkaCluster.startSaslPlain("plain", users, false, "admin");
    mtls = EmbeddedKafkaCluster.startTls("mtls", true, true, "admin");
    System.out.printf("start times: scram %d ms, plain %d ms, mtls %d ms%n", scram.startupTime().toMillis(),
        plain.startupTime().toMillis(), mtls.startupTime().toMillis());
  }

  @AfterAll
  static void closeClusters() {
    for (EmbeddedKafkaCluster c : new EmbeddedKafkaCluster[] {scram, plain, mtls}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void scram_superUserProducesAndReads() {
    assertThat(scram.securityProtocol()).isEqualTo("SASL_PLAINTEXT");
    assertThat(scram.clientProperties())
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
        .containsKey(SaslConfigs.SASL_JAAS_CONFIG);
    assertRoundTrip(scram);
  }

  @Test
  void scram_aclsOn_userIsDeniedUntilGranted() throws Exception {
    String topic = uniqueName("acl");
    createTopic(scram, topic, 1);
    produce(scram, topic, List.of(record(topic, "k", "v")));
    Map<String, Object> alice = scram.clientProperties("alice");
    assertThat(alice.get(SaslConfigs.SASL_JAAS_CONFIG).toString()).contains("username=\"alice\"");

    try (Admin admin = admin(alice)) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
    }
    assertThatThrownBy(() -> sendOne(alice, topic))
        .hasRootCauseInstanceOf(TopicAuthorizationException.class);

    try (Admin admin = admin(scram.clientProperties())) {
      admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
          new AccessControlEntry("User:alice", "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW))))
          .all().get(30, TimeUnit.SECONDS);
    }
    Await.until(WAIT, () -> {
      try (Admin admin = admin(alice)) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
      }
    });
  }

  @Test
  void scram_wrongPassword_failsAuthentication() {
    Map<String, Object> wrong = new HashMap<>(scram.clientProperties("alice"));
    wrong.put(SaslConfigs.SASL_JAAS_CONFIG, wrong.get(SaslConfigs.SASL_JAAS_CONFIG).toString()
        .replace(ALICE_PASSWORD, "not-the-password"));
    try (Admin admin = admin(wrong)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void scram_restartBroker_credentialsAndAclsSurvive() {
    String topic = uniqueName("restart");
    createTopic(scram, topic, 1);
    produce(scram, topic, List.of(record(topic, "k", "before")));
    scram.restartBroker();
    produce(scram, topic, List.of(record(topic, "k", "after")));
    assertThat(readAll(scram, topic, WAIT)).extracting(r -> utf8(r.value())).containsExactly("before", "after");
    assertThatThrownBy(() -> sendOne(scram.clientProperties("alice"), topic))
        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void plain_userProducesAndReadsWithoutAcls() {
    assertThat(plain.clientProperties("alice")).containsEntry(SaslConfigs.SASL_MECHANISM, "PLAIN");
    String topic = uniqueName("plain");
    createTopic(plain, topic, 1);
    sendOne(plain.clientProperties("alice"), topic);
    assertThat(readAll(plain, topic, WAIT)).extracting(r -> utf8(r.value())).containsExactly("v");
  }

  @Test
  void mtls_superUserProducesAndReads_certificatePerUser() {
    assertThat(mtls.securityProtocol()).isEqualTo("SSL");
    assertThat(mtls.clientProperties())
        .containsEntry("security.protocol", "SSL")
        .containsKeys(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG,
            SslConfigs.SSL_KEY_PASSWORD_CONFIG);
    assertRoundTrip(mtls);
    Map<String, Object> bob = mtls.clientProperties("bob");
    assertThat(bob.get(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG))
        .isNotEqualTo(mtls.clientProperties().get(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG));
    assertThat(mtls.clientProperties("bob")).isEqualTo(bob); // issued once
  }

  @Test
  void mtls_aclsOn_userWithCertificateIsDenied_clientWithoutCertificateCannotConnect() throws Exception {
    String topic = uniqueName("mtls-acl");
    createTopic(mtls, topic, 1);
    assertThatThrownBy(() -> sendOne(mtls.clientProperties("carol"), topic))
        .hasRootCauseInstanceOf(TopicAuthorizationException.class);

    Map<String, Object> noCertificate = new HashMap<>(mtls.clientProperties());
    noCertificate.keySet().removeIf(k -> k.startsWith("ssl.keystore.") || k.equals("ssl.key.password"));
    try (Admin admin = admin(noCertificate)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SslAuthenticationException.class);
    }
  }

  @Test
  void tlsWithoutClientAuth_producesAndReads_andDeletesItsFilesOnClose() {
    Path truststore;
    try (EmbeddedKafkaCluster tls = EmbeddedKafkaCluster.startTls("tls", false)) {
      assertThat(tls.clientProperties()).doesNotContainKey(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
      truststore = Paths.get(tls.clientProperties().get(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG).toString());
      assertThat(truststore).exists();
      assertRoundTrip(tls);
      assertThatThrownBy(() -> tls.clientProperties("bob"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not authenticate clients");
      assertThat(tls.toString()).contains("SSL").doesNotContain("tls-");
    }
    assertThat(Files.exists(truststore.getParent())).isFalse();
  }

  @Test
  void arguments_areChecked_withoutPrintingPasswords() {
    assertThatThrownBy(() -> EmbeddedKafkaCluster.startSaslScram("x", "SCRAM-SHA-1", Map.of("a", "p"), false, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mechanism must be one of [SCRAM-SHA-256, SCRAM-SHA-512], but was 'SCRAM-SHA-1'");
    assertThatThrownBy(() -> EmbeddedKafkaCluster.startSaslPlain("x", Map.of("a", "secret-1"), false, "root"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("superUser must be one of the users [a], but was 'root'")
        .hasMessageNotContaining("secret-1");
    assertThatThrownBy(() -> EmbeddedKafkaCluster.startSaslPlain("x", Map.of("a", "bad\"secret"), false, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("password of user 'a'")
        .hasMessageNotContaining("bad\"secret");
    assertThatThrownBy(() -> EmbeddedKafkaCluster.startTls("x", false, true, "admin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACLs need client authentication");
    assertThatThrownBy(() -> scram.clientProperties("mallory"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("user must be one of the users of cluster 'scram' [admin, alice], but was 'mallory'");
    assertThat(scram.toString()).doesNotContain(ADMIN_PASSWORD, ALICE_PASSWORD)
        .contains("SASL_PLAINTEXT/SCRAM-SHA-512");
  }

  private static void assertRoundTrip(EmbeddedKafkaCluster cluster) {
    String topic = uniqueName("roundtrip");
    createTopic(cluster, topic, 2);
    produce(cluster, topic, List.of(record(topic, "k1", "v1"), record(topic, "k2", "v2")));
    assertThat(readAll(cluster, topic, WAIT)).extracting(r -> utf8(r.value()))
        .containsExactlyInAnyOrder("v1", "v2");
  }

  private static void sendOne(Map<String, Object> clientProperties, String topic) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    // Not idempotent: an idempotent producer also needs IDEMPOTENT_WRITE (or WRITE on some topic), which would
    // race the topic's own authorization error.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.send(record(topic, "k", "v")).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot send to '" + topic + "': " + e.getCause(), e);
    }
  }

  private static Admin admin(Map<String, Object> clientProperties) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return Admin.create(props);
  }
}
