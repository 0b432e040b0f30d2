package dev.mirror.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetIndexTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);

  /** Ten transactions of ten records each; each commit leaves a marker, so target offsets skip one each time. */
  private static OffsetIndex transactional() {
    OffsetIndex index = new OffsetIndex();
    for (int txn = 0; txn < 10; txn++) {
      index.addSegment(TP, txn * 10L, txn * 11L);
    }
    index.advance(TP, 100, 110);
    return index;
  }

  @Test
  void translate_followsEveryMarkerGapExactly() {
    OffsetIndex index = transactional();
    for (long source = 0; source < 100; source++) {
      assertThat(index.translate(TP, source)).hasValue(source + source / 10);
    }
    assertThat(index.translate(TP, 100)).hasValue(110);
  }

  @Test
  void trim_keepsFirstAndNewestSegments_andDroppedRangesNeverSkip() {
    OffsetIndex index = transactional();

    assertThat(index.trim(TP, 4)).containsExactly(10L, 20L, 30L, 40L, 50L, 60L);

    assertThat(index.segments(TP)).isEqualTo(4);
    for (long source = 0; source < 100; source++) {
      long exact = source + source / 10;
      long translated = index.translate(TP, source).orElseThrow();
      assertThat(translated).as("source %d", source).isLessThanOrEqualTo(exact);
      if (source < 10 || source >= 70) {
        assertThat(translated).as("source %d", source).isEqualTo(exact);
      }
    }
    assertThat(index.trim(TP, 4)).isEmpty();
  }

  @Test
  void trim_ofUnknownOrSmallPartition_dropsNothing() {
    OffsetIndex index = new OffsetIndex();
    assertThat(index.trim(TP, 2)).isEmpty();
    index.addSegment(TP, 0, 0);
    index.addSegment(TP, 5, 6);
    assertThat(index.trim(TP, 1)).isEmpty();
    assertThat(index.segments(TP)).isEqualTo(2);
  }
}
