package dev.mirror;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** States, thread names, and a flow whose cluster is down not stopping the others. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LifecycleIT {
  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void unreachableCluster_flowRetriesAndReportsWhy_whileOtherFlowReplicates() throws Exception {
    String topic = uniqueName("live");
    createTopic(primary, topic, 1);
    String name = uniqueName("lc");
    Mirror mirror = Mirror.builder()
        .name(name)
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .cluster("ghost", Map.of("bootstrap.servers", "127.0.0.1:" + closedPort()))
        .operationTimeout(Duration.ofSeconds(2))
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
        .flow(f -> f.from("primary").to("backup").topicNames(topic))
        .flow(f -> f.from("ghost").to("backup"))
        .build();
    assertThat(mirror.state()).isEqualTo(State.CREATED);
    try (mirror) {
      assertThat(mirror.start()).isSameAs(mirror);
      produce(primary, topic, List.of(KafkaTestData.record(topic, "k", "v")));
      Await.until(Duration.ofSeconds(30), () -> assertThat(readAll(backup, "primary." + topic,
          Duration.ofSeconds(10))).hasSize(1));

      Await.until(Duration.ofSeconds(30), () -> {
        FlowStatus ghost = mirror.status().flow("ghost->backup").orElseThrow();
        assertThat(ghost.state()).isEqualTo(State.STARTING);
        assertThat(ghost.lastError()).contains("source cluster 'ghost'").contains("no answer within 2000 ms");
        assertThat(ghost.restarts()).isGreaterThanOrEqualTo(1);
        assertThat(ghost.healthy()).isFalse();
      });
      FlowStatus live = mirror.status().flow("primary->backup").orElseThrow();
      assertThat(live.state()).isEqualTo(State.RUNNING);
      assertThat(live.healthy()).isTrue();
      assertThat(mirror.state()).isEqualTo(State.RUNNING);
      assertThat(mirror.awaitRunning(Duration.ofMillis(100))).isFalse();

      Set<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
          .filter(n -> n.startsWith("mirror-" + name)).collect(Collectors.toSet());
      assertThat(threads).contains("mirror-" + name + "-primary->backup", "mirror-" + name + "-ghost->backup");

      assertThat(mirror.close(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(mirror.state()).isEqualTo(State.STOPPED);
    assertThat(mirror.status().flows()).extracting(FlowStatus::state).containsOnly(State.STOPPED);
    assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(n -> n.startsWith("mirror-" + name + "-"))).isEmpty();
    assertThat(mirror.close(Duration.ofSeconds(1))).as("close is idempotent").isTrue();
  }

  @Test
  void awaitRunning_returnsTrue_onceEveryFlowRuns() {
    Mirror mirror = Mirror.builder()
        .cluster("primary", primary.clientProperties())
        .cluster("backup", backup.clientProperties())
        .name(uniqueName("ar"))
        .flow(f -> f.from("primary").to("backup").topics(uniqueName("none")))
        .build().start();
    try (mirror) {
      assertThat(mirror.awaitRunning(Duration.ofSeconds(30))).isTrue();
      assertThat(mirror.status().healthy()).isTrue();
    }
  }
}
