package dev.mirror;

import static dev.mirror.testing.KafkaTestData.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.testing.KafkaCluster;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The check every replication test ends with: the remote topic holds the source's records unchanged. */
public final class SameRecords {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private SameRecords() {}

  /**
   * Asserts that the remote topic holds exactly the source topic's records, at the same partitions and offsets,
   * with the same keys, values, timestamps and headers.
   */
  public static void assertSameRecords(KafkaCluster source, String topic, KafkaCluster target, String remoteTopic) {
    List<ConsumerRecord<byte[], byte[]>> expected = readAll(source, topic, WAIT);
    List<ConsumerRecord<byte[], byte[]>> actual = readAll(target, remoteTopic, WAIT);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      ConsumerRecord<byte[], byte[]> s = expected.get(i);
      ConsumerRecord<byte[], byte[]> r = actual.get(i);
      assertThat(r.partition()).as("partition of record %d", i).isEqualTo(s.partition());
      assertThat(r.offset()).as("offset of record %d", i).isEqualTo(s.offset());
      assertThat(r.key()).as("key of record %d", i).isEqualTo(s.key());
      assertThat(r.value()).as("value of record %d", i).isEqualTo(s.value());
      assertThat(r.timestamp()).as("timestamp of record %d", i).isEqualTo(s.timestamp());
      assertThat(r.headers().toArray()).as("headers of record %d", i).containsExactly(s.headers().toArray());
    }
  }
}
