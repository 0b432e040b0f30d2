package dev.mirror.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StateReaderTest {
  private static final TopicPartition EMPTY = new TopicPartition("state", 0);
  private static final TopicPartition FULL = new TopicPartition("state", 1);

  @Test
  void emptyPartitionsAreNotRead() {
    // No beginning offsets are known: looking up a position of an empty partition would fail.
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.updateEndOffsets(Map.of(EMPTY, 0L));

    int read = StateReader.readToEnd(consumer, List.of(EMPTY), Duration.ofSeconds(5), "state topic",
        r -> { });

    assertThat(read).isZero();
    assertThat(consumer.assignment()).isEmpty();
  }

  @Test
  void readsTheOthersToTheirEnd() {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.updateEndOffsets(Map.of(EMPTY, 0L, FULL, 2L));
    consumer.updateBeginningOffsets(Map.of(FULL, 0L));
    consumer.schedulePollTask(() -> {
      consumer.addRecord(new ConsumerRecord<>("state", 1, 0, bytes("a"), bytes("1")));
      consumer.addRecord(new ConsumerRecord<>("state", 1, 1, bytes("b"), bytes("2")));
    });
    List<String> keys = new ArrayList<>();

    int read = StateReader.readToEnd(consumer, List.of(EMPTY, FULL), Duration.ofSeconds(5), "state topic",
        r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));

    assertThat(read).isEqualTo(2);
    assertThat(keys).containsExactly("a", "b");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
