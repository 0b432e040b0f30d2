package dev.mirror.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.ClusterSpec;
import dev.mirror.FlowSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientConfigsTest {
  private static final FlowSpec FLOW = FlowSpec.builder().from("a").to("b").build();

  @Test
  void controlProducer_usesTheClientsBatchDefaults_copyProducerTheLargeOnes() {
    ClusterSpec target = ClusterSpec.builder("b").bootstrapServers("127.0.0.1:9092").build();

    Map<String, Object> control = ClientConfigs.controlProducer(target, FLOW, "control");
    Map<String, Object> copy = ClientConfigs.targetProducer(target, FLOW, "copy");

    assertThat(control).doesNotContainKeys("batch.size", "linger.ms").containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true).containsEntry("client.id", "control");
    assertThat(copy).containsEntry("batch.size", 512 * 1024).containsEntry("linger.ms", 10);
  }

  @Test
  void controlProducer_keepsWhatTheUserSet() {
    ClusterSpec target = ClusterSpec.builder("b").bootstrapServers("127.0.0.1:9092")
        .producerOverrides(Map.of("batch.size", 65536)).build();
    FlowSpec flow = FlowSpec.builder().from("a").to("b").producerOverrides(Map.of("linger.ms", 3)).build();

    assertThat(ClientConfigs.controlProducer(target, flow, "control")).containsEntry("batch.size", 65536)
        .containsEntry("linger.ms", 3);
  }

  @Test
  void copyClients_useTheSystemsGrowingSocketBuffers_unlessTheUserSetThem() {
    ClusterSpec source = ClusterSpec.builder("a").bootstrapServers("127.0.0.1:9092").build();
    ClusterSpec target = ClusterSpec.builder("b").bootstrapServers("127.0.0.1:9093").build();

    assertThat(ClientConfigs.sourceConsumer(source, FLOW, "c")).containsEntry("receive.buffer.bytes", -1);
    assertThat(ClientConfigs.batchReader(source, FLOW, "r")).containsEntry("receive.buffer.bytes", -1);
    assertThat(ClientConfigs.targetProducer(target, FLOW, "p")).containsEntry("send.buffer.bytes", -1);
    assertThat(ClientConfigs.controlProducer(target, FLOW, "control")).doesNotContainKey("send.buffer.bytes");

    ClusterSpec chosenSource = ClusterSpec.builder("a").bootstrapServers("127.0.0.1:9092")
        .consumerOverrides(Map.of("receive.buffer.bytes", 65536)).build();
    FlowSpec flow = FlowSpec.builder().from("a").to("b").producerOverrides(Map.of("send.buffer.bytes", 131072))
        .build();
    assertThat(ClientConfigs.batchReader(chosenSource, flow, "r")).containsEntry("receive.buffer.bytes", 65536);
    assertThat(ClientConfigs.targetProducer(target, flow, "p")).containsEntry("send.buffer.bytes", 131072);
  }
}
