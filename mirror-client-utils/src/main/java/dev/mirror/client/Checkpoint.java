package dev.mirror.client;

import dev.mirror.client.internal.WireReader;
import dev.mirror.client.internal.WireWriter;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * A checkpoint: the committed offset of a consumer group on a source topic-partition, translated to the
 * replicated topic-partition on the target cluster. This is MirrorMaker 2's checkpoint record, byte for byte, so
 * checkpoints written by MirrorMaker 2 and by Mirror are interchangeable.
 *
 * <p>Checkpoints live in partition 0 of the checkpoints topic on the target cluster
 * ({@link ReplicationPolicy#checkpointsTopic(String)} with the source cluster's alias, by default
 * {@code <source>.checkpoints.internal}). The topic is compacted: the key is the group and the target-side
 * topic-partition, so the latest checkpoint per group and partition survives.
 *
 * <pre>{@code
 * key   = group STRING | topic STRING | partition INT32
 * value = version INT16 (0) | upstreamOffset INT64 | offset INT64 | metadata STRING
 * }</pre>
 *
 * <p>A {@code STRING} is a big-endian {@code INT16} count of UTF-8 bytes (0 to 32767) followed by the bytes; the
 * integers are big-endian. {@link #recordValue()} writes version {@value #VERSION}; {@link #fromRecord(byte[], byte[])}
 * accepts any version {@code >= 0}, reads the version-0 fields and ignores any bytes after them.
 *
 * <p>To resume a group on the target cluster after a failover, commit {@link #offsetAndMetadata()} for
 * {@link #topicPartition()}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param group the consumer group id, the same on both clusters
 * @param topic the topic on the <em>target</em> cluster, usually the renamed remote topic such as {@code A.orders}:
 *     the topic the group consumes after a failover
 * @param partition the partition number, the same on both clusters
 * @param upstreamOffset the group's committed offset on the source topic-partition
 * @param downstreamOffset the translated offset on the target topic-partition: the next offset the group reads
 * @param metadata the commit metadata of the source commit; {@code ""} when there is none, and a {@code null}
 *     argument is stored as {@code ""} (as {@link OffsetAndMetadata} does), because the format has no null strings
 * @since 0.1.0
 */
public record Checkpoint(
    String group, String topic, int partition, long upstreamOffset, long downstreamOffset, String metadata) {

  /** The value-format version this class writes: {@value}. */
  public static final short VERSION = 0;

  private static final String RECORD_TYPE = "checkpoint";
  private static final String KEY_LAYOUT = "group STRING, topic STRING, partition INT32";
  private static final String VALUE_LAYOUT = "version INT16, upstreamOffset INT64, offset INT64, metadata STRING";

  /**
   * Creates a checkpoint.
   *
   * @throws NullPointerException if {@code group} or {@code topic} is null
   */
  public Checkpoint {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(topic, "topic");
    if (metadata == null) {
      metadata = "";
    }
  }

  /**
   * Decodes a checkpoint from the key and value of a record in a checkpoints topic.
   *
   * @param key the record key
   * @param value the record value
   * @return the checkpoint
   * @throws MirrorRecordFormatException if the key or value is null, too short, holds a negative string length or
   *     a negative version
   */
  public static Checkpoint fromRecord(byte @Nullable [] key, byte @Nullable [] value) {
    WireReader keyReader = WireReader.forKey(RECORD_TYPE, KEY_LAYOUT, key);
    String group = keyReader.string("group");
    String topic = keyReader.string("topic");
    int partition = keyReader.int32("partition");
    WireReader valueReader = WireReader.forValue(RECORD_TYPE, VALUE_LAYOUT, value);
    valueReader.version("version");
    long upstreamOffset = valueReader.int64("upstreamOffset");
    long downstreamOffset = valueReader.int64("offset");
    String metadata = valueReader.string("metadata");
    return new Checkpoint(group, topic, partition, upstreamOffset, downstreamOffset, metadata);
  }

  /**
   * Decodes a checkpoint from a record consumed from a checkpoints topic. The record's topic, partition,
   * timestamp and headers are not used.
   *
   * @param record a record with byte-array key and value
   * @return the checkpoint
   * @throws NullPointerException if {@code record} is null
   * @throws MirrorRecordFormatException if the key or value is null or malformed, as in
   *     {@link #fromRecord(byte[], byte[])}
   */
  public static Checkpoint fromRecord(ConsumerRecord<byte[], byte[]> record) {
    Objects.requireNonNull(record, "record");
    return fromRecord(record.key(), record.value());
  }

  /**
   * Returns the target-side topic-partition, the one to commit {@link #offsetAndMetadata()} for.
   *
   * @return a new {@code TopicPartition(topic, partition)}
   */
  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }

  /**
   * Returns the offset to commit on the target cluster: the downstream offset with the source commit's metadata
   * and no leader epoch.
   *
   * @return a new {@code OffsetAndMetadata(downstreamOffset, metadata)}
   * @throws IllegalArgumentException if {@code downstreamOffset} is negative, which {@link OffsetAndMetadata}
   *     rejects
   */
  public OffsetAndMetadata offsetAndMetadata() {
    return new OffsetAndMetadata(downstreamOffset, metadata);
  }

  /**
   * Encodes the record key: group, topic and partition.
   *
   * @return a new array
   * @throws MirrorRecordFormatException if the group or topic is longer than 32767 UTF-8 bytes
   */
  public byte[] recordKey() {
    return new WireWriter(RECORD_TYPE + " key", 16 + group.length() + topic.length())
        .string("group", group)
        .string("topic", topic)
        .int32(partition)
        .toByteArray();
  }

  /**
   * Encodes the record value: version {@value #VERSION}, upstream offset, downstream offset and metadata.
   *
   * @return a new array
   * @throws MirrorRecordFormatException if the metadata is longer than 32767 UTF-8 bytes
   */
  public byte[] recordValue() {
    return new WireWriter(RECORD_TYPE + " value", 24 + metadata.length())
        .int16(VERSION)
        .int64(upstreamOffset)
        .int64(downstreamOffset)
        .string("metadata", metadata)
        .toByteArray();
  }
}
