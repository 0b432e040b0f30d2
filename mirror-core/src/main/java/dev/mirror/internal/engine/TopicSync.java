package dev.mirror.internal.engine;

import dev.mirror.FlowSpec;
import dev.mirror.MirrorException;
import dev.mirror.client.ReplicationPolicy;
import dev.mirror.client.internal.OffsetIndex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Keeps the target's remote topics in line with the source: lists the source's topics, keeps those the flow
 * replicates, creates missing remote topics with the same partition count and the source's topic
 * configuration, and grows remote topics whose source grew. Returns what can be replicated now.
 */
final class TopicSync {

  /** A source topic and where it goes. {@code partitions} is how many partitions can be copied now. */
  record Mapping(String sourceTopic, String remoteTopic, int partitions, Uuid topicId) {}

  /** Source topics whose remote topic the last round found deleted and created again. */
  private final Set<String> recreatedRemote = new HashSet<>();

  /** Returns the source topics whose remote topic the last round found deleted and created again. */
  Set<String> recreatedRemoteTopics() {
    return Set.copyOf(recreatedRemote);
  }

  /** Remote topic ids seen by earlier rounds, to notice a remote topic deleted and created again. */
  private final Map<String, Uuid> remoteIds = new HashMap<>();

  /** How long a round waits for topics it created to show in the target's metadata. */
  private static final Duration CREATED_TOPIC_WAIT = Duration.ofSeconds(15);

  /** Remote topics the current round failed to create; they are not waited for. */
  private final Set<String> createFailed = new HashSet<>();

  /** Source partitions whose remote partition's end was compared with what the flow had copied into it. */
  private final Set<TopicPartition> endsChecked = new HashSet<>();

  private final FlowSpec flow;
  private final ReplicationPolicy policy;
  private final TopicFilter filter;
  private final Logger log;
  private final Duration timeout;
  private final Set<String> reportedProblems = new HashSet<>();
  private Map<String, Mapping> last = Map.of();

  TopicSync(FlowSpec flow, ReplicationPolicy policy, Logger log, Duration timeout) {
    this.flow = flow;
    this.policy = policy;
    this.filter = new TopicFilter(flow, policy);
    this.log = log;
    this.timeout = timeout;
  }

  /**
   * Runs one round. Problems with single topics (not authorized to create, too few partitions) are logged and
   * returned in {@code problems}; the topic is then left out or limited. Errors reaching a cluster are thrown.
   */
  Map<String, Mapping> sync(Admin source, Admin target, OffsetIndex index,
      List<String> problems) throws InterruptedException {
    return sync(source, target, index, problems, () -> { }, null);
  }

  /**
   * Runs one round as {@link #sync(Admin, Admin, OffsetIndex, List)} does, running {@code createsSent} once the
   * creation of the missing remote topics has been asked for (or once none is missing), before its answer. With
   * {@code leaderWait}, the wait for the leaders of the topics created now is handed to it instead of run here,
   * so that the caller can look up where to start meanwhile.
   */
  Map<String, Mapping> sync(Admin source, Admin target, OffsetIndex index, List<String> problems,
      Runnable createsSent, java.util.function.@Nullable Consumer<LeaderWait> leaderWait)
      throws InterruptedException {
    recreatedRemote.clear();
    // Both clusters are listed at once.
    KafkaFuture<Set<String>> targetList = target.listTopics().names();
    Set<String> sourceTopics = get(source.listTopics().names(), "listing topics of source cluster '"
        + flow.source() + "'");
    List<String> selected = new ArrayList<>();
    for (String t : new TreeSet<>(sourceTopics)) {
      if (filter.test(t)) {
        selected.add(t);
      }
    }
    Set<String> targetTopics = get(targetList, "listing topics of target cluster '"
        + flow.target() + "'");
    // The configs of topics to create are read while the source's topics are described.
    List<String> toCreate = new ArrayList<>();
    for (String t : selected) {
      if (!targetTopics.contains(policy.formatRemoteTopic(flow.source(), t))) {
        toCreate.add(t);
      }
    }
    KafkaFuture<Map<ConfigResource, Config>> configs = flow.syncTopicConfigs() && !toCreate.isEmpty()
        ? source.describeConfigs(toCreate.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
            .toList()).all() : KafkaFuture.completedFuture(Map.of());
    Map<String, TopicDescription> sourceDesc = describe(source, flow.source(), selected);

    Map<String, String> remoteNames = new LinkedHashMap<>();
    for (String t : sourceDesc.keySet()) {
      remoteNames.put(t, policy.formatRemoteTopic(flow.source(), t));
    }
    List<String> missing = new ArrayList<>();
    List<String> existing = new ArrayList<>();
    remoteNames.forEach((s, r) -> (targetTopics.contains(r) ? existing : missing).add(s));
    if (missing.isEmpty()) {
      createsSent.run();
    }

    // Topics created now are known from the creation's answer (id and partitions); only the others are described.
    Map<String, TopicDescription> created = missing.isEmpty() ? Map.of() : create(target, missing, sourceDesc,
        remoteNames, copied(get(configs, "reading topic configs of source cluster '" + flow.source() + "'")),
        problems, createsSent);
    List<String> toDescribe = new ArrayList<>();
    for (String remote : remoteNames.values()) {
      if (!created.containsKey(remote)) {
        toDescribe.add(remote);
      }
    }
    Map<String, TopicDescription> targetDesc = describe(target, flow.target(), toDescribe);
    targetDesc.putAll(created);
    if (!missing.isEmpty()) {
      awaitCreated(target, missing, remoteNames, targetDesc, leaderWait);
    }
    Map<String, Integer> grown = grow(target, sourceDesc, remoteNames, targetDesc, problems);

    Map<String, Mapping> result = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : remoteNames.entrySet()) {
      TopicDescription sd = sourceDesc.get(e.getKey());
      TopicDescription td = targetDesc.get(e.getValue());
      if (sd == null || td == null) {
        continue;
      }
      int targetPartitions = Math.max(td.partitions().size(), grown.getOrDefault(e.getValue(), 0));
      int n = Math.min(sd.partitions().size(), targetPartitions);
      if (targetPartitions < sd.partitions().size()) {
        problem(problems, "target topic '" + e.getValue() + "' on cluster '" + flow.target() + "' has "
            + targetPartitions + " partitions but source topic '" + e.getKey() + "' has "
            + sd.partitions().size() + "; partitions " + n + ".." + (sd.partitions().size() - 1)
            + " wait until the target topic has as many partitions (grant ALTER on the topic to Mirror's"
            + " principal, or add partitions with kafka-topics --alter)");
      }
      result.put(e.getKey(), new Mapping(e.getKey(), e.getValue(), n, sd.topicId()));
      Uuid before = remoteIds.put(e.getValue(), td.topicId());
      if (before != null && !before.equals(td.topicId())) {
        String message = "remote topic '" + e.getValue() + "' on target cluster '" + flow.target() + "' was"
            + " deleted while the flow ran (topic id " + before + " is now " + td.topicId() + "): the records"
            + " copied before are no longer on the target, so source topic '" + e.getKey() + "' is copied again"
            + " from its first offset";
        log.warn("{}", message);
        problems.add(message);
        recreatedRemote.add(e.getKey());
      }
    }
    checkRemoteEnds(target, index, result, problems);
    logChanges(result);
    last = result;
    return result;
  }

  /**
   * Finds remote topics that lost records Mirror had copied while no flow watched them (deleted and created
   * again, or truncated, while the process was down): a remote partition that ends before the target offset
   * its stored position says was reached. Each is checked once, when its position is known; its source topic
   * is then copied again from its first offset, as for a deletion seen while running.
   */
  void checkRemoteEnds(Admin target, OffsetIndex index,
      Map<String, Mapping> mappings, List<String> problems) throws InterruptedException {
    Map<TopicPartition, Long> copiedUpTo = new HashMap<>();
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    for (Mapping m : mappings.values()) {
      for (int p = 0; p < m.partitions(); p++) {
        TopicPartition tp = new TopicPartition(m.sourceTopic(), p);
        long next = endsChecked.contains(tp) ? -1 : index.targetNext(tp);
        if (next > 0) {
          copiedUpTo.put(tp, next);
          specs.put(new TopicPartition(m.remoteTopic(), p),
              OffsetSpec.latest());
        }
      }
    }
    if (specs.isEmpty()) {
      return;
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>
        ends = get(target.listOffsets(specs).all(), "reading the end offsets of remote topics on target cluster '"
        + flow.target() + "'");
    for (Map.Entry<TopicPartition, Long> e : copiedUpTo.entrySet()) {
      endsChecked.add(e.getKey());
      Mapping m = mappings.get(e.getKey().topic());
      var end = ends.get(new TopicPartition(m.remoteTopic(), e.getKey().partition()));
      if (end == null || end.offset() >= e.getValue() || recreatedRemote.contains(m.sourceTopic())) {
        continue;
      }
      String message = "remote topic '" + m.remoteTopic() + "' partition " + e.getKey().partition() + " on target"
          + " cluster '" + flow.target() + "' ends at offset " + end.offset() + " but Mirror had copied records up"
          + " to offset " + e.getValue() + " into it: it was deleted and created again, or truncated, while the"
          + " flow was not running; source topic '" + m.sourceTopic() + "' is copied again from its first offset";
      log.warn("{}", message);
      problems.add(message);
      recreatedRemote.add(m.sourceTopic());
    }
  }

  /**
   * Creates the remote topics of {@code missing}; returns the ones created, described by the creation's answer
   * (topic id and partitions, no leaders yet).
   */
  private Map<String, TopicDescription> create(Admin target, List<String> missing,
      Map<String, TopicDescription> sourceDesc, Map<String, String> remoteNames,
      Map<String, Map<String, String>> configs, List<String> problems, Runnable createsSent)
      throws InterruptedException {
    List<NewTopic> newTopics = new ArrayList<>();
    for (String t : missing) {
      Optional<Short> rf = flow.replicationFactor() < 0 ? Optional.empty()
          : Optional.of((short) flow.replicationFactor());
      newTopics.add(new NewTopic(remoteNames.get(t), Optional.of(sourceDesc.get(t).partitions().size()), rf)
          .configs(configs.getOrDefault(t, Map.of())));
    }
    CreateTopicsResult result = target.createTopics(newTopics);
    createsSent.run();
    Map<String, KafkaFuture<Void>> results = result.values();
    Map<String, TopicDescription> created = new HashMap<>();
    createFailed.clear();
    for (NewTopic nt : newTopics) {
      try {
        results.get(nt.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        log.info("created remote topic '{}' on cluster '{}' with {} partitions{}", nt.name(), flow.target(),
            nt.numPartitions(), nt.configs().isEmpty() ? "" : " and configs " + nt.configs());
        TopicDescription d = fromCreation(result, nt.name());
        if (d != null) {
          created.put(nt.name(), d);
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicExistsException) {
          continue;
        }
        createFailed.add(nt.name());
        problem(problems, "cannot create remote topic '" + nt.name() + "' on cluster '" + flow.target() + "': "
            + Errors.describe(e.getCause(), "CREATE", "TOPIC", nt.name()));
      } catch (TimeoutException e) {
        throw new MirrorException("creating remote topic '" + nt.name() + "' on cluster '" + flow.target()
            + "': no answer within " + timeout.toMillis() + " ms; check that the cluster is up and reachable", e);
      }
    }
    return created;
  }

  /** A just-created topic as the creation's answer gave it, or null when the answer lacks its id or partitions. */
  private static @Nullable TopicDescription fromCreation(CreateTopicsResult result, String topic)
      throws InterruptedException {
    try {
      Uuid id = result.topicId(topic).getNow(null);
      Integer partitions = result.numPartitions(topic).getNow(null);
      if (id == null || Uuid.ZERO_UUID.equals(id) || partitions == null || partitions <= 0) {
        return null;
      }
      List<TopicPartitionInfo> infos = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        infos.add(new TopicPartitionInfo(p, null, List.of(), List.of()));
      }
      return new TopicDescription(topic, false, infos, Set.of(), id);
    } catch (ExecutionException e) {
      return null; // an older broker's answer: the topic is described instead
    }
  }

  /**
   * A topic the target just created can be missing from the next describe while its metadata spreads to the
   * broker that answers. Describes the just-created topics again for a short, bounded while, so they are copied
   * in this round rather than at the next topic refresh (which MirrorMaker 2 configurations put minutes away).
   */
  private void awaitCreated(Admin target, List<String> created, Map<String, String> remoteNames,
      Map<String, TopicDescription> targetDesc, java.util.function.@Nullable Consumer<LeaderWait> leaderWait)
      throws InterruptedException {
    long deadline = System.nanoTime() + Math.min(CREATED_TOPIC_WAIT.toNanos(), timeout.toNanos());
    for (int attempt = 0; attempt < 200 && System.nanoTime() < deadline; attempt++) {
      List<String> unseen = new ArrayList<>();
      for (String t : created) {
        String remote = remoteNames.get(t);
        if (!targetDesc.containsKey(remote) && !createFailed.contains(remote)) {
          unseen.add(remote);
        }
      }
      if (unseen.isEmpty()) {
        break;
      }
      Backoff.pause(attempt + 1);
      targetDesc.putAll(describe(target, flow.target(), unseen));
    }
    if (leaderWait == null) {
      awaitLeaders(target, created, remoteNames, targetDesc, deadline);
    } else {
      Map<String, TopicDescription> described = Map.copyOf(targetDesc);
      leaderWait.accept(() -> awaitLeaders(target, created, remoteNames, described, deadline));
    }
  }

  /** The wait for the leaders of just-created remote topics, handed to the caller of a sync. */
  interface LeaderWait {
    /** Waits, up to the sync's deadline, until every partition's leader serves requests. */
    void run() throws InterruptedException;
  }

  /**
   * Waits, until {@code deadline}, for the leader of every partition of the just-created topics to serve
   * requests: asking each for its end offset succeeds only at its leader. A producer whose first write to a
   * partition is refused because its leader is not ready may get a later batch written before the refused
   * one; waiting here keeps the first writes from being refused (the copy path also checks the order).
   */
  private void awaitLeaders(Admin target, List<String> created, Map<String, String> remoteNames,
      Map<String, TopicDescription> targetDesc, long deadline) throws InterruptedException {
    Map<TopicPartition, OffsetSpec> pending = new HashMap<>();
    for (String t : created) {
      TopicDescription d = targetDesc.get(remoteNames.get(t));
      if (d != null) {
        for (TopicPartitionInfo p : d.partitions()) {
          pending.put(new TopicPartition(d.name(), p.partition()),
              OffsetSpec.latest());
        }
      }
    }
    for (int attempt = 0; attempt < 200 && !pending.isEmpty() && System.nanoTime() < deadline; attempt++) {
      Backoff.pause(attempt);
      ListOffsetsResult results = target.listOffsets(pending);
      for (TopicPartition tp : List.copyOf(pending.keySet())) {
        try {
          results.partitionResult(tp).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          pending.remove(tp);
        } catch (ExecutionException | TimeoutException ex) {
          // not served yet: asked again
        }
      }
    }
    if (!pending.isEmpty()) {
      log.info("{} partitions of new remote topics have no serving leader yet; the producer retries them",
          pending.size());
    }
  }

  /** Of the source topics' configurations, what a remote topic should copy. */
  private Map<String, Map<String, String>> copied(Map<ConfigResource, Config> described) {
    Map<String, Map<String, String>> result = new HashMap<>();
    described.forEach((resource, config) -> {
      Map<String, String> copy = new LinkedHashMap<>();
      for (ConfigEntry e : config.entries()) {
        if (shouldCopy(e)) {
          copy.put(e.name(), e.value());
        }
      }
      result.put(resource.name(), copy);
    });
    return result;
  }

  /** As MirrorMaker 2: not a default, not static broker config, not read-only, not secret, not excluded. */
  boolean shouldCopy(ConfigEntry e) {
    if (e.value() == null || e.isReadOnly() || e.isSensitive()) {
      return false;
    }
    if (e.source() == ConfigEntry.ConfigSource.DEFAULT_CONFIG
        || e.source() == ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG) {
      return false;
    }
    return !flow.configPropertiesExclude().contains(e.name());
  }

  /** Grows remote topics whose source has more partitions; returns the new counts of those that grew. */
  private Map<String, Integer> grow(Admin target, Map<String, TopicDescription> sourceDesc,
      Map<String, String> remoteNames, Map<String, TopicDescription> targetDesc, List<String> problems)
      throws InterruptedException {
    Map<String, Integer> grown = new HashMap<>();
    Map<String, NewPartitions> increases = new HashMap<>();
    for (Map.Entry<String, String> e : remoteNames.entrySet()) {
      TopicDescription sd = sourceDesc.get(e.getKey());
      TopicDescription td = targetDesc.get(e.getValue());
      if (sd != null && td != null && td.partitions().size() < sd.partitions().size()) {
        increases.put(e.getValue(), NewPartitions.increaseTo(sd.partitions().size()));
      }
    }
    if (increases.isEmpty()) {
      return grown;
    }
    Map<String, KafkaFuture<Void>> results = target.createPartitions(increases).values();
    for (Map.Entry<String, NewPartitions> e : increases.entrySet()) {
      try {
        results.get(e.getKey()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        log.info("grew remote topic '{}' on cluster '{}' to {} partitions", e.getKey(), flow.target(),
            e.getValue().totalCount());
        grown.put(e.getKey(), e.getValue().totalCount());
      } catch (ExecutionException ex) {
        if (ex.getCause() instanceof InvalidPartitionsException) {
          continue;
        }
        problem(problems, "cannot add partitions to remote topic '" + e.getKey() + "' on cluster '"
            + flow.target() + "': " + Errors.describe(ex.getCause(), "ALTER", "TOPIC", e.getKey()));
      } catch (TimeoutException ex) {
        throw new MirrorException("adding partitions to remote topic '" + e.getKey() + "' on cluster '"
            + flow.target() + "': no answer within " + timeout.toMillis() + " ms; check that the cluster is up", ex);
      }
    }
    return grown;
  }

  private Map<String, TopicDescription> describe(Admin admin, String cluster, List<String> topics)
      throws InterruptedException {
    if (topics.isEmpty()) {
      return new HashMap<>();
    }
    Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(topics).topicNameValues();
    Map<String, TopicDescription> result = new HashMap<>();
    for (String t : topics) {
      try {
        result.put(t, futures.get(t).get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new MirrorException("describing topic '" + t + "' of cluster '" + cluster + "': "
              + Errors.describe(e.getCause(), "DESCRIBE", "TOPIC", t), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new MirrorException("describing topic '" + t + "' of cluster '" + cluster + "': no answer within "
            + timeout.toMillis() + " ms; check that the cluster is up and reachable", e);
      }
    }
    return result;
  }

  /** Waits for an admin call, turning its failure into an error that says what was being done. */
  private <T> T get(KafkaFuture<T> future, String what) throws InterruptedException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new MirrorException(what + ": no answer within " + timeout.toMillis() + " ms; check that the"
          + " cluster is up and reachable at its bootstrap.servers", e);
    } catch (ExecutionException e) {
      throw new MirrorException(what + ": " + Errors.describe(e.getCause(), "DESCRIBE", "CLUSTER", ""), e.getCause());
    }
  }

  private void problem(List<String> problems, String message) {
    problems.add(message);
    if (reportedProblems.add(message)) {
      log.warn("{}", message);
    }
  }

  private void logChanges(Map<String, Mapping> now) {
    if (now.equals(last)) {
      return;
    }
    int partitions = now.values().stream().mapToInt(Mapping::partitions).sum();
    List<String> added = new ArrayList<>();
    for (Mapping m : now.values()) {
      Mapping before = last.get(m.sourceTopic());
      if (before == null) {
        added.add(m.sourceTopic() + "->" + m.remoteTopic() + "[" + m.partitions() + "]");
      } else if (before.partitions() != m.partitions()) {
        added.add(m.sourceTopic() + " now " + m.partitions() + " partitions");
      }
    }
    List<String> removed = new ArrayList<>();
    for (String t : last.keySet()) {
      if (!now.containsKey(t)) {
        removed.add(t);
      }
    }
    log.info("replicating {} topics, {} partitions{}{}", now.size(), partitions,
        added.isEmpty() ? "" : "; new: " + added, removed.isEmpty() ? "" : "; gone: " + removed);
  }
}
