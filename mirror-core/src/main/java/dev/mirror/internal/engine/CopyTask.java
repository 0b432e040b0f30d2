package dev.mirror.internal.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * One copy thread of a flow: its own source reader and writers, driven through a {@link ReplicationWorker} over the
 * partitions of the shards it owns. The flow's control thread talks to it only through {@link #submit}:
 * actions run on the copy thread between polls, so the worker is never shared between threads.
 *
 * <p>The thread polls, sends and stores positions every commit interval until asked to stop; a graceful stop
 * waits for the target's acknowledgements and stores the final positions, an abort just leaves (the flow is
 * failing and restarts from the stored positions). Any error ends the thread and is kept for the control
 * thread, which restarts the whole flow.
 */
final class CopyTask {
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  /**
   * Poll timeout after a poll that returned nothing: records still arrive as soon as the source has them (the
   * fetch waits for them at the broker), but an idle flow with thousands of partitions wakes up less often.
   * Actions submitted meanwhile wait at most this long.
   */
  private static final Duration IDLE_POLL_TIMEOUT = Duration.ofMillis(500);

  private record Command<T>(Function<ReplicationWorker, T> action, CompletableFuture<T> done) {
    void run(ReplicationWorker worker, Runnable publish) {
      try {
        T result = action.apply(worker);
        publish.run(); // what the action changed is visible before its future completes
        done.complete(result);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
        throw e;
      }
    }
  }

  private final String threadName;
  private final ReplicationWorker worker;
  private final ReplicationWorker.SyncSink syncs;
  private final Duration commitInterval;
  private final String replicatingStep;
  private final String storingStep;
  private final Logger log;
  private final Queue<Command<?>> commands = new ConcurrentLinkedQueue<>();
  /** Released by a stop request and by each submitted action: a copy thread without partitions waits on it. */
  private final Semaphore signal = new Semaphore(0);
  private volatile boolean stopRequested;
  private volatile boolean abort;
  private volatile boolean pauseRequested;
  private volatile boolean paused;
  private volatile @Nullable RuntimeException failure;
  private volatile String step = "starting";
  private volatile Map<TopicPartition, Long> positions = Map.of();
  private volatile int partitions;
  private volatile long lag;
  private final java.util.function.LongSupplier clock;
  private @Nullable Thread thread;

  CopyTask(String threadName, ReplicationWorker worker,
      ReplicationWorker.SyncSink syncs, Duration commitInterval, String replicatingStep, String storingStep,
      java.util.function.LongSupplier clock, Logger log) {
    this.clock = clock;
    this.threadName = threadName;
    this.worker = worker;
    this.syncs = syncs;
    this.commitInterval = commitInterval;
    this.replicatingStep = replicatingStep;
    this.storingStep = storingStep;
    this.log = log;
  }

  void start(Map<String, String> mdc) {
    Thread t = new Thread(() -> {
      MDC.setContextMap(mdc);
      try {
        run();
      } finally {
        MDC.clear();
      }
    }, threadName);
    t.setDaemon(false);
    thread = t;
    t.start();
  }

  /** Runs {@code action} on the copy thread between two polls; the future fails when the task ended. */
  <T> CompletableFuture<T> submit(Function<ReplicationWorker, T> action) {
    CompletableFuture<T> done = new CompletableFuture<>();
    commands.add(new Command<>(action, done));
    signal.release();
    if (thread != null && !thread.isAlive()) {
      failPending();
    }
    return done;
  }

  /** Asks the task to stop: {@code drain} waits for the target and stores positions, otherwise it just leaves. */
  void requestStop(boolean drain) {
    abort = !drain;
    stopRequested = true;
    signal.release();
    worker.wakeup();
  }

  void pause(boolean pause) {
    pauseRequested = pause;
  }

  /** Returns whether the task stored its positions and stopped reading, as asked by {@link #pause}. */
  boolean paused() {
    return paused;
  }

  boolean join(Duration timeout) throws InterruptedException {
    Thread t = thread;
    if (t == null) {
      return true;
    }
    t.join(Math.max(1, timeout.toMillis()));
    return !t.isAlive();
  }

  boolean isOwnThread(Thread t) {
    return t == thread;
  }

  /** Returns the error that ended the task, if any. */
  @Nullable RuntimeException failure() {
    return failure;
  }

  /** Returns what the task was doing, for error messages. */
  String step() {
    return step;
  }

  /** Per owned partition, the offset before which the target acknowledged everything; refreshed at each store. */
  Map<TopicPartition, Long> positions() {
    return positions;
  }

  int partitions() {
    return partitions;
  }

  /** Records behind the source over the task's partitions, as of its last position store. */
  long lag() {
    return lag;
  }

  private void run() {
    try {
      worker.connectEarly(() -> stopRequested || !commands.isEmpty());
      long nextCommit = System.nanoTime() + commitInterval.toNanos();
      int lastPolled = -1;
      while (!stopRequested) {
        runCommands();
        if (pauseRequested) {
          if (!paused) {
            step = "pausing: storing positions";
            worker.drain(syncs);
            publish();
            paused = true;
          }
          awaitSignal();
          worker.checkFailures();
          continue;
        }
        paused = false;
        step = replicatingStep;
        try {
          if (partitions == 0) {
            awaitSignal(); // the first partitions come as a submitted action, run as soon as it arrives
          } else {
            long timeoutMillis = (lastPolled == 0 ? IDLE_POLL_TIMEOUT : POLL_TIMEOUT).toMillis();
            if (worker.hasUnstoredPositions()) {
              // Positions wait to be stored: poll no longer than until the next store (a process that dies
              // re-copies what they cover; in exactly-once mode the transaction holds them back from readers).
              timeoutMillis = Math.max(1, Math.min(timeoutMillis, (nextCommit - System.nanoTime()) / 1_000_000));
            }
            lastPolled = worker.pollOnce(Duration.ofMillis(timeoutMillis));
          }
        } catch (WakeupException e) {
          if (!stopRequested) {
            throw e;
          }
        }
        worker.checkFailures();
        long now = System.nanoTime();
        if (now >= nextCommit) {
          step = storingStep;
          if (worker.commitPositions(syncs)) {
            publish();
          }
          nextCommit = now + commitInterval.toNanos();
        }
      }
      if (!abort) {
        step = "stopping: storing final positions";
        runCommands();
        worker.drain(syncs);
        worker.storeProgress(clock.getAsLong());
        worker.drain(syncs);
        publish();
        worker.checkFailures();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!abort) {
        failure = e;
        log.debug("copy thread {} failed while {}", threadName, step, e);
      }
    } finally {
      failPending();
    }
  }

  /** Waits up to the poll timeout for an action or a stop request. */
  private void awaitSignal() throws InterruptedException {
    if (signal.tryAcquire(POLL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      signal.drainPermits();
    }
  }

  private void runCommands() {
    Command<?> c;
    while ((c = commands.poll()) != null) {
      c.run(worker, this::publish);
    }
  }

  private void publish() {
    partitions = worker.partitionCount();
    positions = worker.positions();
    lag = worker.totalLag();
  }

  /** Removes the worker's metrics; call once the thread has ended. */
  void close() {
    worker.close();
  }

  private void failPending() {
    Command<?> c;
    while ((c = commands.poll()) != null) {
      c.done().completeExceptionally(new IllegalStateException("copy thread " + threadName + " has ended"));
    }
  }
}
