package dev.mirror.client;

import dev.mirror.client.internal.WireReader;
import dev.mirror.client.internal.WireWriter;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * A heartbeat: proof that replication from one cluster to another was alive at a point in time. This is
 * MirrorMaker 2's heartbeat record, byte for byte.
 *
 * <p>A flow {@code S->T} writes heartbeats to partition 0 of the compacted {@code heartbeats} topic
 * ({@link ReplicationPolicy#heartbeatsTopic()}) on {@code T}. Like any other topic, the heartbeats topic is then
 * replicated onwards ({@code T.heartbeats} on the next cluster, and so on), which is how
 * {@code replicationHops} and {@code upstreamClusters} find the clusters upstream from topic names alone.
 *
 * <pre>{@code
 * key   = sourceClusterAlias STRING | targetClusterAlias STRING
 * value = version INT16 (0) | timestamp INT64
 * }</pre>
 *
 * <p>A {@code STRING} is a big-endian {@code INT16} count of UTF-8 bytes (0 to 32767) followed by the bytes; the
 * integers are big-endian. {@link #recordValue()} writes version {@value #VERSION};
 * {@link #fromRecord(byte[], byte[])} accepts any version {@code >= 0}, reads the version-0 fields and ignores any
 * bytes after them.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param sourceClusterAlias the alias of the cluster the emitting flow replicates from
 * @param targetClusterAlias the alias of the cluster the emitting flow replicates to, where the heartbeat is written
 * @param timestamp when the heartbeat was emitted, in milliseconds since the epoch; MirrorMaker 2 uses it as the
 *     record timestamp too
 * @since 0.1.0
 */
public record Heartbeat(String sourceClusterAlias, String targetClusterAlias, long timestamp) {

  /** The value-format version this class writes: {@value}. */
  public static final short VERSION = 0;

  private static final String RECORD_TYPE = "heartbeat";
  private static final String KEY_LAYOUT = "sourceClusterAlias STRING, targetClusterAlias STRING";
  private static final String VALUE_LAYOUT = "version INT16, timestamp INT64";

  /**
   * Creates a heartbeat.
   *
   * @throws NullPointerException if {@code sourceClusterAlias} or {@code targetClusterAlias} is null
   */
  public Heartbeat {
    Objects.requireNonNull(sourceClusterAlias, "sourceClusterAlias");
    Objects.requireNonNull(targetClusterAlias, "targetClusterAlias");
  }

  /**
   * Decodes a heartbeat from the key and value of a record in a heartbeats topic.
   *
   * @param key the record key
   * @param value the record value
   * @return the heartbeat
   * @throws MirrorRecordFormatException if the key or value is null, too short, holds a negative string length or
   *     a negative version
   */
  public static Heartbeat fromRecord(byte @Nullable [] key, byte @Nullable [] value) {
    WireReader keyReader = WireReader.forKey(RECORD_TYPE, KEY_LAYOUT, key);
    String sourceClusterAlias = keyReader.string("sourceClusterAlias");
    String targetClusterAlias = keyReader.string("targetClusterAlias");
    WireReader valueReader = WireReader.forValue(RECORD_TYPE, VALUE_LAYOUT, value);
    valueReader.version("version");
    long timestamp = valueReader.int64("timestamp");
    return new Heartbeat(sourceClusterAlias, targetClusterAlias, timestamp);
  }

  /**
   * Decodes a heartbeat from a record consumed from a heartbeats topic. The record's topic, partition, timestamp
   * and headers are not used.
   *
   * @param record a record with byte-array key and value
   * @return the heartbeat
   * @throws NullPointerException if {@code record} is null
   * @throws MirrorRecordFormatException if the key or value is null or malformed, as in
   *     {@link #fromRecord(byte[], byte[])}
   */
  public static Heartbeat fromRecord(ConsumerRecord<byte[], byte[]> record) {
    Objects.requireNonNull(record, "record");
    return fromRecord(record.key(), record.value());
  }

  /**
   * Encodes the record key: source and target cluster aliases.
   *
   * @return a new array
   * @throws MirrorRecordFormatException if an alias is longer than 32767 UTF-8 bytes
   */
  public byte[] recordKey() {
    return new WireWriter(RECORD_TYPE + " key", 4 + sourceClusterAlias.length() + targetClusterAlias.length())
        .string("sourceClusterAlias", sourceClusterAlias)
        .string("targetClusterAlias", targetClusterAlias)
        .toByteArray();
  }

  /**
   * Encodes the record value: version {@value #VERSION} and the timestamp, 10 bytes.
   *
   * @return a new array
   */
  public byte[] recordValue() {
    return new WireWriter(RECORD_TYPE + " value", Short.BYTES + Long.BYTES)
        .int16(VERSION)
        .int64(timestamp)
        .toByteArray();
  }
}
