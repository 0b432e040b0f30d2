package dev.mirror.internal.engine;

import dev.mirror.FlowSpec;
import dev.mirror.MirrorException;
import dev.mirror.OffsetSyncsLocation;
import dev.mirror.client.OffsetSync;
import dev.mirror.client.ReplicationPolicy;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Writes MirrorMaker 2-format offset syncs: one at the start of every offset segment and one per partition
 * per position store, so tools that read MirrorMaker 2's offset-syncs topic see an exact, current mapping.
 */
final class OffsetSyncs implements ReplicationWorker.SyncSink {
  private final String topic;
  private final String cluster;
  private final Producer<byte[], byte[]> producer;
  private volatile @Nullable Exception failure;

  private OffsetSyncs(String topic, String cluster, Producer<byte[], byte[]> producer) {
    this.topic = topic;
    this.cluster = cluster;
    this.producer = producer;
  }

  /** Whether the flow writes its offset syncs to the target cluster (else to the source). */
  static boolean onTarget(FlowSpec flow) {
    return flow.offsetSyncsLocation() == OffsetSyncsLocation.TARGET;
  }

  /** The offset-syncs topic, on the cluster {@link #onTarget} says, for {@link Topics#issue}. */
  static NewTopic newTopic(FlowSpec flow, ReplicationPolicy policy, int replicationFactor) {
    return Topics.compacted(policy.offsetSyncsTopic(onTarget(flow) ? flow.source() : flow.target()), 1,
        replicationFactor);
  }

  /** Creates the offset-syncs topic where the flow says and returns a sink writing to it. */
  static OffsetSyncs start(Topics topics, FlowSpec flow, ReplicationPolicy policy, Admin sourceAdmin,
      Admin targetAdmin, Producer<byte[], byte[]> targetProducer,
      java.util.function.Supplier<Producer<byte[], byte[]>> sourceProducer, int replicationFactor, Logger log)
      throws InterruptedException {
    boolean onTarget = onTarget(flow);
    NewTopic newTopic = newTopic(flow, policy, replicationFactor);
    String topic = newTopic.name();
    String cluster = onTarget ? flow.target() : flow.source();
    Optional<String> problem = topics.ensure(onTarget ? targetAdmin : sourceAdmin, cluster, newTopic).problem();
    if (problem.isPresent()) {
      throw new MirrorException(problem.get() + (onTarget ? ""
          : "; or write offset syncs to the target with offsetSyncsLocation(TARGET)"));
    }
    log.info("offset syncs go to '{}' on cluster '{}'", topic, cluster);
    return new OffsetSyncs(topic, cluster, onTarget ? targetProducer : sourceProducer.get());
  }

  @Override
  public void accept(TopicPartition source, long upstream, long downstream) {
    OffsetSync sync = new OffsetSync(source.topic(), source.partition(), upstream, downstream);
    producer.send(new ProducerRecord<>(topic, 0, sync.recordKey(), sync.recordValue()), (md, ex) -> {
      if (ex != null) {
        failure = ex;
      }
    });
  }

  void checkFailures() {
    Exception f = failure;
    if (f != null) {
      failure = null;
      throw new MirrorException("cannot write offset syncs to '" + topic + "' on cluster '" + cluster + "': "
          + Errors.describe(f, "WRITE", "TOPIC", topic), f);
    }
  }
}
