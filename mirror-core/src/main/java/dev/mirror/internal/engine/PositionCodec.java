package dev.mirror.internal.engine;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.TopicPartition;

/**
 * Encodes positions: key {@code [int16 version][int16 length][utf-8 topic][int32 partition]}, value
 * {@code [int16 version][int64 next source offset]}. Readers ignore trailing bytes, so later versions may
 * append fields.
 */
final class PositionCodec {
  private static final short VERSION = 0;

  private PositionCodec() {}

  static byte[] key(TopicPartition tp) {
    byte[] topic = tp.topic().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(2 + 2 + topic.length + 4);
    b.putShort(VERSION).putShort((short) topic.length).put(topic).putInt(tp.partition());
    return b.array();
  }

  static byte[] value(long nextOffset) {
    return ByteBuffer.allocate(2 + 8).putShort(VERSION).putLong(nextOffset).array();
  }

  static TopicPartition decodeKey(byte[] key) {
    try {
      ByteBuffer b = ByteBuffer.wrap(key);
      short version = b.getShort();
      if (version < 0) {
        throw new IllegalArgumentException("position key has negative version " + version);
      }
      int len = b.getShort();
      if (len < 0) {
        throw new IllegalArgumentException("position key has negative topic length " + len);
      }
      byte[] topic = new byte[len];
      b.get(topic);
      return new TopicPartition(new String(topic, StandardCharsets.UTF_8), b.getInt());
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("position key is truncated (" + key.length + " bytes)", e);
    }
  }

  static long decodeValue(byte[] value) {
    try {
      ByteBuffer b = ByteBuffer.wrap(value);
      short version = b.getShort();
      if (version < 0) {
        throw new IllegalArgumentException("position value has negative version " + version);
      }
      return b.getLong();
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("position value is truncated (" + value.length + " bytes)", e);
    }
  }
}
