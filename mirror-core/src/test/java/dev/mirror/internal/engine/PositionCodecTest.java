package dev.mirror.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PositionCodecTest {

  @Test
  void key_roundTripsAndHasStableBytes() {
    byte[] key = PositionCodec.key(new TopicPartition("t1", 3));
    assertThat(HexFormat.of().formatHex(key)).isEqualTo("0000" + "0002" + "7431" + "00000003");
    assertThat(PositionCodec.decodeKey(key)).isEqualTo(new TopicPartition("t1", 3));
  }

  @Test
  void value_roundTrips_andIgnoresTrailingBytes() {
    byte[] value = PositionCodec.value(Long.MAX_VALUE);
    assertThat(PositionCodec.decodeValue(value)).isEqualTo(Long.MAX_VALUE);
    byte[] longer = java.util.Arrays.copyOf(value, value.length + 8);
    assertThat(PositionCodec.decodeValue(longer)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void truncatedValue_isRejectedWithLength() {
    assertThatThrownBy(() -> PositionCodec.decodeValue(new byte[] {0, 0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("position value is truncated (3 bytes)");
  }

  @Test
  void utf8TopicNames_roundTrip() {
    TopicPartition tp = new TopicPartition("grüppe-ß", 0);
    assertThat(PositionCodec.decodeKey(PositionCodec.key(tp))).isEqualTo(tp);
  }
}
