package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FailoverTest {
  private static final String TOPIC = "primary.checkpoints.internal";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final TopicPartition P0 = new TopicPartition("primary.orders", 0);
  private static final TopicPartition P1 = new TopicPartition("primary.orders", 1);
  private static final TopicPartition P2 = new TopicPartition("primary.orders", 2);
  private static final TopicPartition OTHER = new TopicPartition("primary.payments", 0);

  private final FakeCluster cluster = new FakeCluster();
  private final MirrorClient client = new MirrorClient(ReplicationPolicies.defaultPolicy(), cluster);
  private final MockConsumer<String, String> consumer = new MockConsumer<>("earliest");

  @Test
  void seekToTranslatedOffsets_seeksAssignedPartitionsWithCheckpoints_leavesTheRest() {
    cluster.append(TOPIC, new Checkpoint("billing", P0.topic(), 0, 100, 40, "a"));
    cluster.append(TOPIC, new Checkpoint("billing", P1.topic(), 1, 200, 80, ""));
    cluster.append(TOPIC, new Checkpoint("billing", OTHER.topic(), 0, 5, 5, ""));
    cluster.append(TOPIC, new Checkpoint("other", P2.topic(), 2, 9, 9, ""));
    consumer.assign(List.of(P1, P0, P2));
    consumer.seek(P0, 1);
    consumer.seek(P1, 1);
    consumer.seek(P2, 3);

    Map<TopicPartition, OffsetAndMetadata> applied =
        Failover.seekToTranslatedOffsets(consumer, client, "primary", "billing", TIMEOUT);

    assertThat(applied).containsExactly(entry(P0, new OffsetAndMetadata(40, "a")),
        entry(P1, new OffsetAndMetadata(80, "")));
    assertThat(consumer.position(P0)).isEqualTo(40);
    assertThat(consumer.position(P1)).isEqualTo(80);
    assertThat(consumer.position(P2)).isEqualTo(3);
  }

  @Test
  void seekToTranslatedOffsets_noAssignment_nothingApplied() {
    cluster.append(TOPIC, new Checkpoint("billing", P0.topic(), 0, 100, 40, ""));

    assertThat(Failover.seekToTranslatedOffsets(consumer, client, "primary", "billing", TIMEOUT)).isEmpty();
  }

  @Test
  void seekToTranslatedOffsets_timeout_consumerNotMoved() {
    cluster.append(TOPIC, new Checkpoint("billing", P0.topic(), 0, 100, 40, ""));
    consumer.assign(List.of(P0));
    consumer.seek(P0, 2);

    assertThatThrownBy(() -> Failover.seekToTranslatedOffsets(consumer, client, "primary", "billing",
        Duration.ZERO)).isInstanceOf(MirrorTimeoutException.class);
    assertThat(consumer.position(P0)).isEqualTo(2);
  }

  @Test
  void seekToTranslatedOffsets_nullArguments() {
    assertThatThrownBy(() -> Failover.seekToTranslatedOffsets(null, client, "primary", "g", TIMEOUT))
        .isInstanceOf(NullPointerException.class).hasMessage("consumer");
    assertThatThrownBy(() -> Failover.seekToTranslatedOffsets(consumer, null, "primary", "g", TIMEOUT))
        .isInstanceOf(NullPointerException.class).hasMessage("client");
  }
}
