package dev.mirror.security;

import static dev.mirror.SameRecords.assertSameRecords;
import static dev.mirror.security.Secure.total;
import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.endOffsets;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.FlowStatus;
import dev.mirror.Mirror;
import dev.mirror.State;
import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SASL/PLAIN on both sides: Mirror logs in as an ordinary user on each cluster. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SaslPlainIT {
  private static final String MIRROR_USER = "mirror";
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void startClusters() {
    primary = EmbeddedKafkaCluster.startSaslPlain("primary",
        Map.of("admin", "admin-" + uniqueName("pw"), MIRROR_USER, "mirror-" + uniqueName("pw")), false, "admin");
    backup = EmbeddedKafkaCluster.startSaslPlain("backup",
        Map.of("admin", "admin-" + uniqueName("pw"), MIRROR_USER, "mirror-" + uniqueName("pw")), false, "admin");
  }

  @AfterAll
  static void stopClusters() {
    if (primary != null) {
      primary.close();
    }
    if (backup != null) {
      backup.close();
    }
  }

  @Test
  void plainOnBothSides_recordsArriveIdentical() {
    String topic = uniqueName("plain");
    createTopic(primary, topic, 2);
    produce(primary, topic, Secure.records(topic, 100, 2));

    try (Mirror mirror = Mirror.builder()
        .name(uniqueName("m"))
        .cluster("primary", primary.clientProperties(MIRROR_USER))
        .cluster("backup", backup.clientProperties(MIRROR_USER))
        .operationTimeout(Duration.ofSeconds(10))
        .flow(f -> f.from("primary").to("backup").topicNames(topic))
        .build().start()) {
      Await.until(Secure.WAIT, () -> assertThat(total(endOffsets(backup, "primary." + topic))).isEqualTo(100));
      assertThat(mirror.status().flow("primary->backup").orElseThrow().state()).isEqualTo(State.RUNNING);
    }
    assertSameRecords(primary, topic, backup, "primary." + topic);
  }

  @Test
  void wrongPassword_flowRetriesAndReportsTheFailedLogin() {
    Map<String, Object> wrong = new HashMap<>(primary.clientProperties(MIRROR_USER));
    wrong.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required"
        + " username=\"" + MIRROR_USER + "\" password=\"not-the-password\";");
    try (Mirror mirror = Mirror.builder()
        .name(uniqueName("m"))
        .cluster("primary", wrong)
        .cluster("backup", backup.clientProperties(MIRROR_USER))
        .operationTimeout(Duration.ofSeconds(5))
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
        .flow(f -> f.from("primary").to("backup"))
        .build().start()) {
      Await.until(Secure.WAIT, () -> {
        FlowStatus flow = mirror.status().flow("primary->backup").orElseThrow();
        assertThat(flow.state()).isEqualTo(State.STARTING);
        assertThat(flow.lastError()).contains("cluster 'primary'").contains("authentication failed");
        assertThat(flow.healthy()).isFalse();
      });
    }
  }
}
