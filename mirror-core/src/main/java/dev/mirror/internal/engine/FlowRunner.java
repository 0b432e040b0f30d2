package dev.mirror.internal.engine;

import dev.mirror.ClusterSpec;
import dev.mirror.FlowSpec;
import dev.mirror.FlowStatus;
import dev.mirror.MirrorException;
import dev.mirror.PermissionReport;
import dev.mirror.State;
import dev.mirror.client.ReplicationPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.LogContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * Runs one flow on its own thread: creates the clients, restores positions, syncs topics and drives the
 * {@link ReplicationWorker}. Any error closes the clients and starts over from the stored positions after a
 * backoff that doubles up to the configured maximum; other flows are not affected.
 */
final class FlowRunner {
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final Duration CLIENT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** Exactly-once mode commits at most every 100 ms: each commit costs round trips and a marker per partition. */
  private static final Duration MIN_TRANSACTION = Duration.ofMillis(100);
  /** How long after RUNNING the work that can wait waits for the first acknowledged record, at most. */
  private static final Duration START_GRACE = Duration.ofSeconds(1);

  private final EngineConfig config;
  private final FlowSpec flow;
  private final ClusterSpec source;
  private final ClusterSpec target;
  private final ReplicationPolicy policy;
  private final Duration timeout;
  private final Logger log;
  private final String threadName;
  /**
   * Tells this instance's transactional ids apart from other instances' when they share the flow. Made when
   * first needed: a random UUID sets up the JVM's secure random source, which a start does not otherwise need.
   */
  private @Nullable String instanceId;
  private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final FlowStats stats = new FlowStats();
  private final AtomicInteger restarts = new AtomicInteger();
  /** Why batch copy is off for the rest of this flow's life, once a cluster refused it. */
  private volatile @Nullable String batchCopyOff;
  private boolean batchCopyOffLogged;
  private volatile boolean stopRequested;
  private volatile @Nullable Consumer<byte[], byte[]> activeConsumer;
  private volatile @Nullable String lastError;
  private volatile @Nullable Instant lastErrorTime;
  private volatile @Nullable Thread thread;
  private volatile String step = "starting";
  private StartClock startClock = new StartClock();
  private volatile @Nullable CompletableFuture<?> firstTopicSync;
  private volatile @Nullable CompletableFuture<StartClients> startClients;
  private volatile @Nullable CompletableFuture<List<PermissionReport.Check>> preflight;
  private volatile boolean pauseRequested;
  private boolean preflightDone;
  private @Nullable String missingPermissions;
  /** Per source partition, the offset before which every record is on the target; refreshed at each store. */
  private volatile Map<TopicPartition, Long> replicated = Map.of();
  /** The positions at the last completed checkpoint round: its checkpoints cover every record before them. */
  private volatile Map<TopicPartition, Long> checkpointed = Map.of();

  private final FlowMetrics metrics;
  private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
  private volatile List<CopyTask> currentTasks = List.of();
  /** Kept across restarts of the flow's clients, so remote topics deleted meanwhile are noticed. */
  private final TopicSync topicSync;
  // The current life's topic mappings and owned shards; written on the control thread.
  private volatile Map<String, TopicSync.Mapping> mappings = Map.of();
  private volatile Set<Integer> owned = Set.of();

  private volatile List<Producer<byte[], byte[]>> currentProducers = List.of();

  FlowRunner(EngineConfig config, FlowSpec flow, Duration timeout, MirrorMetrics mirrorMetrics) {
    this.config = config;
    this.flow = flow;
    this.source = config.clusters().get(flow.source());
    this.target = config.clusters().get(flow.target());
    this.policy = config.policyOf(flow);
    this.timeout = timeout;
    this.log = new LogContext("[mirror=" + config.name() + " flow=" + flow.id() + "] ").logger(FlowRunner.class);
    this.threadName = "mirror-" + config.name() + "-" + flow.id();
    this.metrics = new FlowMetrics(mirrorMetrics, flow.source(), flow.target());
    this.topicSync = new TopicSync(flow, policy, log, timeout);
    metrics.gauge(MirrorMetrics.Def.FLOW_BATCH_COUNT, stats.batchesCopied::sum);
    metrics.gauge(MirrorMetrics.Def.FLOW_RECORD_LAG, () -> currentTasks.stream().mapToLong(CopyTask::lag).sum());
    metrics.gauge(MirrorMetrics.Def.TOPIC_COUNT, () -> stats.topics);
    metrics.gauge(MirrorMetrics.Def.PARTITION_COUNT, () -> stats.partitions);
    metrics.gauge(MirrorMetrics.Def.GROUP_COUNT, () -> stats.groups);
    metrics.gauge(MirrorMetrics.Def.CHECKPOINT_AGE, () -> stats.lastCheckpointMillis < 0 ? -1
        : config.clock().millis() - stats.lastCheckpointMillis);
    metrics.gauge(MirrorMetrics.Def.RESTART_COUNT, restarts::get);
    metrics.gauge(MirrorMetrics.Def.FAILURE_COUNT, failures::get);
    metrics.gauge(MirrorMetrics.Def.STATE, () -> state.get().ordinal());
  }

  /** Removes the flow's metrics. */
  void closeMetrics() {
    metrics.close();
  }

  /** Returns the metrics of the flow's current copy producers, or none between attempts. */
  Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> producerMetrics() {
    List<Producer<byte[], byte[]>> producers = currentProducers;
    if (producers.size() == 1) {
      return producers.get(0).metrics();
    }
    Map<org.apache.kafka.common.MetricName, org.apache.kafka.common.Metric> all = new java.util.HashMap<>();
    producers.forEach(p -> all.putAll(p.metrics()));
    return all;
  }

  String id() {
    return flow.id();
  }

  State state() {
    return state.get();
  }

  boolean isOwnThread(Thread t) {
    return t == thread || currentTasks.stream().anyMatch(c -> c.isOwnThread(t));
  }

  void start() {
    transition(State.CREATED, State.STARTING);
    Thread t = new Thread(this::run, threadName);
    t.setDaemon(false);
    t.setUncaughtExceptionHandler((th, e) -> {
      log.error("flow thread {} died unexpectedly; the flow is FAILED", th.getName(), e);
      recordError("unexpected error: " + e);
      state.set(State.FAILED);
    });
    thread = t;
    t.start();
  }

  /** Asks the flow to stop: it stops polling, waits for the target's acknowledgements and stores positions. */
  void requestStop() {
    stopRequested = true;
    stopSignal.countDown();
    Consumer<byte[], byte[]> c = activeConsumer;
    if (c != null) {
      c.wakeup();
    }
    for (CopyTask t : currentTasks) {
      t.requestStop(true);
    }
    if (state.get() == State.CREATED) {
      state.set(State.STOPPED);
    }
  }

  /** Waits for the flow's thread to end; returns whether it did within the timeout. */
  boolean awaitStop(Duration timeout) throws InterruptedException {
    Thread t = thread;
    if (t == null) {
      return true;
    }
    t.join(Math.max(1, timeout.toMillis()));
    return !t.isAlive();
  }

  FlowSpec spec() {
    return flow;
  }

  /** Asks the flow to stop reading the source after storing its positions; it keeps its clients. */
  void pause() {
    pauseRequested = true;
  }

  /** Asks a paused flow to continue where it stopped. */
  void resume() {
    pauseRequested = false;
  }

  boolean pauseRequested() {
    return pauseRequested;
  }

  /** Returns, per replicated source partition, the offset before which every record is on the target. */
  Map<TopicPartition, Long> replicated() {
    return replicated;
  }

  /** Returns the positions at the last completed checkpoint round. */
  Map<TopicPartition, Long> checkpointed() {
    return checkpointed;
  }

  boolean emitsCheckpoints() {
    return flow.emitCheckpoints();
  }

  FlowStatus status() {
    long lastPoll = stats.lastPollMillis;
    long lastCheckpoint = stats.lastCheckpointMillis;
    return new FlowStatus(flow.id(), state.get(), lastError, lastErrorTime,
        lastPoll < 0 ? null : Instant.ofEpochMilli(lastPoll), stats.recordsReplicated.sum(), stats.topics,
        stats.partitions, stats.groups, lastCheckpoint < 0 ? null : Instant.ofEpochMilli(lastCheckpoint),
        restarts.get());
  }

  private void run() {
    MDC.put("mirror.name", config.name());
    MDC.put("mirror.flow", flow.id());
    log.info("starting: {}", flow);
    int attempt = 0;
    try {
      while (!stopRequested) {
        try {
          runOnce();
          break;
        } catch (WakeupException | InterruptException e) {
          if (stopRequested) {
            break;
          }
          handleError(e);
        } catch (RuntimeException | InterruptedException | ExecutionException | TimeoutException e) {
          if (stopRequested) {
            log.debug("error while stopping", e);
            break;
          }
          BatchCopyUnsupportedException refused = batchCopyRefused(e);
          if (refused != null && batchCopyOff == null) {
            batchCopyOff = refused.getMessage();
            log.warn("batch copy turned off: {}; the flow copies records from its stored positions", batchCopyOff);
            batchCopyOffLogged = true;
          }
          SourceResetException reset = sourceReset(e);
          if (reset != null) {
            recordError(reset.getMessage());
            log.error("{}", reset.getMessage());
            state.set(State.FAILED);
            break;
          }
          handleError(e);
        }
        if (stopRequested) {
          break;
        }
        if (state.get() == State.RUNNING || state.get() == State.PAUSED) {
          attempt = 0; // the flow had recovered; start the backoff over
        }
        Duration wait = backoff(attempt++);
        log.warn("retrying in {} ms (attempt {})", wait.toMillis(), attempt);
        restarts.incrementAndGet();
        if (state.get() == State.RUNNING || state.get() == State.PAUSED) {
          state.set(State.STARTING);
        }
        try {
          if (stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            break;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    } finally {
      State before = state.get();
      if (!before.isTerminal()) {
        state.set(State.STOPPING);
        state.set(State.STOPPED);
      }
      log.info("stopped ({} records replicated)", stats.recordsReplicated.sum());
      MDC.remove("mirror.name");
      MDC.remove("mirror.flow");
    }
  }

  /**
   * Returns whether this start copies batches; says once why not when the flow asked for them.
   *
   * @param provenance whether records get a provenance header (identity policy)
   * @param first whether this is the first copy thread of the start (the one that logs)
   */
  private boolean copyBatches(boolean provenance, boolean first) {
    if (!flow.copyBatches()) {
      return false;
    }
    String off = batchCopyOffReason(provenance);
    if (off != null) {
      if (first && !batchCopyOffLogged) {
        batchCopyOffLogged = true;
        log.info("copying records instead of whole batches: {}", off);
      }
      return false;
    }
    if (first) {
      log.info("copying whole record batches");
    }
    return true;
  }

  /** Why the flow's copy threads copy records rather than batches, or null when they copy batches. */
  private @Nullable String batchCopyOffReason(boolean provenance) {
    if (!flow.copyBatches()) {
      return "copy.batches.enabled is false";
    }
    String off = batchCopyOff;
    if (off == null) {
      off = BatchConnection.unsupportedClients();
    }
    if (off == null) {
      off = ClientConfigs.batchCopyConflict(source, target, flow);
    }
    if (off == null && flow.exactlyOnce()) {
      off = "exactly-once mode writes records in transactions";
    } else if (off == null && provenance) {
      off = "the identity replication policy marks each record with a provenance header";
    }
    return off;
  }

  private BatchFetcher newBatchFetcher(String prefix, String suffix) {
    org.apache.kafka.common.config.AbstractConfig readerConfig = batchConfig(
        org.apache.kafka.clients.consumer.ConsumerConfig.configDef(),
        ClientConfigs.batchReader(source, flow, prefix + "batch-reader" + suffix));
    return new BatchFetcher(readerConfig, new BatchConnection(readerConfig, prefix + "batch-reader" + suffix,
        "source cluster '" + source.alias() + "'"), timeout);
  }

  private BatchSink newBatchSink(String prefix, String suffix) {
    org.apache.kafka.common.config.AbstractConfig writerConfig = batchConfig(
        org.apache.kafka.clients.producer.ProducerConfig.configDef(),
        ClientConfigs.targetProducer(target, flow, prefix + "batch-writer" + suffix));
    return new BatchSink(writerConfig, new BatchConnection(writerConfig, prefix + "batch-writer" + suffix,
        "target cluster '" + target.alias() + "'"), timeout, threadName + "-batch-writer" + suffix, log);
  }

  /** A client config read without logging it, for batch copy's connections. */
  private static org.apache.kafka.common.config.AbstractConfig batchConfig(
      org.apache.kafka.common.config.ConfigDef def, Map<String, Object> properties) {
    return new org.apache.kafka.common.config.AbstractConfig(def, properties, false);
  }

  /** Returns the batch copy refusal in {@code e}'s causes, if any. */
  private static @Nullable BatchCopyUnsupportedException batchCopyRefused(Throwable e) {
    Throwable t = e;
    for (int i = 0; i < 10 && t != null; i++, t = t.getCause()) {
      if (t instanceof BatchCopyUnsupportedException refused) {
        return refused;
      }
    }
    return null;
  }

  /** Returns the source reset that stops the flow, when {@code e} is or wraps one. */
  private static @Nullable SourceResetException sourceReset(Throwable e) {
    Throwable t = e;
    for (int i = 0; i < 10 && t != null; i++, t = t.getCause()) {
      if (t instanceof SourceResetException) {
        return (SourceResetException) t;
      }
    }
    return null;
  }

  private void handleError(Exception e) {
    Throwable cause = Errors.unwrap(e);
    String detail;
    if (cause instanceof MirrorException) {
      detail = cause.getMessage();
    } else if (cause instanceof TimeoutException) {
      detail = "no answer within " + timeout.toMillis() + " ms; check that the cluster is up and reachable at"
          + " its bootstrap.servers";
    } else if (cause instanceof org.apache.kafka.common.errors.TopicAuthorizationException
        && step.startsWith("replicating from source cluster")) {
      detail = "not authorized to read " + ((org.apache.kafka.common.errors.TopicAuthorizationException) cause)
          .unauthorizedTopics().stream().map(t -> "missing READ on TOPIC '" + t + "'")
          .collect(java.util.stream.Collectors.joining(", ")) + " of source cluster '" + source.alias() + "'";
    } else if (cause instanceof org.apache.kafka.common.KafkaException && cause.getCause() != null
        && !(cause instanceof org.apache.kafka.common.errors.ApiException)) {
      // Client construction failures: the root cause names the keystore, JAAS entry or file at fault.
      StringBuilder chain = new StringBuilder(String.valueOf(cause.getMessage()));
      Throwable next = cause.getCause();
      for (int i = 0; i < 5 && next != null; i++, next = next.getCause()) {
        chain.append("; caused by ").append(next.getClass().getSimpleName()).append(": ").append(next.getMessage());
      }
      detail = chain.toString();
    } else {
      detail = Errors.describe(cause, "the needed operation", "the resource", step);
    }
    String message = "failed while " + step + ": " + detail;
    if (missingPermissions != null && Errors.needsPerson(cause)) {
      message += "; the permission check found: " + missingPermissions;
    }
    recordError(message);
    log.warn("{}", message);
    log.debug("cause of the failure", cause);
  }

  /** Reports a problem that does not stop the flow (a topic whose config or ACLs cannot be synced). */
  private void reportProblem(String message) {
    recordError(message);
    log.warn("{}", message);
  }

  private void recordError(String message) {
    failures.incrementAndGet();
    lastError = message;
    lastErrorTime = config.clock().instant();
  }

  private Duration backoff(int attempt) {
    long base = config.retryBackoff().toMillis();
    long max = config.retryBackoffMax().toMillis();
    long wait = base << Math.min(attempt, 20);
    return Duration.ofMillis(Math.min(max, Math.max(base, wait)));
  }

  /** One life of the flow's clients. Returns normally only when asked to stop. */
  private void runOnce() throws InterruptedException, ExecutionException, TimeoutException {
    String prefix = "mirror-" + config.name() + "-" + flow.id() + "-";
    KafkaClients clients = config.clients();
    step = "connecting to source cluster '" + source.alias() + "'";
    startClock = new StartClock();
    try (Closer closer = new Closer(CLIENT_CLOSE_TIMEOUT, log)) {
      Admin sourceAdmin = closer.admin(clients.admin(ClientConfigs.admin(source, flow, prefix + "source-admin",
          timeout)));
      step = "connecting to target cluster '" + target.alias() + "'";
      Admin targetAdmin = closer.admin(clients.admin(ClientConfigs.admin(target, flow, prefix + "target-admin",
          timeout)));
      startClock.lap("admin clients");
      try {
        runClients(closer, prefix, clients, sourceAdmin, targetAdmin);
      } finally {
        // A start that failed reports what the permission check found (before its own error, as the check is
        // what names every missing permission); a stopping flow does not wait for it.
        try {
          if (!preflightDone && preflight == null && !stopRequested) {
            startPreflight(sourceAdmin, targetAdmin);
          }
          reportPreflight(!stopRequested);
        } catch (Exception e) {
          log.debug("permission check did not complete", e);
        }
      }
    } finally {
      activeConsumer = null;
      currentTasks = List.of();
      currentProducers = List.of();
      // A start that failed early may leave work of its own threads behind: the clients made for it are closed,
      // and its first topic sync (which ends once the admin clients are closed) must end before the next attempt
      // syncs again.
      CompletableFuture<StartClients> unused = startClients;
      startClients = null;
      if (unused != null) {
        try {
          unused.get(CLIENT_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).close(CLIENT_CLOSE_TIMEOUT);
        } catch (ExecutionException | TimeoutException e) {
          log.debug("clients of the failed start", e);
        }
      }
      CompletableFuture<?> sync = firstTopicSync;
      firstTopicSync = null;
      if (sync != null) {
        try {
          sync.get(CLIENT_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          log.debug("first topic sync of the failed start", e);
        }
      }
    }
  }

  /**
   * Starts the permission check on a thread of its own. It reports rather than gates (a missing permission
   * shows up as the error of the step that needs it), so the start goes on while it asks the clusters.
   */
  private void startPreflight(Admin sourceAdmin, Admin targetAdmin) {
    Preflight check = new Preflight(flow, policy, InternalTopics.state(config.name(), flow.source()), config.name(),
        timeout);
    preflight = onOwnThread("permission-check", () -> check.run(sourceAdmin, targetAdmin));
  }

  /** Work of the start that waits on the clusters, run beside the rest of the start. */
  private interface StartWork<T> {
    T run() throws Exception;
  }

  private <T> CompletableFuture<T> onOwnThread(String name, StartWork<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    Thread t = new Thread(() -> {
      if (mdc != null) {
        MDC.setContextMap(mdc);
      }
      try {
        f.complete(work.run());
      } catch (Exception e) {
        f.completeExceptionally(e);
      }
    }, threadName + "-" + name);
    t.setDaemon(true);
    t.start();
    return f;
  }

  /**
   * Waits for work started with {@link #onOwnThread} (its own calls are bounded by the flow's timeout), giving up
   * when the flow is asked to stop; rethrows what the work threw.
   */
  private <T> @Nullable T await(CompletableFuture<T> f) throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + 10 * timeout.toNanos();
    while (!stopRequested) {
      try {
        return f.get(100, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw unwrapped(e);
      } catch (TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new MirrorException("the start did not complete within " + 10 * timeout.toMillis() + " ms", e);
        }
      }
    }
    return null;
  }

  /** What work on a thread of its own threw: a runtime exception as itself, anything else still wrapped. */
  private static ExecutionException unwrapped(ExecutionException e) {
    if (e.getCause() instanceof RuntimeException) {
      throw (RuntimeException) e.getCause();
    }
    return e;
  }

  /**
   * Reports the permission check once it has ended, waiting for it (up to the timeout) when {@code wait}. A check
   * that failed (a cluster that cannot be reached) fails the start, which is retried and checks again.
   */
  private void reportPreflight(boolean wait) throws InterruptedException, ExecutionException, TimeoutException {
    CompletableFuture<List<PermissionReport.Check>> f = preflight;
    if (f == null || (!wait && !f.isDone())) {
      return;
    }
    preflight = null;
    List<PermissionReport.Check> checks;
    try {
      checks = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unwrapped(e);
    }
    // Checked once per Mirror start.
    preflightDone = true;
    PermissionReport report = new PermissionReport(checks);
    if (!report.allRequiredGranted()) {
      missingPermissions = report.missing().toString();
      recordError("missing permissions: " + missingPermissions);
      log.warn("permission check before replicating: {}", report);
    } else if (!report.missingOptional().isEmpty()) {
      log.info("permission check before replicating: {}", report);
    }
  }

  /** The rest of one life of the flow's clients, once the admin clients exist. */
  private void runClients(Closer closer, String prefix, KafkaClients clients, Admin sourceAdmin, Admin targetAdmin)
      throws InterruptedException, ExecutionException, TimeoutException {
    StateStore store = new StateStore(InternalTopics.state(config.name(), flow.source()), log);
    int internalRf = config.internalTopicReplicationFactor();
    Checkpointer checkpointer = flow.emitCheckpoints() ? new Checkpointer(flow, policy, timeout, log) : null;
    Heartbeats heartbeats = null;
    Producer<byte[], byte[]>[] sourceProducer = newProducerHolder();
    java.util.function.Supplier<Producer<byte[], byte[]>> sourceProducerSupplier = () -> {
      if (sourceProducer[0] == null) {
        sourceProducer[0] = closer.producer(clients.producer(
            ClientConfigs.sourceProducer(source, prefix + "source-producer")));
      }
      return sourceProducer[0];
    };
    if (flow.emitHeartbeats()) {
      heartbeats = new Heartbeats(flow, policy, timeout, log, sourceProducerSupplier);
    }
    // Every internal topic is asked for at once: a first start waits for one creation, not one per topic.
    Topics topics = new Topics(timeout);
    topics.issue(targetAdmin, store.newTopic(internalRf));
    if (checkpointer != null) {
      topics.issue(targetAdmin, checkpointer.newTopic(internalRf));
    }
    if (heartbeats != null) {
      topics.issue(targetAdmin, heartbeats.newTopic(internalRf));
      topics.issue(sourceAdmin, heartbeats.newTopic(internalRf));
    }
    if (flow.emitOffsetSyncs()) {
      boolean onTarget = OffsetSyncs.onTarget(flow);
      topics.issue(onTarget ? targetAdmin : sourceAdmin, OffsetSyncs.newTopic(flow, policy, internalRf));
    }
    // The first topic sync (creating remote topics and waiting for their leaders) runs beside the rest of the
    // start; what needs the stored positions (remote topics that lost records) is checked once they are read.
    // Its answer comes once the remote topics exist; the same thread then waits for the leaders of those it created,
    // while the copy threads look up where to start.
    CompletableFuture<Void> remoteCreatesSent = new CompletableFuture<>();
    CompletableFuture<FirstSync> firstSync = new CompletableFuture<>();
    CompletableFuture<Void> leadersServe = onOwnThread("topic-sync", () -> {
      List<String> problems = new ArrayList<>();
      TopicSync.LeaderWait[] leaderWait = new TopicSync.LeaderWait[1];
      try {
        firstSync.complete(new FirstSync(topicSync.sync(sourceAdmin, targetAdmin,
            new dev.mirror.client.internal.OffsetIndex(), problems, () -> remoteCreatesSent.complete(null),
            w -> leaderWait[0] = w), problems));
      } catch (Exception | Error e) {
        firstSync.completeExceptionally(e);
        throw e;
      } finally {
        remoteCreatesSent.complete(null);
      }
      if (leaderWait[0] != null) {
        leaderWait[0].run();
      }
      return null;
    });
    firstTopicSync = leadersServe;
    // Creating clients is mostly loading classes: it runs beside the creation of the state topic.
    int plannedTasks = Math.min(flow.tasks(), InternalTopics.STATE_PARTITIONS);
    CompletableFuture<StartClients> made = onOwnThread("clients", () -> makeClients(clients, prefix, plannedTasks));
    startClients = made;
    step = "creating state topic '" + store.topic() + "' on target cluster '" + target.alias() + "'";
    // A broker makes the partitions of new topics one after another, in the order asked (about 10 ms each
    // here), and the first records wait for the remote topics' partitions, not for the internal topics': the
    // target is asked for its internal topics once the remote topics are asked for (or, at most, after a
    // second). The source's go out at once, so that the first topic sync finds its heartbeats topic.
    topics.send(sourceAdmin);
    try {
      remoteCreatesSent.get(START_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.debug("asking for the internal topics before the remote topics", e);
    }
    store.ensureTopic(topics, targetAdmin, target.alias(), internalRf, timeout);
    startClock.lap("state topic");

    step = "reading state topic '" + store.topic() + "' on target cluster '" + target.alias() + "'";
    // Created when first needed: a first start has nothing to read.
    Consumer<byte[], byte[]>[] readerHolder = newConsumerHolder();
    java.util.function.Supplier<Consumer<byte[], byte[]>> reader = () -> {
      if (readerHolder[0] == null) {
        readerHolder[0] = closer.consumer(
            clients.consumer(ClientConfigs.targetConsumer(target, flow, prefix + "state-reader")));
        if (activeConsumer == null) {
          activeConsumer = readerHolder[0]; // woken up by a stop while the start reads
        }
      }
      return readerHolder[0];
    };
    if (stopRequested) {
      return;
    }
    // Instances sharing the flow restore each shard when the group assigns it to them.
    StateStore.Restored restored = flow.scaleOut() || store.createdNow()
        ? new StateStore.Restored(Map.of(), new dev.mirror.client.internal.OffsetIndex()) : store.load(reader.get());
    startClock.lap("positions restored");

    StartClients ready = await(made);
    if (ready == null) {
      return; // asked to stop
    }
    startClients = null;
    Producer<byte[], byte[]> control = closer.producer(java.util.Objects.requireNonNull(ready.control()));
    for (Consumer<byte[], byte[]> c : ready.consumers()) {
      closer.consumer(c);
    }
    for (Producer<byte[], byte[]> p : ready.producers()) {
      closer.producer(p);
    }
    for (int i = 0; i < ready.fetchers().size(); i++) {
      closer.other(ready.fetchers().get(i));
      closer.other(ready.sinks().get(i));
    }
    startClock.lap("clients");

    if (checkpointer != null) {
      step = "loading checkpoints on target cluster '" + target.alias() + "'";
      checkpointer.start(topics, targetAdmin, reader, internalRf);
    }
    if (heartbeats != null) {
      step = "creating heartbeats topics on source cluster '" + source.alias() + "' and target cluster '"
          + target.alias() + "'";
      heartbeats.start(topics, sourceAdmin, targetAdmin, internalRf);
    }
    OffsetSyncs offsetSyncs = null;
    if (flow.emitOffsetSyncs()) {
      step = "creating offset-syncs topic";
      offsetSyncs = OffsetSyncs.start(topics, flow, policy, sourceAdmin, targetAdmin, control,
          sourceProducerSupplier, internalRf, log);
    }
    ReplicationWorker.SyncSink syncs = offsetSyncs == null ? ReplicationWorker.SyncSink.NONE : offsetSyncs;
    startClock.lap("checkpoints, heartbeats and offset syncs");

    List<CopyTask> tasks = new ArrayList<>();
    List<Producer<byte[], byte[]>> producers = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<org.apache.kafka.clients.consumer.ConsumerGroupMetadata> generation =
        new java.util.concurrent.atomic.AtomicReference<>();
    int taskCount = Math.min(flow.tasks(), store.shards());
    String replicatingStep = "replicating from source cluster '" + source.alias() + "' to target cluster '"
        + target.alias() + "'";
    String storingStep = "storing positions in '" + store.topic() + "' on target cluster '" + target.alias() + "'";
    for (int i = 0; i < taskCount; i++) {
      String suffix = taskCount == 1 ? "" : "-" + i;
      Producer<byte[], byte[]> producer = ready.producers().get(i);
      if (flow.exactlyOnce()) {
        step = "initializing transactions of '" + transactionalId(i) + "' on target cluster '" + target.alias()
            + "'";
        producer.initTransactions();
      }
      producers.add(producer);
      Provenance provenance = policy instanceof dev.mirror.client.IdentityReplicationPolicy
          ? new Provenance(flow.source(), flow.target()) : null;
      BatchFetcher fetcher = null;
      BatchSink sink = null;
      if (copyBatches(provenance != null, i == 0)) {
        step = "connecting batch copy to source cluster '" + source.alias() + "' and target cluster '"
            + target.alias() + "'";
        try {
          // Made with the other clients while the state topic was created, unless that failed.
          if (i < ready.fetchers().size()) {
            fetcher = ready.fetchers().get(i);
            sink = ready.sinks().get(i);
          } else {
            fetcher = closer.other(newBatchFetcher(prefix, suffix));
            sink = closer.other(newBatchSink(prefix, suffix));
          }
        } catch (LinkageError e) {
          batchCopyOff = "this kafka-clients version lacks the classes batch copy uses (" + e + ")";
          log.warn("batch copy turned off: {}; the flow copies records", batchCopyOff);
          fetcher = null;
          sink = null;
        }
      }
      // Batch copy has no consumer; the record path takes the one made with the other clients, or makes it now.
      Consumer<byte[], byte[]> consumer = fetcher != null ? null : i < ready.consumers().size()
          ? ready.consumers().get(i)
          : closer.consumer(clients.consumer(ClientConfigs.sourceConsumer(source, flow, prefix + "consumer" + suffix)));
      ReplicationWorker worker = new ReplicationWorker(consumer, producer, store, restored,
          flow, timeout, stats, config.clock(), log, provenance, metrics, this::recordError,
          flow.exactlyOnce() && flow.scaleOut() ? generation::get : null, fetcher, sink);
      Duration commitInterval = flow.exactlyOnce() && flow.commitInterval().compareTo(MIN_TRANSACTION) < 0
          ? MIN_TRANSACTION : flow.commitInterval();
      tasks.add(new CopyTask(threadName + "-copy" + suffix, worker, syncs, commitInterval,
          replicatingStep, storingStep, () -> config.clock().millis(), log));
    }
    startClock.lap("copy threads");
    if (taskCount > 1) {
      log.info("{} copy threads share the flow's partitions, each owning whole shards of {}", taskCount,
          store.shards());
    }
    if (stopRequested) {
      return;
    }
    activeConsumer = null;
    currentTasks = List.copyOf(tasks);
    currentProducers = List.copyOf(producers);
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    for (CopyTask t : tasks) {
      t.start(mdc == null ? Map.of() : mdc);
    }
    ShardMembership membership = null;
    mappings = Map.of();
    owned = java.util.stream.IntStream.range(0, store.shards()).boxed()
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    try {
      if (flow.scaleOut()) {
        owned = Set.of();
        String groupId = InternalTopics.membershipGroup(config.name(), flow.id());
        Consumer<byte[], byte[]> mc = closer.consumer(clients.consumer(
            ClientConfigs.membershipConsumer(target, flow, prefix + "membership", groupId)));
        membership = new ShardMembership(mc, store.topic(), groupId, generation,
            new Handover(tasks, store, reader, restored.index(), syncs), log);
        activeConsumer = mc;
        step = "joining group '" + groupId + "' of the instances sharing the flow on target cluster '"
            + target.alias() + "'";
        membership.join(timeout);
      }
      control(tasks, store, sourceAdmin, targetAdmin, control, firstSync, leadersServe, checkpointer, heartbeats,
          offsetSyncs, syncs, restored.index(), membership);
    } finally {
      if (membership != null) {
        membership.closing();
      }
      for (CopyTask t : tasks) {
        t.requestStop(false); // no-op for tasks that already stopped
      }
      for (CopyTask t : tasks) {
        if (!t.join(CLIENT_CLOSE_TIMEOUT)) {
          log.warn("copy thread of the flow did not end within {} ms; closing its clients anyway",
              CLIENT_CLOSE_TIMEOUT.toMillis());
        }
        t.close();
      }
    }
  }

  /** The control loop: topic sync, pause, metadata sync, heartbeats and checkpoints, while the tasks copy. */
  private void control(List<CopyTask> tasks, StateStore store, Admin sourceAdmin, Admin targetAdmin,
      Producer<byte[], byte[]> control, CompletableFuture<FirstSync> firstSync, CompletableFuture<?> leadersServe,
      @Nullable Checkpointer checkpointer, @Nullable Heartbeats heartbeats, @Nullable OffsetSyncs offsetSyncs,
      ReplicationWorker.SyncSink syncs,
      dev.mirror.client.internal.OffsetIndex index, @Nullable ShardMembership membership)
      throws InterruptedException, ExecutionException, TimeoutException {
    long nextRefresh = 0;
    long nextCheckpoint = 0;
    long nextHeartbeat = 0;
    long nextConfigSync = System.nanoTime() + flow.topicConfigSyncInterval().toNanos();
    long nextAclSync = 0;
    MetadataSync metadataSync = new MetadataSync(flow, topicSync, timeout, log);
    boolean announced = false;
    long settledBy = Long.MAX_VALUE;
    while (!stopRequested) {
      reportPreflight(false);
      long now = System.nanoTime();
      // Work that can wait (the permission check, ACL sync, heartbeats, checkpoints) leaves the first records
      // the machine to themselves: it starts once the target acknowledged one, or START_GRACE after RUNNING.
      boolean settled = now >= settledBy || stats.recordsReplicated.sum() > 0;
      if (settled && !preflightDone && preflight == null) {
        startPreflight(sourceAdmin, targetAdmin);
      }
      if (now >= nextRefresh && (!announced || flow.refreshTopics())) {
        step = "syncing topics from source cluster '" + source.alias() + "' to target cluster '"
            + target.alias() + "'";
        List<String> problems = new ArrayList<>();
        if (!announced) {
          FirstSync first = await(firstSync);
          if (first == null) {
            break; // asked to stop
          }
          problems.addAll(first.problems());
          mappings = first.mappings();
          topicSync.checkRemoteEnds(targetAdmin, index, mappings, problems);
          startClock.lap("topic sync");
        } else {
          mappings = topicSync.sync(sourceAdmin, targetAdmin, index, problems);
        }
        stats.topics = mappings.size();
        List<CompletableFuture<Integer>> assigned = reassign(tasks, store, w -> { },
            announced ? CompletableFuture.completedFuture(null) : leadersServe);
        for (String recreated : topicSync.recreatedRemoteTopics()) {
          for (CopyTask t : tasks) {
            t.submit(w -> {
              w.recopy(recreated);
              return null;
            });
          }
        }
        if (!announced) {
          // The partitions, at least, must be known and their start positions stored before RUNNING.
          step = "starting partitions at their stored positions";
          awaitAll(tasks, assigned);
          startClock.lap("start positions");
        }
        if (!problems.isEmpty()) {
          recordError(problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        }
        nextRefresh = now + flow.topicRefreshInterval().toNanos();
      }
      stats.partitions = tasks.stream().mapToInt(CopyTask::partitions).sum();
      if (!announced) {
        announced = true;
        settledBy = System.nanoTime() + START_GRACE.toNanos();
        replicated = positions(tasks);
        if (state.compareAndSet(State.STARTING, State.RUNNING)) {
          log.info("state STARTING -> RUNNING ({} topics, {} partitions) after {}", stats.topics, stats.partitions,
              startClock.summary());
        }
      }
      checkTasks(tasks);
      if (pauseRequested) {
        boolean all = true;
        for (CopyTask t : tasks) {
          t.pause(true);
          all &= t.paused();
        }
        if (all && state.compareAndSet(State.RUNNING, State.PAUSED)) {
          replicated = positions(tasks);
          log.info("state RUNNING -> PAUSED: positions stored, nothing is read from the source until resumed");
        }
        idle(membership);
        continue;
      }
      for (CopyTask t : tasks) {
        t.pause(false);
      }
      if (state.compareAndSet(State.PAUSED, State.RUNNING)) {
        log.info("state PAUSED -> RUNNING: resuming where the flow paused");
      }
      replicated = positions(tasks);
      if (stats.partitions == 0) {
        stats.lastPollMillis = config.clock().millis();
      }
      if (offsetSyncs != null) {
        offsetSyncs.checkFailures();
      }
      // Instances sharing the flow leave heartbeats and config/ACL sync to the owner of shard 0.
      boolean leader = owned.contains(0);
      if (flow.syncTopicConfigs() && leader && now >= nextConfigSync) {
        step = "syncing topic configs to target cluster '" + target.alias() + "'";
        List<String> problems = new ArrayList<>();
        metadataSync.syncConfigs(sourceAdmin, targetAdmin, mappings.values(), problems);
        problems.forEach(this::reportProblem);
        nextConfigSync = now + flow.topicConfigSyncInterval().toNanos();
      }
      if (flow.syncTopicAcls() && leader && settled && now >= nextAclSync) {
        step = "syncing topic ACLs to target cluster '" + target.alias() + "'";
        List<String> problems = new ArrayList<>();
        metadataSync.syncAcls(sourceAdmin, targetAdmin, mappings.values(), problems);
        problems.forEach(this::reportProblem);
        nextAclSync = now + flow.topicAclSyncInterval().toNanos();
      }
      if (heartbeats != null && leader && settled && now >= nextHeartbeat) {
        step = "writing heartbeats";
        heartbeats.beat(control, config.clock().millis());
        nextHeartbeat = now + flow.heartbeatInterval().toNanos();
      }
      if (checkpointer != null && settled && now >= nextCheckpoint) {
        step = "checkpointing consumer groups of source cluster '" + source.alias() + "'";
        checkpointRound(tasks, store, syncs, checkpointer, sourceAdmin, targetAdmin, control, index);
        nextCheckpoint = now + flow.checkpointInterval().toNanos();
      }
      idle(membership);
    }
    step = "stopping: storing final positions";
    state.set(State.STOPPING);
    log.info("state -> STOPPING: waiting for the target to acknowledge in-flight records");
    for (CopyTask t : tasks) {
      t.requestStop(true);
    }
    for (CopyTask t : tasks) {
      if (!t.join(timeout)) {
        log.warn("a copy thread did not store its final positions within {} ms", timeout.toMillis());
      }
    }
    replicated = positions(tasks);
    if (checkpointer != null) {
      checkpointer.checkpoint(sourceAdmin, targetAdmin, control, mappings, index, ownedPartitions(store),
          config.clock().millis());
      control.flush();
    }
    checkTasks(tasks);
  }

  /**
   * Stores every task's positions and progress, then checkpoints the groups: the checkpoints cover every
   * record before the positions stored in this round.
   */
  private void checkpointRound(List<CopyTask> tasks, StateStore store, ReplicationWorker.SyncSink syncs,
      Checkpointer checkpointer, Admin sourceAdmin, Admin targetAdmin, Producer<byte[], byte[]> control,
      dev.mirror.client.internal.OffsetIndex index)
      throws InterruptedException {
    long nowMillis = config.clock().millis();
    List<CompletableFuture<Map<TopicPartition, Long>>> rounds = new ArrayList<>();
    for (CopyTask t : tasks) {
      rounds.add(t.submit(w -> {
        w.commitPositions(syncs);
        w.storeProgress(nowMillis);
        return w.indexedPositions();
      }));
    }
    Map<TopicPartition, Long> atCheckpoint = new java.util.HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (CompletableFuture<Map<TopicPartition, Long>> r : rounds) {
      try {
        atCheckpoint.putAll(r.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (ExecutionException | TimeoutException e) {
        // A failed task is reported by checkTasks; a busy one gets the next round.
        log.debug("checkpoint round skipped: a copy thread did not answer", e);
        return;
      }
    }
    checkpointer.checkpoint(sourceAdmin, targetAdmin, control, mappings, index, ownedPartitions(store),
        config.clock().millis());
    stats.groups = checkpointer.groups();
    stats.lastCheckpointMillis = checkpointer.lastCheckpointMillis();
    checkpointed = Map.copyOf(atCheckpoint);
  }

  /** Waits a poll interval; instances sharing the flow keep their group membership alive meanwhile. */
  private void idle(@Nullable ShardMembership membership) throws InterruptedException {
    if (membership == null) {
      stopSignal.await(POLL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    try {
      membership.poll(POLL_TIMEOUT);
    } catch (WakeupException e) {
      if (!stopRequested) {
        throw e;
      }
    }
  }

  /** Returns which source partitions this instance owns now. */
  private java.util.function.Predicate<TopicPartition> ownedPartitions(StateStore store) {
    Set<Integer> shards = owned;
    return tp -> shards.contains(store.shard(tp));
  }

  /**
   * Runs {@code before} and then a new assignment on every task: task {@code i} of {@code n} copies the
   * partitions of the owned shards whose number modulo {@code n} is {@code i}.
   */
  private List<CompletableFuture<Integer>> reassign(List<CopyTask> tasks, StateStore store,
      java.util.function.Consumer<ReplicationWorker> before) {
    return reassign(tasks, store, before, CompletableFuture.completedFuture(null));
  }

  /**
   * As {@link #reassign(List, StateStore, java.util.function.Consumer)}, and then each task waits, before it
   * copies, for {@code leadersServe} (up to the flow's timeout; a wait that fails leaves the first writes to
   * retry).
   */
  private List<CompletableFuture<Integer>> reassign(List<CopyTask> tasks, StateStore store,
      java.util.function.Consumer<ReplicationWorker> before, CompletableFuture<?> leadersServe) {
    Map<String, TopicSync.Mapping> current = mappings;
    Set<Integer> shards = owned;
    int count = tasks.size();
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int task = i;
      futures.add(tasks.get(i).submit(w -> {
        before.accept(w);
        w.assign(current, tp -> {
          int shard = store.shard(tp);
          return shards.contains(shard) && shard % count == task;
        });
        try {
          leadersServe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new org.apache.kafka.common.errors.InterruptException(e);
        } catch (ExecutionException | TimeoutException e) {
          log.debug("copying without knowing that the new remote partitions' leaders serve", e);
        }
        return w.partitionCount();
      }));
    }
    return futures;
  }

  /**
   * The transactional id of copy thread {@code i}: stable, so a restarted process fences its predecessor and
   * aborts what it left open; instances sharing the flow are fenced by the group generation instead.
   */
  private String transactionalId(int i) {
    if (!flow.scaleOut()) {
      return InternalTopics.transactionalIdPrefix(config.name(), flow.id()) + i;
    }
    return InternalTopics.transactionalIdPrefix(config.name(), flow.id()) + instanceId() + "-" + i;
  }

  private synchronized String instanceId() {
    String id = instanceId;
    if (id == null) {
      id = java.util.UUID.randomUUID().toString();
      instanceId = id;
    }
    return id;
  }

  /**
   * The clients a start creates beside its other work: the control producer, each copy thread's producer, and
   * its batch copy connections or else its consumer.
   */
  private record StartClients(@Nullable Producer<byte[], byte[]> control, List<Consumer<byte[], byte[]>> consumers,
      List<Producer<byte[], byte[]>> producers, List<BatchFetcher> fetchers, List<BatchSink> sinks) {
    void close(Duration bound) {
      for (int i = sinks.size() - 1; i >= 0; i--) {
        sinks.get(i).close();
        fetchers.get(i).close();
      }
      for (int i = producers.size() - 1; i >= 0; i--) {
        producers.get(i).close(bound);
      }
      for (int i = consumers.size() - 1; i >= 0; i--) {
        consumers.get(i).close(org.apache.kafka.clients.consumer.CloseOptions.timeout(bound));
      }
      if (control != null) {
        control.close(bound);
      }
    }
  }

  private StartClients makeClients(KafkaClients clients, String prefix, int count) {
    // Batch copy's connections first, so that the writers ask for their producer ids and connect to the target's
    // brokers while the state topic is created. A failure here is met again, and reported, where they are used.
    List<BatchFetcher> fetchers = new ArrayList<>();
    List<BatchSink> sinks = new ArrayList<>();
    if (batchCopyOffReason(policy instanceof dev.mirror.client.IdentityReplicationPolicy) == null) {
      try {
        for (int i = 0; i < count; i++) {
          String suffix = count == 1 ? "" : "-" + i;
          fetchers.add(newBatchFetcher(prefix, suffix));
          sinks.add(newBatchSink(prefix, suffix));
        }
      } catch (RuntimeException | LinkageError e) {
        log.debug("batch copy connections not made ahead", e);
        for (BatchFetcher f : fetchers) {
          f.close();
        }
        for (BatchSink k : sinks) {
          k.close();
        }
        fetchers.clear();
        sinks.clear();
      }
    }
    Producer<byte[], byte[]> control = null;
    List<Consumer<byte[], byte[]>> consumers = new ArrayList<>();
    List<Producer<byte[], byte[]>> producers = new ArrayList<>();
    try {
      control = clients.producer(ClientConfigs.controlProducer(target, flow, prefix + "control-producer"));
      for (int i = 0; i < count; i++) {
        String suffix = count == 1 ? "" : "-" + i;
        // Batch copy reads with its fetcher: a consumer would only load classes and open a connection.
        if (fetchers.isEmpty()) {
          consumers.add(clients.consumer(ClientConfigs.sourceConsumer(source, flow, prefix + "consumer" + suffix)));
        }
        producers.add(clients.producer(flow.exactlyOnce()
            ? ClientConfigs.transactionalProducer(target, flow, prefix + "producer" + suffix, transactionalId(i))
            : ClientConfigs.targetProducer(target, flow, prefix + "producer" + suffix)));
      }
    } catch (RuntimeException e) {
      new StartClients(control, consumers, producers, fetchers, sinks).close(CLIENT_CLOSE_TIMEOUT);
      throw e;
    }
    return new StartClients(control, consumers, producers, fetchers, sinks);
  }

  /** What the first topic sync of a start found. */
  private record FirstSync(Map<String, TopicSync.Mapping> mappings, List<String> problems) {}

  /** Moves shards in and out of this instance as the group of instances sharing the flow decides. */
  private final class Handover implements ShardMembership.Listener {
    private final List<CopyTask> tasks;
    private final StateStore store;
    private final java.util.function.Supplier<Consumer<byte[], byte[]>> reader;
    private final dev.mirror.client.internal.OffsetIndex index;
    private final ReplicationWorker.SyncSink syncs;

    Handover(List<CopyTask> tasks, StateStore store, java.util.function.Supplier<Consumer<byte[], byte[]>> reader,
        dev.mirror.client.internal.OffsetIndex index, ReplicationWorker.SyncSink syncs) {
      this.tasks = tasks;
      this.store = store;
      this.reader = reader;
      this.index = index;
      this.syncs = syncs;
    }

    @Override
    public void revoked(Set<Integer> shards, boolean lost) {
      Set<Integer> left = new java.util.HashSet<>(owned);
      left.removeAll(shards);
      owned = Set.copyOf(left);
      java.util.function.Predicate<TopicPartition> gone = tp -> shards.contains(store.shard(tp));
      List<CompletableFuture<Integer>> done = reassign(tasks, store, w -> {
        if (lost) {
          w.forget(gone); // another instance may own them already: store nothing more for them
        } else {
          w.drain(syncs); // positions stored before the next owner reads them
        }
      });
      try {
        awaitAll(tasks, done);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new org.apache.kafka.common.errors.InterruptException(e);
      } catch (TimeoutException e) {
        throw new MirrorException("copy threads did not store the positions of shards " + shards
            + " within " + 2 * timeout.toMillis() + " ms", e);
      }
      log.info("{} shards {}; this instance now owns {}", lost ? "lost" : "handed over", shards,
          new java.util.TreeSet<>(owned));
    }

    @Override
    public void assigned(Set<Integer> shards) {
      step = "restoring the positions of shards " + shards + " from '" + store.topic() + "'";
      Map<TopicPartition, Long> positions = store.load(reader.get(), shards, index);
      Set<Integer> now = new java.util.HashSet<>(owned);
      now.addAll(shards);
      owned = Set.copyOf(now);
      reassign(tasks, store, w -> w.restore(positions));
      log.info("took over shards {} ({} positions restored); this instance now owns {}", shards,
          positions.size(), new java.util.TreeSet<>(owned));
    }
  }

  /** Waits for every task to finish an action; a task that failed fails the flow with its own error. */
  private void awaitAll(List<CopyTask> tasks, List<? extends java.util.concurrent.Future<?>> futures)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + 2 * timeout.toNanos();
    for (java.util.concurrent.Future<?> f : futures) {
      try {
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        checkTasks(tasks);
        throw new MirrorException(String.valueOf(e.getCause().getMessage()), e.getCause());
      }
    }
  }

  /** Throws the error of a task that failed, with the step it failed in. */
  private void checkTasks(List<CopyTask> tasks) {
    for (CopyTask t : tasks) {
      RuntimeException f = t.failure();
      if (f != null) {
        step = t.step();
        throw f;
      }
    }
  }

  private static Map<TopicPartition, Long> positions(List<CopyTask> tasks) {
    if (tasks.size() == 1) {
      return tasks.get(0).positions();
    }
    Map<TopicPartition, Long> all = new java.util.HashMap<>();
    for (CopyTask t : tasks) {
      all.putAll(t.positions());
    }
    return Map.copyOf(all);
  }

  @SuppressWarnings("unchecked")
  private static Producer<byte[], byte[]>[] newProducerHolder() {
    return (Producer<byte[], byte[]>[]) new Producer<?, ?>[1];
  }

  @SuppressWarnings("unchecked")
  private static Consumer<byte[], byte[]>[] newConsumerHolder() {
    return (Consumer<byte[], byte[]>[]) new Consumer<?, ?>[1];
  }

  private void transition(State expected, State next) {
    if (!state.compareAndSet(expected, next)) {
      throw new IllegalStateException("flow '" + flow.id() + "' cannot go from " + expected + " to " + next
          + ": it is " + state.get());
    }
  }
}
