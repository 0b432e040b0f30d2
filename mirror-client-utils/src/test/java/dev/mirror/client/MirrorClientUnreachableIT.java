package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * A cluster nobody listens for (a closed loopback port): every look-up fails within its time limit with an
 * unchecked error that names {@code bootstrap.servers}, where MirrorMaker 2's client waits 60 s whatever the
 * timeout. No broker is started.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MirrorClientUnreachableIT {
  private static final Duration LIMIT = Duration.ofSeconds(2);
  /** The limit, plus client start-up and close. */
  private static final Duration BOUND = Duration.ofSeconds(10);

  private static String bootstrap = "";

  @BeforeAll
  static void findClosedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      bootstrap = "127.0.0.1:" + socket.getLocalPort();
    }
  }

  @Test
  void translateOffsets_unreachable_timesOutWithinTheTimeout() {
    assertFailsWithin(() -> RemoteClusterUtils.translateOffsets(Map.of("bootstrap.servers", bootstrap), "A", "g",
        LIMIT), "cannot read checkpoints topic 'A.checkpoints.internal' of cluster '" + bootstrap + "' within PT2S: "
            + "the time was up before the end offset was known, at offset 0 (");
  }

  @Test
  void remoteConsumerOffsets_unreachable_timesOutWithinTheTimeout() {
    try (MirrorClient client = new MirrorClient(Map.of("bootstrap.servers", bootstrap))) {
      assertFailsWithin(() -> client.remoteConsumerOffsets("g", "A", LIMIT),
          "cannot read checkpoints topic 'A.checkpoints.internal' of cluster '" + bootstrap + "' within PT2S: "
            + "the time was up before the end offset was known, at offset 0 (");
    }
  }

  @Test
  void topologyLookups_unreachable_timeOutAfterDefaultApiTimeout() {
    Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "default.api.timeout.ms", 2000);
    String expected = "cannot list the topics of cluster '" + bootstrap + "' within PT2S (default.api.timeout.ms)";
    assertFailsWithin(() -> RemoteClusterUtils.upstreamClusters(props), expected);
    assertFailsWithin(() -> RemoteClusterUtils.heartbeatTopics(props), expected);
    assertFailsWithin(() -> RemoteClusterUtils.replicationHops(props, "A"), expected);
    try (MirrorClient client = new MirrorClient(props)) {
      assertFailsWithin(client::remoteTopics, expected);
      assertFailsWithin(client::checkpointTopics, expected);
    }
  }

  private static void assertFailsWithin(Executable call, String messageStart) {
    long start = System.nanoTime();
    assertThatThrownBy(call::execute)
        .isInstanceOf(MirrorTimeoutException.class)
        .hasMessageStartingWith(messageStart)
        .hasMessageContaining("check that bootstrap.servers is right and the brokers are reachable")
        .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
  }
}
