package dev.mirror.internal.engine;

import dev.mirror.FlowSpec;
import dev.mirror.client.Heartbeat;
import dev.mirror.client.ReplicationPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Writes MirrorMaker 2-format heartbeats {@code (source, target, time)} to the target's {@code heartbeats}
 * topic, as MirrorMaker 2 does, and to the source's, as MirrorMaker 2's reverse heartbeat connector does:
 * replicated downstream as {@code <source>.heartbeats}, the source's topic is what lets consumers trace
 * replication paths ({@code replicationHops}, {@code upstreamClusters}) and see that data flows end to end.
 * Writing to the source is best effort: a read-only source gets a single warning.
 */
final class Heartbeats {
  private final FlowSpec flow;
  private final String topic;
  private final Duration timeout;
  private final Logger log;
  private final Supplier<Producer<byte[], byte[]>> sourceProducer;
  private boolean sourceEnabled = true;
  private volatile @Nullable String sourceProblem;
  private volatile @Nullable Exception targetFailure;

  Heartbeats(FlowSpec flow, ReplicationPolicy policy, Duration timeout, Logger log,
      Supplier<Producer<byte[], byte[]>> sourceProducer) {
    this.flow = flow;
    this.topic = policy.heartbeatsTopic();
    this.timeout = timeout;
    this.log = log;
    this.sourceProducer = sourceProducer;
  }

  /** The heartbeats topic (the same name on both clusters), for {@link Topics#issue}. */
  NewTopic newTopic(int replicationFactor) {
    return Topics.compacted(topic, 1, replicationFactor);
  }

  void start(Topics topics, Admin sourceAdmin, Admin targetAdmin, int replicationFactor) throws InterruptedException {
    Optional<String> target = topics.ensure(targetAdmin, flow.target(), newTopic(replicationFactor)).problem();
    if (target.isPresent()) {
      throw new dev.mirror.MirrorException(target.get());
    }
    Optional<String> source = topics.ensure(sourceAdmin, flow.source(), newTopic(replicationFactor)).problem();
    if (source.isPresent()) {
      disableSource(source.get());
    }
  }

  private void disableSource(String why) {
    if (sourceEnabled) {
      sourceEnabled = false;
      log.warn("heartbeats go to cluster '{}' only: {}. Without them, '{}.{}' does not appear downstream and"
          + " upstreamClusters/replicationHops cannot see cluster '{}'", flow.target(), why, flow.source(), topic,
          flow.source());
    }
  }

  void beat(Producer<byte[], byte[]> targetProducer, long nowMillis) {
    Exception f = targetFailure;
    if (f != null) {
      targetFailure = null;
      throw new dev.mirror.MirrorException("cannot write heartbeats to '" + topic + "' on cluster '"
          + flow.target() + "': " + Errors.describe(f, "WRITE", "TOPIC", topic), f);
    }
    String problem = sourceProblem;
    if (problem != null) {
      disableSource(problem);
      sourceProblem = null;
    }
    Heartbeat hb = new Heartbeat(flow.source(), flow.target(), nowMillis);
    targetProducer.send(new ProducerRecord<>(topic, 0, nowMillis, hb.recordKey(), hb.recordValue()), (md, ex) -> {
      if (ex != null) {
        targetFailure = ex;
      }
    });
    if (sourceEnabled) {
      sourceProducer.get().send(new ProducerRecord<>(topic, 0, nowMillis, hb.recordKey(), hb.recordValue()),
          (md, ex) -> {
            if (ex != null) {
              sourceProblem = "cannot write to '" + topic + "' on cluster '" + flow.source() + "': "
                  + Errors.describe(ex, "WRITE", "TOPIC", topic);
            }
          });
    }
  }
}
