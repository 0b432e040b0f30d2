package dev.mirror.client;

import dev.mirror.client.internal.ClientConfigs;
import dev.mirror.client.internal.OffsetIndex;
import dev.mirror.client.internal.StateCodec;
import dev.mirror.client.internal.StateReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * What failing a consumer group over from a lost cluster would mean: where each partition resumes, how many
 * records the group will read again, and how many records of the lost cluster never reached this one.
 *
 * <pre>{@code
 * FailoverReport report = FailoverReport.create(Map.of("bootstrap.servers", "backup:9092"), "primary", "billing",
 *     Duration.ofSeconds(10));
 * System.out.println(report);               // one line per partition
 * report.offsets();                         // the offsets to resume from, as MirrorClient gives them
 * report.expectedReRead();                  // 0 with Mirror's exact checkpoints
 * report.unreplicatedRecords();             // records the lost cluster had that this one never got
 * }</pre>
 *
 * <p>The re-read count compares each checkpoint with the exact offset mapping Mirror keeps in its state topic on
 * this cluster: it is 0 for Mirror's checkpoints and shows what checkpoints written by MirrorMaker 2 cost. It
 * counts from the group's last checkpointed commit; commits the lost cluster took after that checkpoint are
 * unknown. The unreplicated count is the lag Mirror last recorded (at most one checkpoint interval old).
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param group the consumer group
 * @param failedCluster the alias of the lost cluster
 * @param partitions one entry per partition of this cluster the group has a checkpoint for
 * @since 0.1.0
 */
public record FailoverReport(String group, String failedCluster, List<PartitionReport> partitions) {

  /**
   * One partition of a failover report.
   *
   * @param partition the partition on this cluster, e.g. {@code primary.orders-0}
   * @param upstreamOffset the group's committed offset on the lost cluster, as last checkpointed
   * @param offset the offset the group resumes from on this cluster, with the commit's metadata
   * @param reRead records the group will read again (negative: records it would skip), or -1 when unknown
   *     because Mirror's state topic for the lost cluster is not on this cluster
   * @param unreplicated records of the lost cluster's partition that had not been replicated when Mirror
   *     last looked, or -1 when unknown
   * @param progressTime when Mirror last stored the partition's progress (at each checkpoint round while it
   *     changes, at least once a minute while it does not), or null when unknown
   */
  public record PartitionReport(TopicPartition partition, long upstreamOffset, OffsetAndMetadata offset,
      long reRead, long unreplicated, @Nullable Instant progressTime) {}

  /** Copies the partitions. */
  public FailoverReport {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(failedCluster, "failedCluster");
    partitions = List.copyOf(partitions);
  }

  /**
   * Builds the report for {@code group} failing over from {@code failedCluster} to the cluster that
   * {@code clientProperties} point at.
   *
   * @param clientProperties Kafka client properties of the cluster where the group resumes
   * @param failedCluster the alias of the lost cluster
   * @param group the consumer group
   * @param timeout how long reading the checkpoints and Mirror's state may take
   * @return the report; empty partitions when the group has no checkpoint
   * @throws MirrorTimeoutException when the topics cannot be read in time
   */
  public static FailoverReport create(Map<String, ?> clientProperties, String failedCluster, String group,
      Duration timeout) {
    Objects.requireNonNull(clientProperties, "clientProperties");
    Objects.requireNonNull(failedCluster, "failedCluster");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(timeout, "timeout");
    ReplicationPolicy policy = ReplicationPolicies.fromConfig(clientProperties);
    Map<String, Object> consumerConfig = new HashMap<>(ClientConfigs.parse(clientProperties).consumerConfig());
    consumerConfig.put("key.deserializer", ByteArrayDeserializer.class);
    consumerConfig.put("value.deserializer", ByteArrayDeserializer.class);
    String checkpointsTopic = policy.checkpointsTopic(failedCluster);
    Map<TopicPartition, Checkpoint> checkpoints = new HashMap<>();
    List<String> stateTopics = new ArrayList<>();
    StateReader.State state;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
      Map<String, ?> topics = consumer.listTopics(timeout);
      for (String topic : topics.keySet()) {
        if (StateCodec.isStateTopicOf(topic, failedCluster)) {
          stateTopics.add(topic);
        }
      }
      if (topics.containsKey(checkpointsTopic)) {
        StateReader.readToEnd(consumer, List.of(new TopicPartition(checkpointsTopic, 0)), timeout,
            "checkpoints topic '" + checkpointsTopic + "'", r -> {
          if (r.value() == null) {
            return;
          }
          try {
            Checkpoint c = Checkpoint.fromRecord(r.key(), r.value());
            if (c.group().equals(group)) {
              checkpoints.put(c.topicPartition(), c);
            }
          } catch (MirrorRecordFormatException e) {
            // Skipped, as MirrorClient does: a damaged record says nothing about where the group is.
          }
        });
      }
      state = StateReader.read(consumer, stateTopics, timeout);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new MirrorTimeoutException("reading the checkpoints and Mirror's state for cluster '" + failedCluster
          + "' did not finish within " + timeout.toMillis() + " ms: " + e.getMessage(), e);
    }
    List<PartitionReport> reports = new ArrayList<>();
    OffsetIndex index = state.index();
    checkpoints.forEach((tp, c) -> {
      String sourceTopic = policy.upstreamTopic(tp.topic()).orElse(tp.topic());
      TopicPartition source = new TopicPartition(sourceTopic, tp.partition());
      long reRead = -1;
      if (!stateTopics.isEmpty()) {
        OptionalLong exact = index.translate(source, c.upstreamOffset());
        if (exact.isPresent()) {
          reRead = exact.getAsLong() - c.downstreamOffset();
        }
      }
      StateCodec.Progress progress = state.progress().get(source);
      reports.add(new PartitionReport(tp, c.upstreamOffset(), c.offsetAndMetadata(), reRead,
          progress == null ? -1 : progress.unreplicated(),
          progress == null ? null : Instant.ofEpochMilli(progress.timestampMillis())));
    });
    reports.sort(Comparator.comparing((PartitionReport r) -> r.partition().topic())
        .thenComparingInt(r -> r.partition().partition()));
    return new FailoverReport(group, failedCluster, reports);
  }

  /** Returns the offsets to resume from, keyed by this cluster's partitions. */
  public Map<TopicPartition, OffsetAndMetadata> offsets() {
    Map<TopicPartition, OffsetAndMetadata> map = new HashMap<>();
    for (PartitionReport p : partitions) {
      map.put(p.partition(), p.offset());
    }
    return map;
  }

  /** Returns the records the group will read again over all partitions, or -1 when some count is unknown. */
  public long expectedReRead() {
    return sum(PartitionReport::reRead);
  }

  /** Returns the records that never reached this cluster over all partitions, or -1 when some count is unknown. */
  public long unreplicatedRecords() {
    return sum(PartitionReport::unreplicated);
  }

  private long sum(java.util.function.ToLongFunction<PartitionReport> f) {
    long total = 0;
    for (PartitionReport p : partitions) {
      long v = f.applyAsLong(p);
      if (v == -1) {
        return -1;
      }
      total += v;
    }
    return total;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("failover of group '").append(group).append("' from cluster '")
        .append(failedCluster).append("': ").append(partitions.size()).append(" partitions, re-read ")
        .append(count(expectedReRead())).append(", not replicated ").append(count(unreplicatedRecords()));
    for (PartitionReport p : partitions) {
      sb.append("\n  ").append(p.partition()).append(": resume at ").append(p.offset().offset())
          .append(" (source offset ").append(p.upstreamOffset()).append("), re-read ").append(count(p.reRead()))
          .append(", not replicated ").append(count(p.unreplicated()));
    }
    return sb.toString();
  }

  private static String count(long n) {
    return n == -1 ? "unknown" : Long.toString(n);
  }
}
