package dev.mirror.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopbackSocketFactoryManagerTest {

  @Test
  void install_kafkaTestKitBuilder_replacesItsSocketManager() {
    TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
        .setNumControllerNodes(1).build();

    assertThat(LoopbackSocketFactoryManager.install(new KafkaClusterTestKit.Builder(nodes)))
        .as("test kit still has the private field this class replaces")
        .isTrue();
  }

  @Test
  void getOrCreatePortForListener_newListener_reservesLoopbackSocket() throws Exception {
    try (LoopbackSocketFactoryManager manager = new LoopbackSocketFactoryManager()) {
      int port = manager.getOrCreatePortForListener(0, "EXTERNAL");

      assertThat(manager.getOrCreatePortForListener(0, "EXTERNAL")).isEqualTo(port);
      ServerSocketChannel socket = manager.getSocketForListenerAndMarkAsUsed(0, "EXTERNAL");
      assertThat(socket).isNotNull();
      InetSocketAddress address = (InetSocketAddress) socket.getLocalAddress();
      assertThat(address.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(address.getPort()).isEqualTo(port);
      socket.close();
    }
  }

  @Test
  void close_socketsNoNodeTookOver_closesOnlyThose() throws Exception {
    LoopbackSocketFactoryManager manager = new LoopbackSocketFactoryManager();
    manager.getOrCreatePortForListener(0, "CONTROLLER");
    ServerSocketChannel taken = manager.getSocketForListenerAndMarkAsUsed(0, "CONTROLLER");
    int unusedPort = manager.getOrCreatePortForListener(1, "CONTROLLER");

    manager.close();

    assertThat(taken.isOpen()).as("socket a node took over").isTrue();
    taken.close();
    try (ServerSocketChannel rebound = ServerSocketChannel.open()) {
      rebound.bind(new InetSocketAddress("127.0.0.1", unusedPort));
      assertThat(rebound.isOpen()).as("port of the socket no node took over is free again").isTrue();
    }
  }
}
