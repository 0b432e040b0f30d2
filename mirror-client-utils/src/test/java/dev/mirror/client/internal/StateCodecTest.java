package dev.mirror.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StateCodecTest {

  @Test
  void positionKey_roundTripsAndHasStableBytes() {
    byte[] key = StateCodec.positionKey(new TopicPartition("t1", 3));
    assertThat(HexFormat.of().formatHex(key)).isEqualTo("0000" + "00" + "0002" + "7431" + "00000003");
    assertThat(StateCodec.decodeKey(key)).isEqualTo(new StateCodec.Key(StateCodec.POSITION,
        new TopicPartition("t1", 3), 0));
  }

  @Test
  void segmentKey_roundTrips() {
    byte[] key = StateCodec.segmentKey(new TopicPartition("t1", 3), 42);
    assertThat(HexFormat.of().formatHex(key))
        .isEqualTo("0000" + "01" + "0002" + "7431" + "00000003" + "000000000000002a");
    assertThat(StateCodec.decodeKey(key)).isEqualTo(new StateCodec.Key(StateCodec.SEGMENT,
        new TopicPartition("t1", 3), 42));
  }

  @Test
  void value_roundTrips_andIgnoresTrailingBytes() {
    byte[] value = StateCodec.offsetValue(Long.MAX_VALUE);
    assertThat(StateCodec.decodeOffsetValue(value)).isEqualTo(Long.MAX_VALUE);
    byte[] longer = java.util.Arrays.copyOf(value, value.length + 8);
    assertThat(StateCodec.decodeOffsetValue(longer)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void truncatedValue_isRejectedWithLength() {
    assertThatThrownBy(() -> StateCodec.decodeOffsetValue(new byte[] {0, 0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("state value is truncated (3 bytes)");
  }

  @Test
  void utf8TopicNames_roundTrip() {
    TopicPartition tp = new TopicPartition("grüppe-ß", 0);
    assertThat(StateCodec.decodeKey(StateCodec.positionKey(tp)).partition()).isEqualTo(tp);
  }
}
