package dev.mirror.internal.engine;

import dev.mirror.FlowSpec;
import dev.mirror.FlowStatus;
import dev.mirror.MirrorStatus;
import dev.mirror.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/** Owns the flows of one Mirror and its life cycle. Thread-safe. */
public final class MirrorEngine {
  private static final Duration AWAIT_POLL = Duration.ofMillis(20);

  private final EngineConfig config;
  private final List<FlowRunner> flows = new ArrayList<>();
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
    for (FlowSpec f : config.flows()) {
      flows.add(new FlowRunner(config, f, operationTimeout));
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
      log.info("state STOPPING -> STOPPED");
    } else if (!all) {
      log.warn("not every flow stopped within {}", timeout);
    }
    return all;
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
