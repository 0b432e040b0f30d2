package dev.mirror.client;

import dev.mirror.client.internal.WireReader;
import dev.mirror.client.internal.WireWriter;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * An offset sync: the offset at which one record of a source topic-partition was written to the replicated
 * topic-partition on the target cluster. Offset syncs are what checkpoints are translated with. This is
 * MirrorMaker 2's offset-sync record, byte for byte.
 *
 * <p>Offset syncs live in partition 0 of the compacted offset-syncs topic
 * ({@link ReplicationPolicy#offsetSyncsTopic(String)}, by default {@code mm2-offset-syncs.<alias>.internal}). With
 * MirrorMaker 2's default {@code offset-syncs.topic.location=source} the topic is on the source cluster and named
 * with the target's alias; with {@code target} it is on the target cluster and named with the source's alias.
 *
 * <pre>{@code
 * key   = topic STRING | partition INT32
 * value = upstreamOffset INT64 | offset INT64
 * }</pre>
 *
 * <p>Unlike checkpoints and heartbeats, the value has <em>no</em> version field. A {@code STRING} is a big-endian
 * {@code INT16} count of UTF-8 bytes (0 to 32767) followed by the bytes; the integers are big-endian.
 * {@link #fromRecord(byte[], byte[])} ignores any bytes after the last field.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param topic the topic on the <em>source</em> cluster, not renamed
 * @param partition the partition number, the same on both clusters
 * @param upstreamOffset the offset of a record in the source topic-partition
 * @param downstreamOffset the offset at which that record was written in the target topic-partition
 * @since 0.1.0
 */
public record OffsetSync(String topic, int partition, long upstreamOffset, long downstreamOffset) {

  private static final String RECORD_TYPE = "offset sync";
  private static final String KEY_LAYOUT = "topic STRING, partition INT32";
  private static final String VALUE_LAYOUT = "upstreamOffset INT64, offset INT64";

  /**
   * Creates an offset sync.
   *
   * @throws NullPointerException if {@code topic} is null
   */
  public OffsetSync {
    Objects.requireNonNull(topic, "topic");
  }

  /**
   * Decodes an offset sync from the key and value of a record in an offset-syncs topic.
   *
   * @param key the record key
   * @param value the record value
   * @return the offset sync
   * @throws MirrorRecordFormatException if the key or value is null, too short, or holds a negative string length
   */
  public static OffsetSync fromRecord(byte @Nullable [] key, byte @Nullable [] value) {
    WireReader keyReader = WireReader.forKey(RECORD_TYPE, KEY_LAYOUT, key);
    String topic = keyReader.string("topic");
    int partition = keyReader.int32("partition");
    WireReader valueReader = WireReader.forValue(RECORD_TYPE, VALUE_LAYOUT, value);
    long upstreamOffset = valueReader.int64("upstreamOffset");
    long downstreamOffset = valueReader.int64("offset");
    return new OffsetSync(topic, partition, upstreamOffset, downstreamOffset);
  }

  /**
   * Decodes an offset sync from a record consumed from an offset-syncs topic. The record's topic, partition,
   * timestamp and headers are not used.
   *
   * @param record a record with byte-array key and value
   * @return the offset sync
   * @throws NullPointerException if {@code record} is null
   * @throws MirrorRecordFormatException if the key or value is null or malformed, as in
   *     {@link #fromRecord(byte[], byte[])}
   */
  public static OffsetSync fromRecord(ConsumerRecord<byte[], byte[]> record) {
    Objects.requireNonNull(record, "record");
    return fromRecord(record.key(), record.value());
  }

  /**
   * Returns the source topic-partition this sync is about.
   *
   * @return a new {@code TopicPartition(topic, partition)}
   */
  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }

  /**
   * Encodes the record key: topic and partition.
   *
   * @return a new array
   * @throws MirrorRecordFormatException if the topic is longer than 32767 UTF-8 bytes
   */
  public byte[] recordKey() {
    return new WireWriter(RECORD_TYPE + " key", 8 + topic.length())
        .string("topic", topic)
        .int32(partition)
        .toByteArray();
  }

  /**
   * Encodes the record value: upstream offset and downstream offset, 16 bytes.
   *
   * @return a new array
   */
  public byte[] recordValue() {
    return new WireWriter(RECORD_TYPE + " value", 2 * Long.BYTES)
        .int64(upstreamOffset)
        .int64(downstreamOffset)
        .toByteArray();
  }
}
