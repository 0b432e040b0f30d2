package dev.mirror.internal.engine;

import dev.mirror.client.internal.OffsetIndex;
import dev.mirror.client.internal.StateCodec;

import dev.mirror.MirrorException;
import dev.mirror.FlowSpec;
import dev.mirror.SourceResetPolicy;
import dev.mirror.StartPosition;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The data path of one flow: reads source partitions (manual assignment, read_committed) and writes each
 * record to the same partition of the remote topic with the same key, value, headers and timestamp.
 *
 * <p>Positions and the offset mapping advance only in producer callbacks, which Kafka runs in send order per
 * partition. When the callback of a batch's last record succeeds and no earlier record of the partition
 * failed, every record before it is acknowledged by all in-sync replicas. A record that starts a new
 * segment (the first record of a session, or one after a gap in source offsets) carries a callback that
 * captures its target offset. Other records share one callback per partition: no allocation per record
 * beyond the producer's own.
 */
final class ReplicationWorker {

  /** Receives (source offset, target offset) pairs of copied records, for MirrorMaker 2 offset syncs. */
  interface SyncSink {
    SyncSink NONE = (tp, upstream, downstream) -> {};

    void accept(TopicPartition source, long upstream, long downstream);
  }

  private static final long SYNC_INTERVAL_NANOS = 1_000_000_000L;
  /**
   * How often a caught-up worker, whose polls return nothing, still refreshes positions and lag: between those
   * refreshes nothing it replicates can move, and skipping the per-partition sweep keeps an idle flow with
   * thousands of partitions nearly free.
   */
  private static final long IDLE_SWEEP_NANOS = 5_000_000_000L;
  /** How old a partition's stored progress may get while its figures stay the same. */
  static final long PROGRESS_REFRESH_MILLIS = 60_000;

  /**
   * Offset segments kept per partition. Exactly-once mode starts one per commit (its marker takes a target
   * offset); older ones are dropped, keeping translation safe (see {@link OffsetIndex#trim}).
   */
  static final int MAX_SEGMENTS = 1000;

  /** State of one source partition. Also the callback of records that start nothing and end nothing. */
  static final class PartitionState implements Callback {
    final TopicPartition source;
    final String remoteTopic;
    final TopicPartition remote;
    // Written by the flow thread only.
    long lastSentSource = Long.MIN_VALUE;
    /** The position the last sent batch's callback will set; equal to ackedNext when nothing is in flight. */
    long expectedAckNext;
    long storedSentNext;
    // Written by producer callbacks, in send order.
    volatile long ackedNext;
    volatile long targetNext = -1;
    volatile long lastCopiedSource = -1;
    volatile long lastCopiedTarget = -1;
    volatile long storedNext;
    volatile @Nullable Exception failure;
    long segmentSource = -1;
    long segmentTarget = -1;
    boolean warnedTargetGap;
    /** Whether the open transaction holds records of this partition (exactly-once mode). */
    boolean sentInTransaction;
    long lastSyncNanos = System.nanoTime() - SYNC_INTERVAL_NANOS;
    final Queue<long[]> newSegments = new ConcurrentLinkedQueue<>();
    /** The progress last stored (flow thread only). */
    StateCodec.@Nullable Progress storedProgress;
    /** Records behind the source's end as last computed on the flow thread; read by the lag gauge. */
    volatile long lag;
    @Nullable MirrorMetrics.PartitionSensors sensors;

    PartitionState(TopicPartition source, String remoteTopic, long position) {
      this.source = source;
      this.remoteTopic = remoteTopic;
      this.remote = new TopicPartition(remoteTopic, source.partition());
      this.ackedNext = position;
      this.expectedAckNext = position;
      this.storedNext = position;
      this.storedSentNext = position;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, @Nullable Exception exception) {
      if (exception != null && failure == null) {
        failure = exception;
      }
    }

    /** Moves the partition to {@code position} after the source lost or re-created it (flow thread only). */
    void reset(long position) {
      lastSentSource = Long.MIN_VALUE;
      ackedNext = position;
      expectedAckNext = position;
      storedSentNext = position - 1; // stored at the next position store, even when lower than before
      storedNext = position - 1;
      segmentSource = -1;
      segmentTarget = -1;
    }

    void startSegment(long sourceOffset, long targetOffset) {
      segmentSource = sourceOffset;
      segmentTarget = targetOffset;
      newSegments.add(new long[] {sourceOffset, targetOffset});
    }

    /**
     * Keeps the first failed write's error; returns whether an acknowledgement may move the partition (no write
     * of it failed).
     */
    boolean accepts(@Nullable Exception exception) {
      if (exception != null) {
        if (failure == null) {
          failure = exception;
        }
        return false;
      }
      return failure == null;
    }

    /**
     * Notes that source offset {@code sourceOffset} landed at {@code target}: a segment starts there when
     * {@code segmentStart}, else it must continue the open one (or starts one, with a warning, when not).
     */
    void landed(boolean segmentStart, long sourceOffset, long target, Logger log) {
      if (segmentStart) {
        startSegment(sourceOffset, target);
      } else {
        continueSegment(sourceOffset, target, log);
      }
    }

    /** Checks that {@code sourceOffset} landed where the open segment says, else starts one there. */
    void continueSegment(long sourceOffset, long target, Logger log) {
      if (segmentSource >= 0 && target != segmentTarget + (sourceOffset - segmentSource)) {
        // Something else wrote to the remote partition: start a segment here; offsets inside the run just
        // ended translate conservatively (a consumer may re-read, never skip).
        if (!warnedTargetGap) {
          warnedTargetGap = true;
          log.warn("remote partition {}-{} has records Mirror did not write (expected offset {} for source {}"
              + " offset {}, got {}); offset translation stays safe but may re-read", remoteTopic,
              source.partition(), segmentTarget + (sourceOffset - segmentSource), source, sourceOffset, target);
        }
        startSegment(sourceOffset, target);
      }
    }

    /**
     * Moves the position to {@code next} once the target acknowledged everything up to source offset
     * {@code lastSource} (at target offset {@code lastTarget}), unless an earlier write of the partition is still
     * unacknowledged: a write may advance the position only right after the one that set {@code previousNext}.
     */
    void acknowledge(long previousNext, long lastSource, long lastTarget, long next, int count, long bytes,
        long timestamp, FlowStats stats, Clock clock) {
      if (ackedNext != previousNext) {
        // The target acknowledged this batch before an earlier one of the partition (a producer whose first
        // write to a new partition was refused can do that). Moving the position now could pass records that
        // never arrive: fail, and the flow copies again from the stored position.
        failure = new KafkaException("the target acknowledged records of " + source
            + " out of order (source offset " + lastSource + " before the records from " + ackedNext + ")");
        return;
      }
      lastCopiedSource = lastSource;
      lastCopiedTarget = lastTarget;
      targetNext = lastTarget + 1;
      ackedNext = next;
      stats.recordsReplicated.add(count);
      MirrorMetrics.PartitionSensors s = sensors;
      if (s != null) {
        long now = clock.millis();
        s.copied(count, bytes, timestamp >= 0 ? now - timestamp : -1, now);
      }
    }
  }

  /** Callback of a record that starts a segment or ends a batch. */
  static final class Ack implements Callback {
    private final PartitionState state;
    private final long sourceOffset;
    private final boolean segmentStart;
    private final long nextIfLast;
    /** The position the previous batch's Ack sets: a batch may advance the position only right after it. */
    private final long previousNext;
    private final int count;
    private final long bytes;
    private final long timestamp;
    private final FlowStats stats;
    private final Clock clock;
    private final Logger log;

    Ack(PartitionState state, long sourceOffset, boolean segmentStart, long nextIfLast, long previousNext, int count,
        long bytes, long timestamp, FlowStats stats, Clock clock, Logger log) {
      this.previousNext = previousNext;
      this.state = state;
      this.sourceOffset = sourceOffset;
      this.segmentStart = segmentStart;
      this.nextIfLast = nextIfLast;
      this.count = count;
      this.bytes = bytes;
      this.timestamp = timestamp;
      this.stats = stats;
      this.clock = clock;
      this.log = log;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, @Nullable Exception exception) {
      PartitionState s = state;
      if (!s.accepts(exception)) {
        return;
      }
      long target = metadata.offset();
      s.landed(segmentStart, sourceOffset, target, log);
      if (nextIfLast >= 0) {
        s.acknowledge(previousNext, sourceOffset, target, nextIfLast, count, bytes, timestamp, stats, clock);
      }
    }
  }

  /** Callback of a batch written by batch copy. */
  static final class BatchAck implements BatchSink.Callback {
    private final PartitionState state;
    private final BatchFetcher.Batch batch;
    private final boolean segmentStart;
    private final long previousNext;
    private final FlowStats stats;
    private final Clock clock;
    private final Logger log;

    BatchAck(PartitionState state, BatchFetcher.Batch batch, boolean segmentStart, long previousNext, FlowStats stats,
        Clock clock, Logger log) {
      this.state = state;
      this.batch = batch;
      this.segmentStart = segmentStart;
      this.previousNext = previousNext;
      this.stats = stats;
      this.clock = clock;
      this.log = log;
    }

    @Override
    public void done(long baseOffset, @Nullable Exception exception) {
      PartitionState s = state;
      if (!s.accepts(exception)) {
        return;
      }
      s.landed(segmentStart, batch.firstOffset(), baseOffset, log);
      long[] runs = batch.runs();
      if (runs != null) {
        // Offsets compaction removed: the target numbers the records densely, a new run after each gap.
        for (int i = 0; i < runs.length; i += 2) {
          s.startSegment(runs[i], baseOffset + runs[i + 1]);
        }
      }
      s.acknowledge(previousNext, batch.lastOffset(), baseOffset + batch.count() - 1, batch.nextOffset(),
          batch.count(), batch.bytes().limit(), batch.maxTimestamp(), stats, clock);
      stats.batchesCopied.increment();
    }
  }

  /** The record path's reader (null with batch copy, whose fetcher reads instead). */
  private final @Nullable Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final StateStore store;
  private final OffsetIndex index;
  private final StartPosition startPosition;
  private final Duration timeout;
  private final FlowStats stats;
  private final Clock clock;
  private final Logger log;
  private final Map<TopicPartition, PartitionState> states = new HashMap<>();
  private boolean forceSyncs;
  private final List<PartitionState> retired = new ArrayList<>();
  private final Map<TopicPartition, Long> stored;
  private volatile @Nullable Exception stateFailure;
  private final @Nullable Provenance provenance;
  private final FlowMetrics metrics;
  private final java.util.function.Consumer<String> problems;
  private final Map<String, org.apache.kafka.common.Uuid> topicIds = new HashMap<>();
  /** Partitions of re-created topics: they start at their first offset whatever the start position says. */
  private final Set<TopicPartition> fromBeginning = new HashSet<>();
  /** Exactly-once mode: data, positions and segments are written in transactions. */
  private final boolean exactlyOnce;
  /** Sends a caught-up flow's records without linger; created on the copy thread at first use. */
  private @Nullable Flusher flusher;
  private final SourceResetPolicy onSourceReset;
  /** With scale-out in exactly-once mode: the group generation that fences writers that lost their shards. */
  private final @Nullable Supplier<ConsumerGroupMetadata>
      fencing;
  private boolean inTransaction;
  private SyncSink lastSyncs = SyncSink.NONE;
  /** Whether something may have moved since the last sweep over the partitions settled everything. */
  private boolean sweepDue = true;
  private long lastSweepNanos = System.nanoTime();
  /** Batch copy: reads whole batches instead of the consumer's records (null on the record path). */
  private final @Nullable BatchFetcher fetcher;
  /** Batch copy: writes the fetched batches (null on the record path). */
  private final @Nullable BatchSink sink;

  ReplicationWorker(@Nullable Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, StateStore store,
      StateStore.Restored restored, FlowSpec flow, Duration timeout, FlowStats stats, Clock clock,
      Logger log, @Nullable Provenance provenance, FlowMetrics metrics, java.util.function.Consumer<String> problems,
      @Nullable Supplier<ConsumerGroupMetadata> fencing, @Nullable BatchFetcher fetcher, @Nullable BatchSink sink) {
    if ((fetcher == null) != (sink == null) || (fetcher != null && (flow.exactlyOnce() || provenance != null))) {
      throw new IllegalArgumentException("batch copy needs a fetcher and a sink, without exactly-once or provenance");
    }
    if (fetcher == null && consumer == null) {
      throw new IllegalArgumentException("the record path needs a consumer");
    }
    this.fetcher = fetcher;
    this.sink = sink;
    this.exactlyOnce = flow.exactlyOnce();
    this.onSourceReset = flow.onSourceReset();
    this.fencing = fencing;
    this.problems = problems;
    this.provenance = provenance;
    this.metrics = metrics;
    this.consumer = consumer;
    this.producer = producer;
    this.store = store;
    this.index = restored.index();
    this.stored = new HashMap<>(restored.positions());
    this.startPosition = flow.startPosition();
    this.timeout = timeout;
    this.stats = stats;
    this.clock = clock;
    this.log = log;
  }

  /** The flow's offset mapping, kept up to date with what the target acknowledged. */
  OffsetIndex index() {
    return index;
  }

  /**
   * Replicates exactly the partitions of {@code mappings} that this worker {@code owns}, starting new ones at
   * their stored or start position.
   */
  void assign(Map<String, TopicSync.Mapping> mappings, java.util.function.Predicate<TopicPartition> owns) {
    sweepDue = true;
    Map<TopicPartition, String> wanted = new HashMap<>();
    for (TopicSync.Mapping m : mappings.values()) {
      for (int p = 0; p < m.partitions(); p++) {
        TopicPartition tp = new TopicPartition(m.sourceTopic(), p);
        if (owns.test(tp)) {
          wanted.put(tp, m.remoteTopic());
        }
      }
    }
    Set<TopicPartition> removed = new HashSet<>(states.keySet());
    removed.removeAll(wanted.keySet());
    List<TopicPartition> added = new ArrayList<>();
    for (TopicPartition tp : wanted.keySet()) {
      if (!states.containsKey(tp)) {
        added.add(tp);
      }
    }
    if (removed.isEmpty() && added.isEmpty()) {
      return;
    }
    for (TopicPartition tp : removed) {
      PartitionState gone = states.remove(tp);
      closeSensors(gone);
      retired.add(gone);
      stored.put(tp, gone.ackedNext);
    }
    recreated(mappings, added);
    // The target's leaders (asked by the producer) and the source's offsets (asked by the consumer) at once.
    // Batch copy's writer learns them on its own thread and writes again what a leader not yet serving refuses.
    if (sink != null && !added.isEmpty()) {
      sink.expect(added.stream().map(wanted::get).collect(java.util.stream.Collectors.toSet()));
    }
    CompletableFuture<Void> leaders = added.isEmpty() || sink != null ? CompletableFuture.completedFuture(null)
        : CompletableFuture.runAsync(() -> awaitLeaders(added, wanted), r -> {
          Thread t = new Thread(r, Thread.currentThread().getName() + "-leaders");
          t.setDaemon(true);
          t.start();
        });
    Map<TopicPartition, Long> start = startPositions(added);
    awaitDone(leaders, cause -> cause instanceof RuntimeException r ? r
        : new MirrorException("waiting for the leaders of new remote partitions", cause));
    for (TopicPartition tp : added) {
      PartitionState s = new PartitionState(tp, wanted.get(tp), start.get(tp));
      s.warnedTargetGap = exactlyOnce; // each commit's marker skips a target offset: expected, not a warning
      s.sensors = metrics.partition(tp, () -> s.lag);
      states.put(tp, s);
    }
    assignSource(wanted.keySet());
    for (TopicPartition tp : added) {
      seek(tp, start.get(tp));
    }
    if (!removed.isEmpty()) {
      log.info("stopped replicating {} partitions: {}", removed.size(), removed);
    }
  }

  /**
   * Copies the partitions of {@code sourceTopic} again from their first offset: their remote topic was
   * deleted and created again, and the records copied before are gone from the target.
   */
  void recopy(String sourceTopic) {
    sweepDue = true;
    List<TopicPartition> tps = new ArrayList<>();
    for (TopicPartition tp : states.keySet()) {
      if (tp.topic().equals(sourceTopic)) {
        tps.add(tp);
      }
    }
    if (tps.isEmpty()) {
      return;
    }
    flushData(); // no late callback moves a position after the reset
    Map<TopicPartition, Long> first = beginningOffsets(tps);
    for (TopicPartition tp : tps) {
      states.get(tp).reset(first.get(tp));
      index.truncate(tp, Long.MIN_VALUE);
      seek(tp, first.get(tp));
    }
    log.info("copying {} partitions of '{}' again from their first offsets {}", tps.size(), sourceTopic, first);
  }

  /**
   * Takes positions another instance stored for partitions this worker may now own; they win over what this
   * worker stored before it gave the partitions up.
   */
  void restore(Map<TopicPartition, Long> positions) {
    stored.putAll(positions); // read by the next assign(), which marks a sweep due
  }

  /**
   * Stops replicating the partitions {@code gone} selects without storing their positions: another instance
   * owns them now and stores its own.
   */
  void forget(java.util.function.Predicate<TopicPartition> gone) {
    sweepDue = true;
    if (exactlyOnce) {
      abortToCommitted(); // the open transaction may hold records of partitions another instance owns now
    }
    List<TopicPartition> dropped = new ArrayList<>();
    for (java.util.Iterator<Map.Entry<TopicPartition, PartitionState>> it = states.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<TopicPartition, PartitionState> e = it.next();
      if (gone.test(e.getKey())) {
        closeSensors(e.getValue());
        stored.remove(e.getKey());
        dropped.add(e.getKey());
        it.remove();
      }
    }
    retired.removeIf(s -> gone.test(s.source));
    if (!dropped.isEmpty()) {
      assignSource(states.keySet());
      log.info("gave up {} partitions without storing their positions: {}", dropped.size(), dropped);
    }
  }

  /**
   * Finds source topics deleted and created again under the same name while the flow ran (their topic id
   * changed): their partitions are copied again from the beginning, since the positions of the old topic mean
   * nothing in the new one, and the flow reports it.
   */
  private void recreated(Map<String, TopicSync.Mapping> mappings, List<TopicPartition> added) {
    for (TopicSync.Mapping m : mappings.values()) {
      org.apache.kafka.common.Uuid before = topicIds.put(m.sourceTopic(), m.topicId());
      if (before == null || before.equals(m.topicId())) {
        continue;
      }
      String message = "source topic '" + m.sourceTopic() + "' was deleted and created again (topic id " + before
          + " is now " + m.topicId() + "): ";
      if (onSourceReset == SourceResetPolicy.STOP) {
        topicIds.put(m.sourceTopic(), before); // seen again, and stopped again, until the policy changes
        throw new SourceResetException(message + "records of the old topic not replicated yet are lost; the flow"
            + " stops (onSourceReset = STOP): restart it with onSourceReset(CONTINUE) to copy the new topic from"
            + " its first offset");
      }
      message += "the topic re-created is copied from its first offset to '" + m.remoteTopic()
          + "', after the records copied from the old one";
      log.warn("{}", message);
      problems.accept(message);
      for (TopicPartition tp : added) {
        if (tp.topic().equals(m.sourceTopic())) {
          stored.remove(tp);
          fromBeginning.add(tp);
          index.truncate(tp, Long.MIN_VALUE);
        }
      }
    }
  }

  /** Waits for {@code f}: an interrupt ends the wait as an InterruptException, a failure as {@code failed} says. */
  private static void awaitDone(Future<?> f, Function<Throwable, RuntimeException> failed) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    } catch (ExecutionException e) {
      throw failed.apply(e.getCause());
    }
  }

  /**
   * Waits until the producer's metadata shows a leader for every new remote partition. A broker can refuse
   * the first writes to a topic created a moment ago; with several requests in flight, a later batch may
   * then be appended before the refused one, which an idempotent producer cannot repair.
   */
  private void awaitLeaders(List<TopicPartition> added, Map<TopicPartition, String> remote) {
    Set<String> topics = new HashSet<>();
    for (TopicPartition tp : added) {
      topics.add(remote.get(tp));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String topic : topics) {
      // Bounded by the deadline; each round asks the producer for fresh metadata.
      for (int attempt = 1; ; attempt++) {
        List<org.apache.kafka.common.PartitionInfo> infos = producer.partitionsFor(topic);
        boolean led = !infos.isEmpty() && infos.stream().allMatch(i -> i.leader() != null && !i.leader().isEmpty());
        if (led || System.nanoTime() > deadline) {
          break;
        }
        Backoff.pauseOrInterrupt(attempt);
      }
    }
  }

  /**
   * Returns where new partitions start: the stored position, else the configured start. With LATEST, and in
   * exactly-once mode, start positions of partitions seen for the first time are stored before any record is
   * copied, so a restart cannot move them (records produced in between would otherwise be skipped). With
   * EARLIEST a restart before the first position store starts at the earliest offset again, which is where
   * the stored start would have sent it: the copy starts without waiting for that write.
   */
  private Map<TopicPartition, Long> startPositions(List<TopicPartition> added) {
    Map<TopicPartition, Long> result = new HashMap<>();
    List<TopicPartition> fresh = new ArrayList<>();
    for (TopicPartition tp : added) {
      Long pos = stored.get(tp);
      if (pos != null) {
        result.put(tp, pos);
      } else {
        fresh.add(tp);
      }
    }
    if (fresh.isEmpty()) {
      return result;
    }
    Map<TopicPartition, Long> offsets = new HashMap<>(startPosition == StartPosition.LATEST
        ? endOffsets(fresh) : beginningOffsets(fresh));
    List<TopicPartition> again = new ArrayList<>(fresh);
    again.retainAll(fromBeginning);
    if (!again.isEmpty()) {
      offsets.putAll(beginningOffsets(again));
      fromBeginning.removeAll(again);
    }
    boolean storeFirst = startPosition == StartPosition.LATEST || exactlyOnce;
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    for (TopicPartition tp : fresh) {
      long offset = offsets.get(tp);
      result.put(tp, offset);
      if (storeFirst) {
        sends.add(send(store.position(tp, offset, -1), null));
      }
    }
    if (!storeFirst) {
      for (TopicPartition tp : fresh) {
        stored.put(tp, result.get(tp));
      }
      logStart(fresh, result);
      return result;
    }
    if (exactlyOnce) {
      commitPositions(lastSyncs);
    } else {
      producer.flush();
    }
    for (Future<RecordMetadata> f : sends) {
      awaitDone(f, cause -> new MirrorException("cannot store start positions in '" + store.topic() + "': "
          + Errors.describe(cause, "WRITE", "TOPIC", store.topic()), cause));
    }
    for (TopicPartition tp : fresh) {
      stored.put(tp, result.get(tp));
    }
    logStart(fresh, result);
    return result;
  }

  /** The source's first offsets of {@code tps}: with batch copy over the fetcher's connections, which are ready. */
  private Map<TopicPartition, Long> beginningOffsets(List<TopicPartition> tps) {
    return fetcher != null ? fetcher.offsets(tps, false) : reader().beginningOffsets(tps, timeout);
  }

  /** The source's last stable offsets of {@code tps}, as {@link #beginningOffsets} asked. */
  private Map<TopicPartition, Long> endOffsets(List<TopicPartition> tps) {
    return fetcher != null ? fetcher.offsets(tps, true) : reader().endOffsets(tps, timeout);
  }

  private void logStart(List<TopicPartition> fresh, Map<TopicPartition, Long> result) {
    log.info("{} new partitions start at the {} offset{}", fresh.size(),
        startPosition == StartPosition.LATEST ? "latest" : "earliest", fresh.size() <= 20 ? ": " + result : "");
  }

  /** Polls the source once and sends what it returned; returns the number of records sent. */
  int pollOnce(Duration pollTimeout) {
    if (states.isEmpty()) {
      return 0;
    }
    if (fetcher != null) {
      return pollBatches(fetcher, pollTimeout);
    }
    Consumer<byte[], byte[]> reader = reader();
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = reader.poll(pollTimeout);
    } catch (OffsetOutOfRangeException e) {
      sweepDue = true;
      handleOutOfRange(e.offsetOutOfRangePartitions());
      return 0;
    }
    stats.lastPollMillis = clock.millis();
    if (!records.isEmpty() || !records.nextOffsets().isEmpty()) {
      sweepDue = true; // positions moved (past records, or past transaction markers alone)
    }
    int sent = 0;
    for (TopicPartition tp : records.partitions()) {
      PartitionState s = states.get(tp);
      if (s == null) {
        continue;
      }
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      if (provenance != null) {
        list = provenance.admit(list);
      }
      int last = list.size() - 1;
      long next = reader.position(tp);
      long batchBytes = 0;
      if (s.sensors != null && last >= 0 && list.get(0).timestamp() >= 0) {
        long now = clock.millis();
        s.sensors.read(now - list.get(0).timestamp(), now);
      }
      for (int i = 0; i <= last; i++) {
        ConsumerRecord<byte[], byte[]> r = list.get(i);
        boolean segmentStart = r.offset() != s.lastSentSource + 1;
        s.lastSentSource = r.offset();
        Long timestamp = r.timestamp() >= 0 ? r.timestamp() : null;
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(s.remoteTopic, tp.partition(), timestamp, r.key(),
            r.value(), provenance != null ? provenance.stamp(r.headers()) : r.headers());
        batchBytes += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
        Callback callback = s;
        // In exactly-once mode a partition's first record in a transaction follows the last one's marker: its
        // Ack starts a segment there.
        if (segmentStart || i == last || (exactlyOnce && i == 0 && !s.sentInTransaction)) {
          callback = new Ack(s, r.offset(), segmentStart, i == last ? next : -1, s.expectedAckNext, list.size(),
              batchBytes, r.timestamp(), stats, clock, log);
        }
        send(out, callback);
      }
      if (!list.isEmpty()) {
        s.expectedAckNext = next;
        s.sentInTransaction = true;
      }
      sent += list.size();
    }
    if (sent > 0 && !exactlyOnce && caughtUp(records.partitions())) {
      // Nothing more to read: send what the producer holds now rather than after its linger, without waiting
      // for the target (the next poll may already hold more). Behind the source the producer batches as
      // configured.
      if (flusher == null) {
        flusher = new Flusher(producer, Thread.currentThread().getName() + "-flush", log);
      }
      flusher.request();
    }
    return sent;
  }

  /** Batch copy: fetches batches and hands each to the sink, with a callback that moves its partition. */
  private int pollBatches(BatchFetcher source, Duration pollTimeout) {
    BatchSink out = java.util.Objects.requireNonNull(sink);
    Map<TopicPartition, List<BatchFetcher.Batch>> fetched;
    try {
      fetched = source.poll(pollTimeout);
    } catch (OffsetOutOfRangeException e) {
      sweepDue = true;
      handleOutOfRange(e.offsetOutOfRangePartitions());
      return 0;
    } catch (LinkageError e) {
      throw new BatchCopyUnsupportedException("kafka-clients lacks what batch copy uses: " + e);
    }
    stats.lastPollMillis = clock.millis();
    if (fetched.isEmpty()) {
      return 0;
    }
    sweepDue = true;
    int sent = 0;
    for (Map.Entry<TopicPartition, List<BatchFetcher.Batch>> e : fetched.entrySet()) {
      PartitionState s = states.get(e.getKey());
      if (s == null) {
        continue;
      }
      List<BatchFetcher.Batch> batches = e.getValue();
      long firstTimestamp = batches.get(0).maxTimestamp();
      if (s.sensors != null && firstTimestamp >= 0) {
        long now = clock.millis();
        s.sensors.read(now - firstTimestamp, now);
      }
      for (BatchFetcher.Batch b : batches) {
        boolean segmentStart = b.firstOffset() != s.lastSentSource + 1;
        s.lastSentSource = b.lastOffset();
        long previous = s.expectedAckNext;
        s.expectedAckNext = b.nextOffset();
        out.send(s.remote, b, new BatchAck(s, b, segmentStart, previous, stats, clock, log));
        sent += b.count();
      }
    }
    out.dispatch();
    return sent;
  }

  /** Returns whether the consumer read every partition of {@code polled} to the end the broker last reported. */
  private boolean caughtUp(Set<TopicPartition> polled) {
    for (TopicPartition tp : polled) {
      java.util.OptionalLong lag = reader().currentLag(tp);
      if (lag.isEmpty() || lag.getAsLong() > 0) {
        return false;
      }
    }
    return true;
  }

  private void handleOutOfRange(Map<TopicPartition, Long> outOfRange) {
    // Everything sent before is acknowledged first, so no late callback moves a position after the reset.
    flushData();
    List<TopicPartition> reset = new ArrayList<>(outOfRange.keySet());
    Map<TopicPartition, Long> begin = beginningOffsets(reset);
    Map<TopicPartition, Long> end = endOffsets(reset);
    for (Map.Entry<TopicPartition, Long> e : outOfRange.entrySet()) {
      TopicPartition tp = e.getKey();
      long position = e.getValue();
      long first = begin.get(tp);
      String message;
      String stop = "; the flow stops (onSourceReset = STOP): restart it with onSourceReset(CONTINUE) to go on";
      if (position < first) {
        message = "source partition " + tp + " now starts at offset " + first + " but replication had reached "
            + position + ": " + (first - position) + " records were deleted on the source before they were"
            + " replicated (retention or delete-records)";
        if (onSourceReset == SourceResetPolicy.STOP) {
          throw new SourceResetException(message + stop + " from offset " + first);
        }
        message += "; continuing from " + first;
      } else {
        message = "source partition " + tp + " ends at offset " + end.get(tp) + " but replication had reached "
            + position + ": the source log was truncated or the topic re-created";
        if (onSourceReset == SourceResetPolicy.STOP) {
          throw new SourceResetException(message + stop + ", copying it again from its first offset " + first);
        }
        message += "; copying it again from its first offset " + first;
        index.truncate(tp, Long.MIN_VALUE);
      }
      log.warn("{}", message);
      problems.accept(message);
      PartitionState s = states.get(tp);
      if (s != null) {
        s.reset(first);
      }
      seek(tp, first);
    }
  }

  /**
   * Stores the offset segments and positions of every partition that advanced since the last store, and
   * hands the copied offset pairs to {@code syncs}. Does not block, except in exactly-once mode, where it waits
   * for the target to acknowledge the transaction's records and commits them with their positions and segments:
   * the offset mapping and the syncs then cover only committed records. A caught-up worker whose last sweep
   * settled everything sweeps again only every few seconds.
   *
   * @return whether it swept the partitions (positions and lag may have changed)
   */
  boolean commitPositions(SyncSink syncs) {
    long sweepStart = System.nanoTime();
    if (!sweepDue && !exactlyOnce && !forceSyncs && retired.isEmpty()
        && sweepStart - lastSweepNanos < IDLE_SWEEP_NANOS) {
      return false; // caught up and settled: nothing to store, positions and lag as published
    }
    lastSweepNanos = sweepStart;
    boolean settled = true;
    List<Runnable> stored = new ArrayList<>();
    if (exactlyOnce) {
      lastSyncs = syncs;
      producer.flush(); // every record of the transaction acknowledged: its positions and segments are known
      checkFailures();
    }
    List<PartitionState> all = new ArrayList<>(states.values());
    all.addAll(retired);
    for (PartitionState s : all) {
      if (s.failure != null) {
        continue;
      }
      if (s.expectedAckNext == s.ackedNext && retired.indexOf(s) < 0) {
        // Nothing in flight: the position may move past what polls returned but nothing was sent for
        // (transaction markers, records not copied because they came from the target).
        long position = position(s.source);
        if (position > s.ackedNext) {
          s.ackedNext = position;
          s.expectedAckNext = position;
        }
      }
      if (retired.indexOf(s) < 0) {
        java.util.OptionalLong fetchLag = currentLag(s.source);
        long position = position(s.source);
        s.lag = Math.max(0, position + (fetchLag.isPresent() ? fetchLag.getAsLong() : 0) - s.ackedNext);
      }
      s.sentInTransaction = false;
      long[] segment;
      while ((segment = s.newSegments.poll()) != null) {
        long sourceStart = segment[0];
        long targetStart = segment[1];
        send(store.segment(s.source, sourceStart, targetStart), this::onStateAck);
        stored.add(() -> {
          index.addSegment(s.source, sourceStart, targetStart);
          syncs.accept(s.source, sourceStart, targetStart);
          for (long dropped : index.trim(s.source, MAX_SEGMENTS)) {
            send(store.segmentTombstone(s.source, dropped), this::onStateAck);
          }
        });
      }
      long acked = s.ackedNext;
      long targetNext = s.targetNext;
      if (s.expectedAckNext != acked) {
        settled = false; // records in flight: their positions are stored at a later sweep
      }
      if (acked > s.storedSentNext) {
        s.storedSentNext = acked;
        long lastSource = s.lastCopiedSource;
        long lastTarget = s.lastCopiedTarget;
        stored.add(() -> {
          index.advance(s.source, acked, targetNext);
          long now = System.nanoTime();
          if (lastSource >= 0 && (forceSyncs || now - s.lastSyncNanos >= SYNC_INTERVAL_NANOS)) {
            // Offset syncs at most once a second per partition (and at every offset run's start, above).
            s.lastSyncNanos = now;
            syncs.accept(s.source, lastSource, lastTarget);
          }
          if (exactlyOnce) {
            s.storedNext = acked;
          }
        });
        send(store.position(s.source, acked, targetNext), (md, ex) -> {
          if (ex != null) {
            stateFailure = ex;
          } else if (!exactlyOnce && acked > s.storedNext) {
            s.storedNext = acked;
          }
        });
      }
    }
    if (exactlyOnce && inTransaction && !commitTransaction(all)) {
      sweepDue = true;
      return true; // aborted: the partitions copy again from their committed positions
    }
    stored.forEach(Runnable::run);
    retired.removeIf(s -> s.storedNext >= s.ackedNext);
    sweepDue = !settled;
    return true;
  }

  /** Sends on the copy producer, first opening a transaction in exactly-once mode. */
  private Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, @Nullable Callback callback) {
    if (exactlyOnce && !inTransaction) {
      producer.beginTransaction();
      inTransaction = true;
    }
    return producer.send(record, callback);
  }

  /**
   * Commits the open transaction; with scale-out it carries an offset commit of the instances' group for the
   * shards written, so a writer whose shards moved to another instance is fenced. Returns false when the group
   * refused the commit (a rebalance moved on): the transaction is aborted and the partitions rewound.
   */
  private boolean commitTransaction(List<PartitionState> written) {
    try {
      if (fencing != null) {
        Map<TopicPartition, OffsetAndMetadata> shards = new HashMap<>();
        for (PartitionState s : written) {
          shards.put(new TopicPartition(store.topic(), store.shard(s.source)),
              new OffsetAndMetadata(0));
        }
        producer.sendOffsetsToTransaction(shards, fencing.get());
      }
      producer.commitTransaction();
      inTransaction = false;
      return true;
    } catch (KafkaException e) {
      if (!(e instanceof CommitFailedException)
          && !(e.getCause() instanceof CommitFailedException)) {
        throw e;
      }
      log.info("transaction not committed, the instances' group moved on ({}); copying again from the committed"
          + " positions", e.getMessage());
      abortToCommitted();
      return false;
    }
  }

  /**
   * Exactly-once mode: aborts the open transaction and moves every partition back to its committed position, so
   * what the transaction held is copied again.
   */
  private void abortToCommitted() {
    if (!inTransaction) {
      return;
    }
    producer.flush(); // no callback of the aborted records runs after the rewind
    producer.abortTransaction();
    inTransaction = false;
    // Sends of the aborted transaction may have failed with its error; what they held is copied again.
    stateFailure = null;
    for (PartitionState s : states.values()) {
      s.failure = null;
      s.newSegments.clear();
      s.sentInTransaction = false;
      long committed = s.storedNext;
      s.reset(committed);
      s.storedNext = committed;
      s.storedSentNext = committed;
      seek(s.source, committed);
    }
    for (PartitionState s : retired) {
      stored.put(s.source, s.storedNext); // given up before the abort: resumes at its committed position
    }
    retired.clear();
  }

  private static void closeSensors(PartitionState s) {
    MirrorMetrics.PartitionSensors sensors = s.sensors;
    s.sensors = null;
    if (sensors != null) {
      sensors.close();
    }
  }

  /** Stops the flush thread and removes the partitions' metrics; the worker's clients are being closed. */
  void close() {
    if (flusher != null) {
      flusher.close();
      flusher = null;
    }
    for (PartitionState s : states.values()) {
      closeSensors(s);
    }
  }

  /** Returns the records behind the source over all partitions, as of the last position store. */
  long totalLag() {
    long total = 0;
    for (PartitionState s : states.values()) {
      total += s.lag;
    }
    return total;
  }

  private void onStateAck(RecordMetadata metadata, @Nullable Exception exception) {
    if (exception != null) {
      stateFailure = exception;
    }
  }

  /** Throws when a send of data or state failed; the flow then restarts from the stored positions. */
  void checkFailures() {
    Exception sf = stateFailure;
    if (sf != null) {
      throw new MirrorException("cannot store positions in '" + store.topic() + "': "
          + Errors.describe(sf, "WRITE", "TOPIC", store.topic()), sf);
    }
    for (PartitionState s : states.values()) {
      Exception f = s.failure;
      if (f != null) {
        throw new MirrorException("cannot write to remote topic '" + s.remoteTopic + "' partition "
            + s.source.partition() + " (source " + s.source + "): " + Errors.describe(f, "WRITE", "TOPIC",
            s.remoteTopic), f);
      }
    }
  }

  /** Waits until the target acknowledged everything sent, then stores positions and waits for those too. */
  void drain(SyncSink syncs) {
    flushData();
    forceSyncs = true;
    try {
      commitPositions(syncs);
    } finally {
      forceSyncs = false;
    }
    producer.flush();
  }

  /** Waits until the target acknowledged or refused every record and batch sent. */
  private void flushData() {
    if (sink != null) {
      sink.flush();
    }
    producer.flush();
  }

  /** Ends a poll in progress, from any thread. */
  void wakeup() {
    if (fetcher != null) {
      fetcher.wakeup();
    } else {
      reader().wakeup();
    }
  }

  /** The record path's consumer; batch copy has none. */
  private Consumer<byte[], byte[]> reader() {
    return java.util.Objects.requireNonNull(consumer, "the record path's consumer");
  }

  private void assignSource(Set<TopicPartition> tps) {
    if (fetcher != null) {
      fetcher.assign(tps);
    } else {
      reader().assign(tps);
    }
  }

  private void seek(TopicPartition tp, long offset) {
    if (fetcher != null) {
      fetcher.seek(tp, offset);
    } else {
      reader().seek(tp, offset);
    }
  }

  private long position(TopicPartition tp) {
    return fetcher != null ? fetcher.position(tp) : reader().position(tp);
  }

  private java.util.OptionalLong currentLag(TopicPartition tp) {
    return fetcher != null ? fetcher.currentLag(tp) : reader().currentLag(tp);
  }

  /**
   * Stores, per partition, how far replication got and where the source ended at the last fetch, so a
   * failover report can say how many records had not been replicated. A partition whose figures did not
   * change is stored again only once {@link #PROGRESS_REFRESH_MILLIS} passed.
   */
  void storeProgress(long nowMillis) {
    for (PartitionState s : states.values()) {
      java.util.OptionalLong lag = currentLag(s.source);
      long sourceEnd = lag.isPresent() ? position(s.source) + lag.getAsLong() : -1;
      long upTo = s.ackedNext;
      StateCodec.Progress last = s.storedProgress;
      if (last != null && last.replicatedUpTo() == upTo && last.sourceEnd() == sourceEnd
          && nowMillis - last.timestampMillis() < PROGRESS_REFRESH_MILLIS) {
        continue; // unchanged: the stored record still holds, and an idle flow writes little
      }
      StateCodec.Progress progress = new StateCodec.Progress(upTo, sourceEnd, nowMillis);
      s.storedProgress = progress;
      send(store.progress(s.source, progress), this::onStateAck);
    }
  }

  /**
   * Returns, per replicated partition, the position the offset mapping was last advanced to: every record
   * before it translates exactly.
   */
  Map<TopicPartition, Long> indexedPositions() {
    Map<TopicPartition, Long> result = new HashMap<>();
    states.forEach((tp, s) -> result.put(tp, Math.max(0, s.storedSentNext)));
    return Map.copyOf(result);
  }

  /** Returns whether records were sent whose position is not stored yet. */
  /**
   * With batch copy, connects to the source's brokers while the flow still syncs topics (at most 500 ms, or until
   * {@code enough}), so the first fetch need not wait for a connection.
   */
  void connectEarly(java.util.function.BooleanSupplier enough) {
    if (fetcher != null) {
      fetcher.connectEarly(500, enough);
    }
  }

  boolean hasUnstoredPositions() {
    for (PartitionState s : states.values()) {
      if (s.expectedAckNext > s.storedSentNext) {
        return true;
      }
    }
    return false;
  }

  /** Returns the number of partitions this worker replicates. */
  int partitionCount() {
    return states.size();
  }

  /** Returns, per replicated partition, the offset before which every record is acknowledged by the target. */
  Map<TopicPartition, Long> positions() {
    Map<TopicPartition, Long> result = new HashMap<>();
    states.forEach((tp, s) -> result.put(tp, s.ackedNext));
    return Map.copyOf(result);
  }
}
