package dev.mirror.client.internal;

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
public final class StateCodec {
  /** Prefix of every state topic: {@code __mirror-state.<mirror name>.<source alias>}, on the target cluster. */
  public static final String TOPIC_PREFIX = "__mirror-state.";
  /** Record type: where replication of a source partition resumes. */
  public static final byte POSITION = 0;
  /** Record type: the start of an offset segment. */
  public static final byte SEGMENT = 1;
  /** Record type: how far behind the source replication of a partition was, and when. */
  public static final byte PROGRESS = 2;
  private static final short VERSION = 0;

  /** A decoded key: the source partition, the record type and, for segments, the source start offset. */
  public record Key(byte type, TopicPartition partition, long sourceStart) {}

  private StateCodec() {}

  public static byte[] positionKey(TopicPartition tp) {
    return key(POSITION, tp, 0).array();
  }

  /** Returns the name of the state topic of Mirror {@code mirrorName}'s flow from {@code sourceAlias}. */
  public static String topicName(String mirrorName, String sourceAlias) {
    return TOPIC_PREFIX + mirrorName + "." + sourceAlias;
  }

  /** Returns whether {@code topic} is the state topic of some Mirror's flow from {@code sourceAlias}. */
  public static boolean isStateTopicOf(String topic, String sourceAlias) {
    return topic.startsWith(TOPIC_PREFIX) && topic.endsWith("." + sourceAlias)
        && topic.length() > TOPIC_PREFIX.length() + sourceAlias.length() + 1;
  }

  public static byte[] progressKey(TopicPartition tp) {
    return key(PROGRESS, tp, 0).array();
  }

  /** A position: the next source offset to copy and the target offset the next copied record will get. */
  public static byte[] positionValue(long nextSourceOffset, long targetNext) {
    return ByteBuffer.allocate(18).putShort(VERSION).putLong(nextSourceOffset).putLong(targetNext).array();
  }

  /** Returns the target offset of a position value, or -1 when it does not hold one. */
  public static long decodeTargetNext(byte[] value) {
    return value.length >= 18 ? ByteBuffer.wrap(value).getLong(10) : -1;
  }

  /** Progress: every source record before {@code replicatedUpTo} is on the target; the source ended at
   * {@code sourceEnd} (-1 when unknown) at {@code timestampMillis}. */
  public record Progress(long replicatedUpTo, long sourceEnd, long timestampMillis) {
    /** Returns how many source records were not replicated yet, or -1 when unknown. */
    public long unreplicated() {
      return sourceEnd < 0 ? -1 : Math.max(0, sourceEnd - replicatedUpTo);
    }
  }

  public static byte[] progressValue(Progress progress) {
    return ByteBuffer.allocate(26).putShort(VERSION).putLong(progress.replicatedUpTo())
        .putLong(progress.sourceEnd()).putLong(progress.timestampMillis()).array();
  }

  public static Progress decodeProgress(byte[] value) {
    try {
      ByteBuffer b = ByteBuffer.wrap(value);
      short version = b.getShort();
      if (version < 0) {
        throw new IllegalArgumentException("progress value has negative version " + version);
      }
      return new Progress(b.getLong(), b.getLong(), b.getLong());
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("progress value is truncated (" + value.length + " bytes)", e);
    }
  }

  public static byte[] segmentKey(TopicPartition tp, long sourceStart) {
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
  public static byte[] offsetValue(long offset) {
    return ByteBuffer.allocate(2 + 8).putShort(VERSION).putLong(offset).array();
  }

  public static Key decodeKey(byte[] key) {
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

  public static long decodeOffsetValue(byte[] value) {
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
