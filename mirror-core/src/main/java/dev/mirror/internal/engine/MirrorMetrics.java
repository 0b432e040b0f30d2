package dev.mirror.internal.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.utils.Time;

/**
 * Mirror's metrics, recorded in kafka-clients' own metrics library so they appear in JMX under the domain
 * {@value #JMX_PREFIX} (and in any Kafka {@code MetricsReporter}). Names follow MirrorMaker 2's where the
 * meaning is the same ({@code record-count}, {@code record-rate}, {@code byte-rate},
 * {@code replication-latency-ms}, {@code record-age-ms}); {@code record-lag} is Mirror's own. Every metric is
 * defined once in {@link Def}, which the README's table lists.
 */
public final class MirrorMetrics implements AutoCloseable {
  /** JMX domain of Mirror's metrics. */
  public static final String JMX_PREFIX = "dev.mirror";
  static final String PARTITION_GROUP = "mirror-partition-metrics";
  static final String FLOW_GROUP = "mirror-flow-metrics";

  /** Every metric Mirror records: group, name, description. */
  public enum Def {
    RECORD_COUNT(PARTITION_GROUP, "record-count", "Records copied and acknowledged by the target."),
    RECORD_RATE(PARTITION_GROUP, "record-rate", "Records copied per second."),
    BYTE_COUNT(PARTITION_GROUP, "byte-count",
        "Bytes copied: keys and values when copying records, whole batches with batch copy."),
    BYTE_RATE(PARTITION_GROUP, "byte-rate", "Bytes copied per second, counted as byte-count is."),
    REPLICATION_LATENCY_AVG(PARTITION_GROUP, "replication-latency-ms-avg",
        "Average time from a record's timestamp to its acknowledgement by the target, per batch."),
    REPLICATION_LATENCY_MAX(PARTITION_GROUP, "replication-latency-ms-max",
        "Largest time from a record's timestamp to its acknowledgement by the target."),
    RECORD_AGE_AVG(PARTITION_GROUP, "record-age-ms-avg", "Average age of the oldest record of each batch read."),
    RECORD_AGE_MAX(PARTITION_GROUP, "record-age-ms-max", "Largest age of a record when it was read."),
    RECORD_LAG(PARTITION_GROUP, "record-lag",
        "Records on the source (up to its last fetched end) not yet acknowledged by the target."),
    FLOW_RECORD_COUNT(FLOW_GROUP, "record-count", "Records copied by the flow since the Mirror started."),
    FLOW_RECORD_RATE(FLOW_GROUP, "record-rate", "Records copied by the flow per second."),
    FLOW_BATCH_COUNT(FLOW_GROUP, "batch-count",
        "Record batches the flow copied whole since the Mirror started (0 when it copies records)."),
    FLOW_RECORD_LAG(FLOW_GROUP, "record-lag", "Records behind the source over all the flow's partitions."),
    TOPIC_COUNT(FLOW_GROUP, "topic-count", "Source topics replicated."),
    PARTITION_COUNT(FLOW_GROUP, "partition-count", "Source partitions replicated."),
    GROUP_COUNT(FLOW_GROUP, "group-count", "Consumer groups checkpointed."),
    CHECKPOINT_AGE(FLOW_GROUP, "checkpoint-age-ms", "Time since the last checkpoint round, or -1 before the first."),
    RESTART_COUNT(FLOW_GROUP, "restart-count", "Times the flow's clients were recreated after an error."),
    FAILURE_COUNT(FLOW_GROUP, "failure-count", "Errors the flow reported."),
    STATE(FLOW_GROUP, "state", "The flow's state as its ordinal: 0 CREATED, 1 STARTING, 2 RUNNING, 3 PAUSED, "
        + "4 STOPPING, 5 STOPPED, 6 FAILED.");

    final String group;
    final String metric;
    final String description;

    Def(String group, String metric, String description) {
      this.group = group;
      this.metric = metric;
      this.description = description;
    }

    /** Returns the metric's group. */
    public String group() {
      return group;
    }

    /** Returns the metric's name. */
    public String metricName() {
      return metric;
    }

    /** Returns the metric's description. */
    public String description() {
      return description;
    }
  }

  private final Metrics metrics;
  private final String mirror;

  public MirrorMetrics(String mirror) {
    this.mirror = mirror;
    this.metrics = new Metrics(new MetricConfig().timeWindow(30, TimeUnit.SECONDS).samples(2),
        List.of(new JmxReporter()), Time.SYSTEM, new KafkaMetricsContext(JMX_PREFIX));
  }

  public Map<MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
    return metrics.metrics();
  }

  MetricName name(Def def, Map<String, String> tags) {
    return metrics.metricName(def.metric, def.group, def.description, tags);
  }

  /** Registers a gauge. */
  void gauge(Def def, Map<String, String> tags, LongSupplier value) {
    MetricName name = name(def, tags);
    if (metrics.metric(name) == null) {
      metrics.addMetric(name, (Gauge<Long>) (config, now) -> value.getAsLong());
    }
  }

  void remove(Def def, Map<String, String> tags) {
    metrics.removeMetric(name(def, tags));
  }

  /** The sensors of one source partition of a flow. */
  final class PartitionSensors {
    private final Sensor records;
    private final Sensor bytes;
    private final Sensor latency;
    private final Sensor age;
    private final Sensor flowRecords;
    private final String prefix;

    PartitionSensors(String flow, Map<String, String> flowTags, TopicPartition tp, Sensor flowRecords,
        LongSupplier lag) {
      Map<String, String> tags = new LinkedHashMap<>(flowTags);
      tags.put("topic", tp.topic());
      tags.put("partition", Integer.toString(tp.partition()));
      this.prefix = mirror + "." + flow + "." + tp + ".";
      this.flowRecords = flowRecords;
      records = metrics.sensor(prefix + "records");
      records.add(name(Def.RECORD_COUNT, tags), new CumulativeSum());
      records.add(name(Def.RECORD_RATE, tags), new Rate());
      bytes = metrics.sensor(prefix + "bytes");
      bytes.add(name(Def.BYTE_COUNT, tags), new CumulativeSum());
      bytes.add(name(Def.BYTE_RATE, tags), new Rate());
      latency = metrics.sensor(prefix + "latency");
      latency.add(name(Def.REPLICATION_LATENCY_AVG, tags), new Avg());
      latency.add(name(Def.REPLICATION_LATENCY_MAX, tags), new Max());
      age = metrics.sensor(prefix + "age");
      age.add(name(Def.RECORD_AGE_AVG, tags), new Avg());
      age.add(name(Def.RECORD_AGE_MAX, tags), new Max());
      gauge(Def.RECORD_LAG, tags, lag);
      lagTags = tags;
    }

    private final Map<String, String> lagTags;

    /** Called once per acknowledged batch. */
    void copied(int count, long byteCount, long latencyMs, long nowMs) {
      records.record(count, nowMs);
      bytes.record(byteCount, nowMs);
      if (latencyMs >= 0) {
        latency.record(latencyMs, nowMs);
      }
      flowRecords.record(count, nowMs);
    }

    /** Called once per batch read. */
    void read(long oldestAgeMs, long nowMs) {
      if (oldestAgeMs >= 0) {
        age.record(oldestAgeMs, nowMs);
      }
    }

    void close() {
      metrics.removeSensor(prefix + "records");
      metrics.removeSensor(prefix + "bytes");
      metrics.removeSensor(prefix + "latency");
      metrics.removeSensor(prefix + "age");
      remove(Def.RECORD_LAG, lagTags);
    }
  }

  /** Returns the tags of a flow's metrics. */
  Map<String, String> flowTags(String source, String target) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mirror", mirror);
    tags.put("source", source);
    tags.put("target", target);
    return tags;
  }

  /** Returns the flow-level records sensor, creating it once. */
  Sensor flowRecords(Map<String, String> flowTags) {
    String sensorName = mirror + "." + flowTags.get("source") + "->" + flowTags.get("target") + ".records";
    Sensor s = metrics.getSensor(sensorName);
    if (s == null) {
      s = metrics.sensor(sensorName);
      s.add(name(Def.FLOW_RECORD_COUNT, flowTags), new CumulativeSum());
      s.add(name(Def.FLOW_RECORD_RATE, flowTags), new Rate());
    }
    return s;
  }

  PartitionSensors partition(String flow, Map<String, String> flowTags, TopicPartition tp, Sensor flowRecords,
      LongSupplier lag) {
    return new PartitionSensors(flow, flowTags, tp, flowRecords, lag);
  }

  void removeFlow(Map<String, String> flowTags) {
    metrics.removeSensor(mirror + "." + flowTags.get("source") + "->" + flowTags.get("target") + ".records");
    for (Def def : Def.values()) {
      if (def.group.equals(FLOW_GROUP)) {
        metrics.removeMetric(name(def, flowTags));
      }
    }
  }

  @Override
  public void close() {
    metrics.close();
  }
}
