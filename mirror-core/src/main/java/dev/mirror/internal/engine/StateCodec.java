package dev.mirror.internal.engine;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.TopicPartition;

/**
 * Encodes the records of a flow's state topic. Keys: {@code [int16 version][int8 type][int16 length][utf-8
 * topic][int32 partition]}, followed for segments by {@code [int64 source start]}. Values: positions
 * {@code [int16 version][int64 next source offset]}; segments {@code [int16 version][int64 target start]}.
 * Readers ignore trailing bytes, so later versions may append fields.
 */
final class StateCodec {
  static final byte POSITION = 0;
  static final byte SEGMENT = 1;
  private static final short VERSION = 0;

  /** A decoded key: the source partition, the record type and, for segments, the source start offset. */
  record Key(byte type, TopicPartition partition, long sourceStart) {}

  private StateCodec() {}

  static byte[] positionKey(TopicPartition tp) {
    return key(POSITION, tp, 0).array();
  }

  static byte[] segmentKey(TopicPartition tp, long sourceStart) {
    ByteBuffer b = key(SEGMENT, tp, 8);
    b.putLong(sourceStart);
    return b.array();
  }

  private static ByteBuffer key(byte type, TopicPartition tp, int extra) {
    byte[] topic = tp.topic().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(2 + 1 + 2 + topic.length + 4 + extra);
    b.putShort(VERSION).put(type).putShort((short) topic.length).put(topic).putInt(tp.partition());
    return b;
  }

  /** The value of a position record or a segment record: a version and one offset. */
  static byte[] offsetValue(long offset) {
    return ByteBuffer.allocate(2 + 8).putShort(VERSION).putLong(offset).array();
  }

  static Key decodeKey(byte[] key) {
    try {
      ByteBuffer b = ByteBuffer.wrap(key);
      short version = b.getShort();
      if (version < 0) {
        throw new IllegalArgumentException("state key has negative version " + version);
      }
      byte type = b.get();
      int len = b.getShort();
      if (len < 0) {
        throw new IllegalArgumentException("state key has negative topic length " + len);
      }
      byte[] topic = new byte[len];
      b.get(topic);
      TopicPartition tp = new TopicPartition(new String(topic, StandardCharsets.UTF_8), b.getInt());
      long start = type == SEGMENT ? b.getLong() : 0;
      return new Key(type, tp, start);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("state key is truncated (" + key.length + " bytes)", e);
    }
  }

  static long decodeOffsetValue(byte[] value) {
    try {
      ByteBuffer b = ByteBuffer.wrap(value);
      short version = b.getShort();
      if (version < 0) {
        throw new IllegalArgumentException("state value has negative version " + version);
      }
      return b.getLong();
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("state value is truncated (" + value.length + " bytes)", e);
    }
  }
}
