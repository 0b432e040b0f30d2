package dev.mirror.internal.engine;

import dev.mirror.FlowSpec;
import dev.mirror.MirrorException;
import dev.mirror.client.Checkpoint;
import dev.mirror.client.ReplicationPolicy;
import dev.mirror.client.internal.OffsetIndex;
import dev.mirror.client.internal.StateCodec;
import dev.mirror.client.internal.StateReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Translates the committed offsets of the source's consumer groups with the flow's exact offset mapping and
 * writes MirrorMaker 2-format checkpoints to {@code <source>.checkpoints.internal} on the target. A
 * checkpoint is written when it is the first for its group and partition, when the group rewound on the
 * source, or when the translated offset moved forward: checkpoints never move backwards otherwise.
 * Optionally commits the translated offsets to the target's groups that have no active members, never
 * moving them backwards.
 */
final class Checkpointer {

  /** The last checkpoint written per group and remote partition. */
  private final Map<String, Map<TopicPartition, Checkpoint>> last = new HashMap<>();
  private final FlowSpec flow;
  private final ReplicationPolicy policy;
  private final String topic;
  private final Duration timeout;
  private final Logger log;
  private int groups;
  private List<String> groupIds = List.of();
  private long nextGroupRefresh;
  private long nextGroupSync;
  private long lastCheckpointMillis = -1;
  private volatile @Nullable Exception failure;

  Checkpointer(FlowSpec flow, ReplicationPolicy policy, Duration timeout, Logger log) {
    this.flow = flow;
    this.policy = policy;
    this.topic = policy.checkpointsTopic(flow.source());
    this.timeout = timeout;
    this.log = log;
  }

  String topic() {
    return topic;
  }

  int groups() {
    return groups;
  }

  long lastCheckpointMillis() {
    return lastCheckpointMillis;
  }

  /** The checkpoints topic, for {@link Topics#issue}. */
  NewTopic newTopic(int replicationFactor) {
    return Topics.compacted(topic, 1, replicationFactor);
  }

  /** Creates the checkpoints topic when missing and loads the checkpoints written before, for monotonicity. */
  void start(Topics topics, Admin targetAdmin, java.util.function.Supplier<Consumer<byte[], byte[]>> reader,
      int replicationFactor)
      throws InterruptedException {
    Topics.Ensured ensured = topics.ensure(targetAdmin, flow.target(), newTopic(replicationFactor));
    if (ensured.problem().isPresent()) {
      throw new MirrorException(ensured.problem().get());
    }
    int[] loaded = {0};
    // A topic created just now holds nothing to load.
    if (!ensured.created()) {
      load(reader.get(), loaded);
    }
    log.info("checkpoints go to '{}' on cluster '{}' every {} ms ({} loaded)", topic, flow.target(),
        flow.checkpointInterval().toMillis(), loaded[0]);
  }

  private void load(Consumer<byte[], byte[]> reader, int[] loaded) {
    StateReader.readToEnd(reader, List.of(new TopicPartition(topic, 0)), timeout, "checkpoints topic '" + topic + "'",
        r -> {
          if (r.value() == null) {
            return;
          }
          try {
            Checkpoint c = Checkpoint.fromRecord(r.key(), r.value());
            last.computeIfAbsent(c.group(), g -> new HashMap<>()).put(c.topicPartition(), c);
            loaded[0]++;
          } catch (RuntimeException e) {
            log.warn("skipping unreadable record at offset {} of '{}': {}", r.offset(), topic, e.getMessage());
          }
        });
  }

  /**
   * Lists the admitted groups and their committed offsets on the source, translates those of replicated
   * partitions this instance {@code owns}, and sends the checkpoints that moved. Returns the number sent.
   */
  int checkpoint(Admin sourceAdmin, Admin targetAdmin, Producer<byte[], byte[]> producer,
      Map<String, TopicSync.Mapping> mappings, OffsetIndex index, java.util.function.Predicate<TopicPartition> owns,
      long nowMillis) throws InterruptedException {
    Exception f = failure;
    if (f != null) {
      throw new MirrorException("cannot write checkpoints to '" + topic + "' on cluster '" + flow.target() + "': "
          + Errors.describe(f, "WRITE", "TOPIC", topic), f);
    }
    long now = System.nanoTime();
    if (now >= nextGroupRefresh) {
      List<String> found = new ArrayList<>();
      for (GroupListing g : get(sourceAdmin.listGroups(ListGroupsOptions.forConsumerGroups()).all(),
          "listing consumer groups of source cluster '" + flow.source() + "'")) {
        if (admitted(g.groupId())) {
          found.add(g.groupId());
        }
      }
      if (found.size() != groupIds.size()) {
        log.info("checkpointing {} consumer groups", found.size());
      }
      groupIds = found;
      nextGroupRefresh = now + flow.groupRefreshInterval().toNanos();
    }
    List<String> ids = groupIds;
    groups = ids.size();
    if (ids.isEmpty()) {
      lastCheckpointMillis = nowMillis;
      return 0;
    }
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    for (String id : ids) {
      specs.put(id, new ListConsumerGroupOffsetsSpec());
    }
    Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets = get(sourceAdmin.listConsumerGroupOffsets(specs)
        .all(), "reading committed offsets of consumer groups on source cluster '" + flow.source() + "'");
    int sent = 0;
    Map<String, Map<TopicPartition, OffsetAndMetadata>> forTarget = new HashMap<>();
    for (Map.Entry<String, Map<TopicPartition, OffsetAndMetadata>> g : offsets.entrySet()) {
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : g.getValue().entrySet()) {
        if (e.getValue() == null) {
          continue;
        }
        TopicSync.Mapping mapping = mappings.get(e.getKey().topic());
        if (mapping == null || !owns.test(e.getKey())) {
          continue;
        }
        OptionalLong translated = index.translate(e.getKey(), e.getValue().offset());
        if (translated.isEmpty()) {
          continue;
        }
        String metadata = e.getValue().metadata() == null ? "" : e.getValue().metadata();
        Checkpoint c = new Checkpoint(g.getKey(), mapping.remoteTopic(), e.getKey().partition(),
            e.getValue().offset(), translated.getAsLong(), metadata);
        forTarget.computeIfAbsent(g.getKey(), k -> new HashMap<>()).put(c.topicPartition(), c.offsetAndMetadata());
        Map<TopicPartition, Checkpoint> previous = last.computeIfAbsent(g.getKey(), k -> new HashMap<>());
        Checkpoint before = previous.get(c.topicPartition());
        if (before == null || c.upstreamOffset() < before.upstreamOffset()
            || c.downstreamOffset() > before.downstreamOffset()) {
          previous.put(c.topicPartition(), c);
          producer.send(new ProducerRecord<>(topic, 0, nowMillis, c.recordKey(), c.recordValue()), (md, ex) -> {
            if (ex != null) {
              failure = ex;
            }
          });
          sent++;
        }
      }
    }
    lastCheckpointMillis = nowMillis;
    if (sent > 0) {
      log.debug("sent {} checkpoints for {} groups", sent, forTarget.size());
    }
    if (flow.syncGroupOffsets() && System.nanoTime() >= nextGroupSync) {
      syncGroupOffsets(targetAdmin, forTarget);
      nextGroupSync = System.nanoTime() + flow.syncGroupOffsetsInterval().toNanos();
    }
    return sent;
  }

  /** Commits translated offsets to target groups with no active members, only where they move forward. */
  private void syncGroupOffsets(Admin targetAdmin, Map<String, Map<TopicPartition, OffsetAndMetadata>> translated)
      throws InterruptedException {
    if (translated.isEmpty()) {
      return;
    }
    Map<String, ConsumerGroupDescription> described = new HashMap<>();
    for (Map.Entry<String, KafkaFuture<ConsumerGroupDescription>> e
        : targetAdmin.describeConsumerGroups(translated.keySet()).describedGroups().entrySet()) {
      try {
        described.put(e.getKey(), e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      } catch (ExecutionException | TimeoutException ex) {
        log.debug("cannot describe group '{}' on the target: {}", e.getKey(), ex.toString());
      }
    }
    for (Map.Entry<String, Map<TopicPartition, OffsetAndMetadata>> g : translated.entrySet()) {
      ConsumerGroupDescription d = described.get(g.getKey());
      if (d != null && !d.members().isEmpty()) {
        continue; // active on the target: its consumers own their offsets
      }
      if (d != null && d.groupState() != GroupState.EMPTY && d.groupState() != GroupState.DEAD
          && d.groupState() != GroupState.UNKNOWN) {
        continue;
      }
      Map<TopicPartition, OffsetAndMetadata> current;
      try {
        current = targetAdmin.listConsumerGroupOffsets(g.getKey()).partitionsToOffsetAndMetadata()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.debug("cannot read offsets of group '{}' on the target: {}", g.getKey(), e.toString());
        continue;
      }
      Map<TopicPartition, OffsetAndMetadata> forward = new HashMap<>();
      g.getValue().forEach((tp, oam) -> {
        OffsetAndMetadata now = current.get(tp);
        if (now == null || now.offset() < oam.offset()) {
          forward.put(tp, oam);
        }
      });
      if (forward.isEmpty()) {
        continue;
      }
      try {
        targetAdmin.alterConsumerGroupOffsets(g.getKey(), forward).all()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        log.debug("committed {} translated offsets to group '{}' on the target", forward.size(), g.getKey());
      } catch (ExecutionException e) {
        log.info("did not commit translated offsets to group '{}' on cluster '{}': {}", g.getKey(),
            flow.target(), Errors.describe(e.getCause(), "READ", "GROUP", g.getKey()));
      } catch (TimeoutException e) {
        log.info("committing translated offsets to group '{}' on cluster '{}' timed out", g.getKey(),
            flow.target());
      }
    }
  }

  private boolean admitted(String group) {
    return matchesAny(flow.groups(), group) && !matchesAny(flow.excludeGroups(), group);
  }

  private static boolean matchesAny(List<Pattern> patterns, String value) {
    for (Pattern p : patterns) {
      if (p.matcher(value).matches()) {
        return true;
      }
    }
    return false;
  }

  private <T> T get(KafkaFuture<T> future, String what) throws InterruptedException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new MirrorException(what + ": no answer within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw new MirrorException(what + ": " + Errors.describe(e.getCause(), "DESCRIBE", "GROUP", "*"), e.getCause());
    }
  }
}
