package dev.mirror.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.ClusterSpec;
import dev.mirror.FlowSpec;
import java.util.Map;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/** The guards that keep batch copy to the clients and settings it was built for. */
class BatchCopyClientsTest {

  @Test
  void builtAgainstClients_areTheTestedVersion() {
    // Upgrading kafka-clients fails this test: batch copy uses internal classes, so review it and move the constant.
    assertThat(AppInfoParser.getVersion()).startsWith(BatchConnection.TESTED_CLIENTS);
    assertThat(BatchConnection.unsupportedClients()).isNull();
  }

  @Test
  void settingsThatActOnRecords_ruleBatchCopyOut() {
    ClusterSpec a = ClusterSpec.builder("a").bootstrapServers("127.0.0.1:9").build();
    ClusterSpec b = ClusterSpec.builder("b").bootstrapServers("127.0.0.1:9").build();
    FlowSpec plain = FlowSpec.builder().from("a").to("b").build();
    assertThat(ClientConfigs.batchCopyConflict(a, b, plain)).isNull();
    FlowSpec compressed = FlowSpec.builder().from("a").to("b").producerOverrides(Map.of("compression.type", "zstd"))
        .build();
    assertThat(ClientConfigs.batchCopyConflict(a, b, compressed)).contains("compression.type");
    FlowSpec intercepted = FlowSpec.builder().from("a").to("b")
        .consumerOverrides(Map.of("interceptor.classes", "x.Y")).build();
    assertThat(ClientConfigs.batchCopyConflict(a, b, intercepted)).contains("interceptor.classes");
  }
}
