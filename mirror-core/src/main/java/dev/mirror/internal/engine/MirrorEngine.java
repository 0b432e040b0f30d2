package dev.mirror.internal.engine;

import dev.mirror.FlowSpec;
import dev.mirror.FlowStatus;
import dev.mirror.MirrorStatus;
import dev.mirror.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/** Owns the flows of one Mirror and its life cycle. Thread-safe. */
public final class MirrorEngine {
  private static final Duration AWAIT_POLL = Duration.ofMillis(20);

  private final EngineConfig config;
  private final List<FlowRunner> flows = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Duration operationTimeout;
  private final MirrorMetrics metrics;
  private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
  private final Logger log;

  /**
   * Creates the engine; starts nothing.
   *
   * @param config the validated configuration
   * @param operationTimeout the timeout of each admin operation and position read
   */
  public MirrorEngine(EngineConfig config, Duration operationTimeout) {
    this.config = config;
    this.log = new LogContext("[mirror=" + config.name() + "] ").logger(MirrorEngine.class);
    this.operationTimeout = operationTimeout;
    this.metrics = new MirrorMetrics(config.name());
    for (FlowSpec f : config.flows()) {
      flows.add(new FlowRunner(config, f, operationTimeout, metrics));
    }
  }

  /** Returns the Mirror's state. */
  public State state() {
    return state.get();
  }

  /** Starts every flow on its own thread and returns at once. */
  public void start() {
    State current = state.get();
    if (current != State.CREATED || !state.compareAndSet(State.CREATED, State.STARTING)) {
      throw new IllegalStateException("cannot start Mirror '" + config.name() + "' in state " + state.get()
          + "; a Mirror starts once, build a new one");
    }
    log.info("state CREATED -> STARTING: {} flows", flows.size());
    for (FlowRunner f : flows) {
      f.start();
    }
    if (state.compareAndSet(State.STARTING, State.RUNNING)) {
      log.info("state STARTING -> RUNNING");
    }
  }

  /** Waits until every flow is RUNNING; returns false on timeout or when a flow or the Mirror ended. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean all = state.get() == State.RUNNING;
      for (FlowRunner f : flows) {
        State s = f.state();
        if (s.isTerminal()) {
          return false;
        }
        all &= s == State.RUNNING;
      }
      if (all) {
        return true;
      }
      if (state.get().isTerminal() || System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(AWAIT_POLL.toMillis());
    }
  }

  /**
   * Stops every flow: each stops polling, waits for the target to acknowledge what it sent and stores its
   * positions. Idempotent. Returns whether everything stopped within the timeout; {@code Duration.ZERO}
   * signals and returns at once. Called from one of the engine's own threads, it does not wait for that thread.
   */
  public boolean close(Duration timeout) {
    State s = state.get();
    if (s == State.CREATED && state.compareAndSet(State.CREATED, State.STOPPED)) {
      metrics.close();
      log.info("state CREATED -> STOPPED");
      return true;
    }
    if ((s == State.STARTING || s == State.RUNNING || s == State.PAUSED)
        && state.compareAndSet(s, State.STOPPING)) {
      log.info("state {} -> STOPPING", s);
    }
    for (FlowRunner f : flows) {
      f.requestStop();
    }
    if (timeout.isZero()) {
      return false;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean all = true;
    Thread me = Thread.currentThread();
    try {
      for (FlowRunner f : flows) {
        if (f.isOwnThread(me)) {
          all = false;
          continue;
        }
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        all &= f.awaitStop(Duration.ofMillis(left));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      all = false;
    }
    if (all && state.compareAndSet(State.STOPPING, State.STOPPED)) {
      metrics.close();
      log.info("state STOPPING -> STOPPED");
    } else if (!all) {
      log.warn("not every flow stopped within {}", timeout);
    }
    return all;
  }

  /** Returns the specifications of the current flows, in the order they were added. */
  public List<FlowSpec> flows() {
    List<FlowSpec> list = new ArrayList<>();
    for (FlowRunner f : flows) {
      list.add(f.spec());
    }
    return list;
  }

  private FlowRunner flow(String flowId) {
    for (FlowRunner f : flows) {
      if (f.id().equals(flowId)) {
        return f;
      }
    }
    List<String> ids = new ArrayList<>();
    for (FlowRunner f : flows) {
      ids.add(f.id());
    }
    throw new IllegalArgumentException("unknown flow '" + flowId + "'; flows of Mirror '" + config.name() + "': "
        + ids);
  }

  /** Pauses a flow: it stores its positions and stops reading until resumed. Idempotent. */
  public void pause(String flowId) {
    FlowRunner f = flow(flowId);
    if (f.state().isTerminal()) {
      throw new IllegalStateException("cannot pause flow '" + flowId + "' in state " + f.state());
    }
    if (!f.pauseRequested()) {
      log.info("pausing flow '{}'", flowId);
      f.pause();
    }
  }

  /** Resumes a paused flow where it stopped. Idempotent. */
  public void resume(String flowId) {
    FlowRunner f = flow(flowId);
    if (f.state().isTerminal()) {
      throw new IllegalStateException("cannot resume flow '" + flowId + "' in state " + f.state());
    }
    if (f.pauseRequested()) {
      log.info("resuming flow '{}'", flowId);
      f.resume();
    }
  }

  /** Adds a validated flow; it starts at once when the Mirror runs. */
  public synchronized void add(FlowSpec spec) {
    for (FlowRunner f : flows) {
      if (f.id().equals(spec.id())) {
        throw new IllegalArgumentException("flow '" + spec.id() + "' exists already; remove it first");
      }
    }
    State s = state.get();
    if (s.isTerminal() || s == State.STOPPING) {
      throw new IllegalStateException("cannot add flow '" + spec.id() + "' to Mirror '" + config.name()
          + "' in state " + s);
    }
    FlowRunner runner = new FlowRunner(config, spec, operationTimeout, metrics);
    flows.add(runner);
    log.info("added flow '{}'", spec.id());
    if (s == State.RUNNING || s == State.STARTING) {
      runner.start();
    }
  }

  /** Stops a flow (storing its positions) and removes it; returns whether it stopped within the timeout. */
  public synchronized boolean remove(String flowId, Duration timeout) {
    FlowRunner f = flow(flowId);
    f.requestStop();
    boolean stopped;
    try {
      stopped = f.awaitStop(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = false;
    }
    flows.remove(f);
    f.closeMetrics();
    log.info("removed flow '{}'{}", flowId, stopped ? "" : " (still stopping)");
    return stopped;
  }

  /**
   * Takes the source's end offsets of the flow's partitions now and waits until the flow copied everything
   * before them and, when it writes checkpoints, completed a checkpoint round after that.
   */
  public dev.mirror.CatchUp awaitCaughtUp(String flowId, Duration timeout) throws InterruptedException {
    FlowRunner f = flow(flowId);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (f.state() != State.RUNNING && f.state() != State.PAUSED && System.nanoTime() < deadline) {
      Thread.sleep(AWAIT_POLL.toMillis());
    }
    java.time.Instant moment = config.clock().instant();
    Map<TopicPartition, Long> ends = new java.util.HashMap<>();
    java.util.Set<TopicPartition> partitions = f.replicated().keySet();
    if (!partitions.isEmpty()) {
      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new java.util.HashMap<>();
      for (TopicPartition tp : partitions) {
        specs.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest());
      }
      dev.mirror.ClusterSpec source = config.clusters().get(f.spec().source());
      try (org.apache.kafka.clients.admin.Admin admin = config.clients().admin(ClientConfigs.admin(source, f.spec(),
          "mirror-" + config.name() + "-" + flowId + "-catch-up", operationTimeout))) {
        admin.listOffsets(specs, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all()
            .get(operationTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
            .forEach((tp, info) -> ends.put(tp, info.offset()));
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new dev.mirror.MirrorException("flow '" + flowId + "': cannot read the end offsets of source cluster '"
            + f.spec().source() + "': " + Errors.describe(e instanceof java.util.concurrent.ExecutionException
            ? e.getCause() : e, "DESCRIBE", "TOPIC", "*"), e);
      }
    }
    Map<TopicPartition, Long> lag = lag(ends, f.replicated());
    boolean checkpoints = !f.emitsCheckpoints() ? false : lag(ends, f.checkpointed()).values().stream()
        .allMatch(l -> l == 0);
    while (System.nanoTime() < deadline && (!lag.values().stream().allMatch(l -> l == 0)
        || (f.emitsCheckpoints() && !checkpoints))) {
      Thread.sleep(AWAIT_POLL.toMillis());
      lag = lag(ends, f.replicated());
      checkpoints = f.emitsCheckpoints() && lag(ends, f.checkpointed()).values().stream().allMatch(l -> l == 0);
    }
    return new dev.mirror.CatchUp(flowId, moment, lag, lag.values().stream().allMatch(l -> l == 0), checkpoints);
  }

  private static Map<TopicPartition, Long> lag(Map<TopicPartition, Long> ends, Map<TopicPartition, Long> at) {
    Map<TopicPartition, Long> lag = new java.util.HashMap<>();
    ends.forEach((tp, end) -> lag.put(tp, Math.max(0, end - at.getOrDefault(tp, 0L))));
    return lag;
  }

  /** Checks the permissions every flow needs on its clusters. */
  public dev.mirror.PermissionReport checkPermissions(Duration timeout) throws InterruptedException {
    List<dev.mirror.PermissionReport.Check> checks = new ArrayList<>();
    for (FlowRunner f : flows) {
      FlowSpec spec = f.spec();
      String prefix = "mirror-" + config.name() + "-" + spec.id() + "-preflight-";
      try (org.apache.kafka.clients.admin.Admin source = config.clients().admin(ClientConfigs.admin(
               config.clusters().get(spec.source()), spec, prefix + "source", timeout));
           org.apache.kafka.clients.admin.Admin target = config.clients().admin(ClientConfigs.admin(
               config.clusters().get(spec.target()), spec, prefix + "target", timeout))) {
        checks.addAll(new Preflight(spec, config.policyOf(spec), InternalTopics.state(config.name(), spec.source()),
            config.name(), timeout).run(source, target));
      }
    }
    return new dev.mirror.PermissionReport(checks);
  }

  /** Returns Mirror's metrics and those of the flows' current producers. */
  public Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
    Map<org.apache.kafka.common.MetricName, org.apache.kafka.common.Metric> all =
        new java.util.HashMap<>(metrics.metrics());
    for (FlowRunner f : flows) {
      all.putAll(f.producerMetrics());
    }
    return java.util.Collections.unmodifiableMap(all);
  }

  /** Returns a snapshot of the Mirror and its flows. */
  public MirrorStatus status() {
    List<FlowStatus> list = new ArrayList<>();
    for (FlowRunner f : flows) {
      list.add(f.status());
    }
    return new MirrorStatus(config.name(), state.get(), list);
  }
}
