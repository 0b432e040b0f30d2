package dev.mirror.internal.engine;

import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Sensor;

/** The metrics of one flow: its gauges and a factory for its partitions' sensors. */
final class FlowMetrics {
  private final MirrorMetrics metrics;
  private final String flow;
  private final Map<String, String> tags;
  private final Sensor records;

  FlowMetrics(MirrorMetrics metrics, String source, String target) {
    this.metrics = metrics;
    this.flow = source + "->" + target;
    this.tags = metrics.flowTags(source, target);
    this.records = metrics.flowRecords(tags);
  }

  void gauge(MirrorMetrics.Def def, LongSupplier value) {
    metrics.gauge(def, tags, value);
  }

  MirrorMetrics.PartitionSensors partition(TopicPartition tp, LongSupplier lag) {
    return metrics.partition(flow, tags, tp, records, lag);
  }

  void close() {
    metrics.removeFlow(tags);
  }
}
