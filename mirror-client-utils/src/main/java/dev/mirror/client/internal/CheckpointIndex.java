package dev.mirror.client.internal;

import dev.mirror.client.Checkpoint;
import dev.mirror.client.MirrorRecordFormatException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The latest checkpoint per group and partition read from partition 0 of one checkpoints topic, and the offset
 * read up to. Applying the records of a topic in offset order gives the same index whether it is done in one go or
 * in many steps, which is what lets {@code MirrorClient} read only the new records on each call.
 *
 * <p>Each record is one of:
 * <ul>
 *   <li>a checkpoint: it replaces the entry for its group and partition (the last one wins, as in MirrorMaker 2);
 *   <li>a tombstone (null value) with a well-formed key: it removes that entry, which is what compaction does to
 *       the topic (MirrorMaker 2 never writes tombstones; its client fails on one with a
 *       {@code NullPointerException});
 *   <li>anything else (a malformed key or value, a negative offset): skipped and counted.
 * </ul>
 *
 * <p>Not thread-safe: the owner serialises access.
 */
public final class CheckpointIndex {

  private static final String KEY_LAYOUT = "group STRING, topic STRING, partition INT32";

  /** What {@link #apply(ConsumerRecord)} did with a record. */
  public enum Outcome {
    /** The record was a checkpoint and is now the latest for its group and partition. */
    APPLIED,
    /** The record was a tombstone and removed its group and partition's checkpoint, if there was one. */
    REMOVED,
    /** The record was not a checkpoint and was skipped; see {@link CheckpointIndex#lastProblem()}. */
    SKIPPED
  }

  private final String topic;
  private final Optional<Uuid> topicId;
  private final Map<String, Map<TopicPartition, OffsetAndMetadata>> offsetsByGroup = new HashMap<>();
  private long position;
  private long recordsRead;
  private String lastProblem = "";

  /**
   * Creates an empty index that has read nothing.
   *
   * @param topic the checkpoints topic
   * @param topicId the topic's id, or empty for a topic that does not exist
   */
  public CheckpointIndex(String topic, Optional<Uuid> topicId) {
    this.topic = topic;
    this.topicId = topicId;
  }

  /** Returns the checkpoints topic. */
  public String topic() {
    return topic;
  }

  /** Returns the id of the topic the index was read from; empty if the topic does not exist. */
  public Optional<Uuid> topicId() {
    return topicId;
  }

  /** Returns the next offset to read: every record below it has been applied. */
  public long position() {
    return position;
  }

  /** Returns how many records have been applied since the index was created, skipped ones included. */
  public long recordsRead() {
    return recordsRead;
  }

  /** Returns why the last skipped record was skipped, or {@code ""} if none was. */
  public String lastProblem() {
    return lastProblem;
  }

  /**
   * Applies one record of partition 0 and moves the position past it.
   *
   * @param record the record, at or after {@link #position()}
   * @return what was done with it
   */
  public Outcome apply(ConsumerRecord<byte[], byte[]> record) {
    recordsRead++;
    position = Math.max(position, record.offset() + 1);
    try {
      if (record.value() == null) {
        WireReader key = WireReader.forKey("checkpoint", KEY_LAYOUT, record.key());
        String group = key.string("group");
        TopicPartition partition = new TopicPartition(key.string("topic"), key.int32("partition"));
        Map<TopicPartition, OffsetAndMetadata> offsets = offsetsByGroup.get(group);
        if (offsets != null) {
          offsets.remove(partition);
          if (offsets.isEmpty()) {
            offsetsByGroup.remove(group);
          }
        }
        return Outcome.REMOVED;
      }
      Checkpoint checkpoint = Checkpoint.fromRecord(record);
      if (checkpoint.downstreamOffset() < 0) {
        lastProblem = "offset " + record.offset() + ": checkpoint of group '" + checkpoint.group() + "' for "
            + checkpoint.topicPartition() + " has downstream offset '" + checkpoint.downstreamOffset()
            + "', but it must be >= 0";
        return Outcome.SKIPPED;
      }
      offsetsByGroup.computeIfAbsent(checkpoint.group(), group -> new HashMap<>())
          .put(checkpoint.topicPartition(), checkpoint.offsetAndMetadata());
      return Outcome.APPLIED;
    } catch (MirrorRecordFormatException e) {
      lastProblem = "offset " + record.offset() + ": " + e.getMessage();
      return Outcome.SKIPPED;
    }
  }

  /**
   * Moves the position forward to where the consumer is, past offsets that returned no record (compacted away,
   * transaction markers). Never moves it back.
   *
   * @param newPosition the consumer's position
   */
  public void advanceTo(long newPosition) {
    position = Math.max(position, newPosition);
  }

  /**
   * Returns the latest checkpoints of one group.
   *
   * @param group the group id
   * @return an immutable copy; empty if the group has no checkpoint
   */
  public Map<TopicPartition, OffsetAndMetadata> offsets(String group) {
    Map<TopicPartition, OffsetAndMetadata> offsets = offsetsByGroup.get(group);
    return offsets == null ? Map.of() : Map.copyOf(offsets);
  }

  /**
   * Returns the latest checkpoints of every group whose whole id matches {@code groups}.
   *
   * @param groups a pattern matched with {@link java.util.regex.Matcher#matches()}
   * @return an immutable copy, groups without checkpoints left out
   */
  public Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets(Pattern groups) {
    Map<String, Map<TopicPartition, OffsetAndMetadata>> result = new HashMap<>();
    offsetsByGroup.forEach((group, offsets) -> {
      if (groups.matcher(group).matches()) {
        result.put(group, Map.copyOf(offsets));
      }
    });
    return Collections.unmodifiableMap(result);
  }

  /** Returns how many (group, partition) checkpoints the index holds. */
  public int size() {
    return offsetsByGroup.values().stream().mapToInt(Map::size).sum();
  }
}
