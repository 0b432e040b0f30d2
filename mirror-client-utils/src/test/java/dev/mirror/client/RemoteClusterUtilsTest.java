package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Argument errors, found before any connection. The look-ups themselves are in the integration tests. */
class RemoteClusterUtilsTest {

  @Test
  void everyHelper_missingBootstrapServers_illegalArgument() {
    Map<String, Object> props = Map.of("client.id", "x");
    assertThatThrownBy(() -> RemoteClusterUtils.replicationHops(props, "A"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap.servers");
    assertThatThrownBy(() -> RemoteClusterUtils.heartbeatTopics(props))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap.servers");
    assertThatThrownBy(() -> RemoteClusterUtils.checkpointTopics(props))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap.servers");
    assertThatThrownBy(() -> RemoteClusterUtils.upstreamClusters(props))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap.servers");
    assertThatThrownBy(() -> RemoteClusterUtils.translateOffsets(props, "A", "g", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap.servers");
    assertThatThrownBy(() -> RemoteClusterUtils.translateOffsets(props, "A", Pattern.compile("g"),
        Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap.servers");
  }

  @Test
  void translateOffsets_badPolicyOrTimeout_illegalArgument() {
    assertThatThrownBy(() -> RemoteClusterUtils.translateOffsets(
        Map.of("bootstrap.servers", "127.0.0.1:9", "replication.policy.class", "no.such.Policy"), "A", "g",
        Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("replication.policy.class 'no.such.Policy'");
    assertThatThrownBy(() -> RemoteClusterUtils.translateOffsets(Map.of("bootstrap.servers", "127.0.0.1:9"), "A", "g",
        Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("timeout must be zero or positive");
  }

  @Test
  void nullArguments_nullPointer() {
    assertThatThrownBy(() -> RemoteClusterUtils.heartbeatTopics(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> MirrorClient.create(Map.of("bootstrap.servers", "b:1"), null))
        .isInstanceOf(NullPointerException.class).hasMessage("replicationPolicy");
  }
}
