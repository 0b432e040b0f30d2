package dev.mirror.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaTestData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The raw batch experiment copies records unchanged: it is only a fair yardstick if it does the same job. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RawBatchLoopTest {

  @Test
  void copiesEveryRecordWithItsOffsetKeyValueHeadersAndTimestamp() throws Exception {
    try (EmbeddedKafkaCluster source = EmbeddedKafkaCluster.start("raw-source");
        EmbeddedKafkaCluster target = EmbeddedKafkaCluster.start("raw-target")) {
      String topic = KafkaTestData.uniqueName("raw");
      KafkaTestData.createTopic(source, topic, 3);
      long base = System.currentTimeMillis() - 3_600_000;
      // Several produce calls, so each partition holds several batches.
      for (int round = 0; round < 4; round++) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          int n = round * 500 + i;
          RecordHeaders headers = new RecordHeaders();
          if (n % 3 == 0) {
            headers.add("h", ("header-" + n).getBytes(StandardCharsets.UTF_8));
          }
          records.add(new ProducerRecord<>(topic, n % 3, base + n, n % 5 == 0 ? null : bytes("key-" + n),
              n % 7 == 0 ? null : bytes("value-" + n + "-".repeat(n % 40)), headers));
        }
        KafkaTestData.produce(source, topic, records);
      }

      long copied = RawBatchLoop.copy(source.bootstrapServers(), target.bootstrapServers(), topic, "copy." + topic,
          2_000, System.nanoTime() + TimeUnit.SECONDS.toNanos(60), true);

      assertThat(copied).isEqualTo(2_000);
      List<ConsumerRecord<byte[], byte[]>> in = KafkaTestData.readAll(source, topic, Duration.ofSeconds(30));
      List<ConsumerRecord<byte[], byte[]>> out =
          KafkaTestData.readAll(target, "copy." + topic, Duration.ofSeconds(30));
      assertThat(out).hasSize(in.size());
      for (int i = 0; i < in.size(); i++) {
        ConsumerRecord<byte[], byte[]> a = in.get(i);
        ConsumerRecord<byte[], byte[]> b = out.get(i);
        assertThat(b.partition()).isEqualTo(a.partition());
        assertThat(b.offset()).isEqualTo(a.offset());
        assertThat(b.timestamp()).isEqualTo(a.timestamp());
        assertThat(b.key()).isEqualTo(a.key());
        assertThat(b.value()).isEqualTo(a.value());
        assertThat(b.headers().toArray()).containsExactly(a.headers().toArray());
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
