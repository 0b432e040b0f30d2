package dev.mirror.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KafkaTestDataTest {

  @Test
  void uniqueName_prefix_prefixDashEightHexDigits() {
    assertThat(KafkaTestData.uniqueName("orders.eu_1")).matches("orders\\.eu_1-[0-9a-f]{8}");
  }

  @Test
  void uniqueName_calledRepeatedly_neverRepeats() {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      names.add(KafkaTestData.uniqueName("t"));
    }
    assertThat(names).hasSize(1_000);
  }

  @Test
  void uniqueName_illegalCharacter_throwsWithThePrefix() {
    assertThatThrownBy(() -> KafkaTestData.uniqueName("orders/eu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefix must be made of the characters [a-zA-Z0-9._-], but was 'orders/eu'");
  }

  @Test
  void uniqueName_tooLong_throwsWithTheLength() {
    assertThatThrownBy(() -> KafkaTestData.uniqueName("x".repeat(241)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefix must be at most 240 characters long, but was 241");
  }

  @Test
  void record_strings_utf8KeyAndValue() {
    ProducerRecord<byte[], byte[]> record = KafkaTestData.record("t", "clé", null);

    assertThat(record.topic()).isEqualTo("t");
    assertThat(KafkaTestData.utf8(record.key())).isEqualTo("clé");
    assertThat(record.value()).isNull();
    assertThat(record.partition()).isNull();
  }
}
