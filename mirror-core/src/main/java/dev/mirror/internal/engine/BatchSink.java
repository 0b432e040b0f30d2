package dev.mirror.internal.engine;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.utils.Crc32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The target side of batch copy: writes fetched batches to the leaders of the remote partitions as an idempotent
 * producer would, with its own producer id, epoch and per-partition sequence written into each batch header and
 * the checksum computed again; records are not touched. One batch per partition per request (what a broker takes
 * from an idempotent producer), up to five requests in flight per broker, each partition's batches in order.
 *
 * <p>Runs on its own thread. Callbacks run there, in send order per partition. A retriable error (the
 * partition's leader moved, too few in-sync replicas, a broker that closed the connection) holds the
 * partition: once none of its batches is in flight, its unacknowledged batches are written again, in order,
 * with the sequences they had, to the leader the metadata names then, so the broker keeps each one once. A
 * partition that keeps failing for the flow's timeout, and any other error, fails every batch not yet
 * acknowledged and ends the sink: the flow starts again from its stored positions, as it does after a producer
 * error on the record path.
 */
final class BatchSink implements AutoCloseable {

  /** Learns where a batch landed, or why it did not. */
  interface Callback {
    /**
     * Called once per batch.
     *
     * @param baseOffset the target offset of the batch's first record, or -1 on failure
     * @param exception why the write failed, or null
     */
    void done(long baseOffset, @Nullable Exception exception);
  }

  // Offsets of the fields of a v2 record batch header.
  private static final int BASE_OFFSET = 0;
  private static final int CRC = 17;
  private static final int ATTRIBUTES = 21;
  private static final int PRODUCER_ID = 43;
  private static final int PRODUCER_EPOCH = 51;
  private static final int BASE_SEQUENCE = 53;
  private static final short TRANSACTIONAL_FLAG = 0x10;
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  /** A batch to write; once stamped, its producer id and sequence are in its header and stay there. */
  private static final class Pending {
    final TopicPartition target;
    final BatchFetcher.Batch batch;
    final Callback callback;
    final int size;
    int sequence = -1;

    Pending(TopicPartition target, BatchFetcher.Batch batch, Callback callback, int size) {
      this.target = target;
      this.batch = batch;
      this.callback = callback;
      this.size = size;
    }

    TopicPartition target() {
      return target;
    }

    BatchFetcher.Batch batch() {
      return batch;
    }

    Callback callback() {
      return callback;
    }

    int size() {
      return size;
    }
  }

  /** A partition's batches that failed with a retriable error, written again once none of its batches is in flight. */
  private static final class Retry {
    final List<Pending> batches = new ArrayList<>();
    long notBeforeNanos;
    RuntimeException lastError;

    Retry(RuntimeException error) {
      this.lastError = error;
    }
  }

  /** Since when a partition's writes have failed, and how often; cleared by the next batch the target takes. */
  private static final class Failing {
    final long sinceNanos;
    int attempts;

    Failing(long sinceNanos) {
      this.sinceNanos = sinceNanos;
    }
  }

  private final BatchConnection connection;
  private final Duration timeout;
  private final long bufferLimit;
  private final short acks;
  private final Logger log;
  private final Queue<Pending> incoming = new ConcurrentLinkedQueue<>();
  /** Remote topics whose leaders to learn before their first batch comes. */
  private final Queue<String> expected = new ConcurrentLinkedQueue<>();
  private final Object lock = new Object();
  private long buffered; // guarded by lock
  private int outstanding; // guarded by lock
  private volatile @Nullable RuntimeException failure;
  private volatile boolean closed;
  private final Thread thread;
  // Sink thread only.
  private final Map<TopicPartition, ArrayDeque<Pending>> waiting = new LinkedHashMap<>();
  private final Map<TopicPartition, Integer> sequences = new HashMap<>();
  private final Map<TopicPartition, Node> leaders = new HashMap<>();
  private final Map<String, Uuid> topicIds = new HashMap<>();
  /** Per partition, its batches in requests not yet answered. */
  private final Map<TopicPartition, Integer> inFlight = new HashMap<>();
  /** Per partition held by a retriable error, the batches to write again. */
  private final Map<TopicPartition, Retry> retries = new HashMap<>();
  private final Map<TopicPartition, Failing> failing = new HashMap<>();
  private long leadersMissingSinceNanos = -1;
  /** Batches in {@link #waiting}. */
  private int waitingBatches;
  private long producerId = -1;
  private short epoch;

  BatchSink(org.apache.kafka.common.config.AbstractConfig config, BatchConnection connection, Duration timeout, String threadName, Logger log) {
    this.connection = connection;
    this.timeout = timeout;
    this.log = log;
    this.bufferLimit = config.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG);
    String acksConfig = config.getString(ProducerConfig.ACKS_CONFIG);
    this.acks = "all".equals(acksConfig) ? (short) -1 : Short.parseShort(acksConfig);
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues {@code batch} for {@code target}; waits while more than the producer's buffer memory waits for the
   * target. After a failure the callback runs at once with it.
   *
   * @throws TimeoutException when the target took no batch for the flow's timeout
   */
  void send(TopicPartition target, BatchFetcher.Batch batch, Callback callback) {
    int size = batch.bytes().remaining();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      // Bounded by the deadline.
      while (buffered > 0 && buffered + size > bufferLimit && failure == null && !closed) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new TimeoutException("the target cluster took no batch for " + timeout.toMillis() + " ms ("
              + buffered + " bytes wait for it)");
        }
        try {
          lock.wait(Math.min(left, 100));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new org.apache.kafka.common.errors.InterruptException(e);
        }
      }
      buffered += size;
      outstanding++;
    }
    incoming.add(new Pending(target, batch, callback, size));
    if (failure != null || closed) {
      failQueued(); // the sink thread may have ended before the batch was queued
    }
  }

  /**
   * Has the sink thread learn the leaders of {@code topics} now, before their first batches come, so that the
   * first write does not wait for a metadata round trip. A failure here is met again, and reported, when a batch
   * waits for those leaders.
   */
  void expect(java.util.Collection<String> topics) {
    expected.addAll(topics);
    connection.wakeup();
  }

  /** Wakes the sink thread to write what {@link #send} queued. */
  void dispatch() {
    connection.wakeup();
  }

  /**
   * Waits until the target acknowledged or refused every batch sent, up to the flow's timeout plus the request
   * timeout.
   *
   * @throws TimeoutException when batches were still in flight then
   */
  void flush() {
    dispatch();
    long deadline = System.nanoTime() + timeout.toNanos() + connection.requestTimeoutMs() * 1_000_000;
    synchronized (lock) {
      // Bounded by the deadline.
      while (outstanding > 0) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new TimeoutException(outstanding + " batches still wait for the target cluster after "
              + timeout.toMillis() + " ms");
        }
        try {
          lock.wait(Math.min(left, 100));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new org.apache.kafka.common.errors.InterruptException(e);
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    connection.stop();
    try {
      // The thread closes the connection as it ends; a write in progress ends at the next network poll.
      thread.join(CLOSE_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failQueued();
  }

  private void run() {
    try {
      initProducerId();
      // While the flow still looks up where to start, so that the first batches find their leaders' connections.
      connection.connectEarly(1_000, () -> closed || !incoming.isEmpty() || !expected.isEmpty());
      // Until closed or failed; each round waits for the network at most 100 ms.
      while (!closed && failure == null) {
        Pending p;
        while ((p = incoming.poll()) != null) {
          waiting.computeIfAbsent(p.target(), k -> new ArrayDeque<>()).add(p);
          waitingBatches++;
        }
        if (!expected.isEmpty()) {
          learnExpected();
        }
        if (!retries.isEmpty()) {
          requeueRetries();
        }
        if (waitingBatches > 0) {
          resolveLeaders();
          sendReady();
        }
        // dispatch() and responses end the wait early: an idle writer wakes once a second.
        connection.poll(waitingBatches > 0 || connection.inFlight() > 0 ? 100 : 1_000);
      }
    } catch (RuntimeException e) {
      if (!closed) {
        fail(e);
      }
    } catch (LinkageError e) {
      fail(new BatchCopyUnsupportedException("kafka-clients lacks what batch copy uses: " + e));
    } finally {
      RuntimeException f = failure;
      RuntimeException cause = f != null ? f : new KafkaException("batch copy to " + connection.cluster()
          + " stopped");
      for (Retry r : retries.values()) {
        for (Pending p : r.batches) {
          complete(p, -1, cause);
        }
      }
      retries.clear();
      for (ArrayDeque<Pending> q : waiting.values()) {
        for (Pending p : q) {
          complete(p, -1, cause);
        }
      }
      waiting.clear();
      if (failure == null) {
        failure = cause;
      }
      failQueued();
      connection.close();
    }
  }

  private void fail(RuntimeException e) {
    if (failure == null) {
      failure = e;
      log.debug("batch copy to {} failed", connection.cluster(), e);
    }
  }

  private void failQueued() {
    RuntimeException f = failure;
    RuntimeException cause = f != null ? f : new KafkaException("batch copy to " + connection.cluster()
        + " stopped");
    Pending p;
    while ((p = incoming.poll()) != null) {
      complete(p, -1, cause);
    }
  }

  private void complete(Pending p, long baseOffset, @Nullable Exception e) {
    try {
      p.callback().done(baseOffset, e);
    } finally {
      synchronized (lock) {
        buffered -= p.size();
        outstanding--;
        lock.notifyAll();
      }
    }
  }

  private void initProducerId() {
    long deadline = System.nanoTime() + timeout.toNanos();
    // Bounded by the deadline: a new cluster's coordinator may still be loading.
    for (int attempt = 0; ; attempt++) {
      InitProducerIdResponse r = (InitProducerIdResponse) connection.call(null, new InitProducerIdRequest.Builder(
          new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE)),
          "producer id").responseBody();
      if (r.error() == Errors.NONE) {
        producerId = r.data().producerId();
        epoch = r.data().producerEpoch();
        return;
      }
      if (!(r.error().exception() instanceof RetriableException) || System.nanoTime() > deadline) {
        throw r.error().exception("cannot get a producer id from " + connection.cluster());
      }
      Backoff.pauseOrInterrupt(attempt + 1);
    }
  }

  /** Learns the leaders of the topics {@link #expect} named. */
  private void learnExpected() {
    Set<String> topics = new HashSet<>();
    String t;
    while ((t = expected.poll()) != null) {
      topics.add(t);
    }
    try {
      learnLeaders(topics);
    } catch (RuntimeException e) {
      log.debug("leaders of {} on {} not learnt ahead", topics, connection.cluster(), e);
    }
  }

  /** Asks the target for the leaders and ids of {@code topics} and keeps what it names. */
  private void learnLeaders(Set<String> topics) {
    BatchConnection.Leaders found = connection.leaders(topics);
    leaders.putAll(found.leaders());
    topicIds.putAll(found.topicIds());
  }

  /** Learns the leaders of partitions batches wait for; gives up when one stayed unknown for the timeout. */
  private void resolveLeaders() {
    Set<String> topics = new HashSet<>();
    for (TopicPartition tp : waiting.keySet()) {
      if (!leaders.containsKey(tp) && !waiting.get(tp).isEmpty()) {
        topics.add(tp.topic());
      }
    }
    if (topics.isEmpty()) {
      leadersMissingSinceNanos = -1;
      return;
    }
    long now = System.nanoTime();
    if (leadersMissingSinceNanos < 0) {
      leadersMissingSinceNanos = now;
    }
    learnLeaders(topics);
    for (TopicPartition tp : waiting.keySet()) {
      if (!leaders.containsKey(tp) && now - leadersMissingSinceNanos > timeout.toNanos()) {
        throw new TimeoutException("remote partition " + tp + " on " + connection.cluster() + " has no leader"
            + " after " + timeout.toMillis() + " ms");
      }
    }
  }

  /** Sends, to each leader that can take a request now, the next batch of each of its partitions. */
  private void sendReady() {
    Map<Node, List<Pending>> byLeader = new HashMap<>();
    for (Map.Entry<TopicPartition, ArrayDeque<Pending>> e : waiting.entrySet()) {
      Node leader = leaders.get(e.getKey());
      if (leader != null && !e.getValue().isEmpty() && !retries.containsKey(e.getKey())) {
        byLeader.computeIfAbsent(leader, k -> new ArrayList<>()).add(e.getValue().peek());
      }
    }
    for (Map.Entry<Node, List<Pending>> e : byLeader.entrySet()) {
      Node node = e.getKey();
      if (!connection.readyOrDenied(node)) {
        if (connection.connectionFailed(node)) {
          leaders.values().removeIf(node::equals); // the broker is gone: ask who leads its partitions now
        }
        continue;
      }
      Map<String, ProduceRequestData.TopicProduceData> topics = new LinkedHashMap<>();
      List<Pending> sent = new ArrayList<>();
      for (Pending p : e.getValue()) {
        waiting.get(p.target()).poll();
        waitingBatches--;
        sent.add(p);
        inFlight.merge(p.target(), 1, Integer::sum);
        ByteBuffer b = p.batch().bytes().duplicate().position(0);
        if (p.sequence < 0) {
          p.sequence = stamp(b, p.target(), p.batch().count());
        }
        String topic = p.target().topic();
        topics.computeIfAbsent(topic, t -> new ProduceRequestData.TopicProduceData().setName(t)
            .setTopicId(topicIds.getOrDefault(t, Uuid.ZERO_UUID))).partitionData().add(
                new ProduceRequestData.PartitionProduceData().setIndex(p.target().partition())
                    .setRecords(MemoryRecords.readableRecords(b)));
      }
      ProduceRequestData.TopicProduceDataCollection data = new ProduceRequestData.TopicProduceDataCollection();
      topics.values().forEach(data::add);
      connection.send(node, ProduceRequest.builder(new ProduceRequestData().setAcks(acks)
          .setTimeoutMs((int) connection.requestTimeoutMs()).setTopicData(data)), r -> acknowledged(sent, r));
    }
  }

  /**
   * Writes the producer id, epoch and the partition's next sequence into the batch, and its checksum; returns the
   * sequence.
   */
  private int stamp(ByteBuffer b, TopicPartition target, int count) {
    int sequence = sequences.getOrDefault(target, 0);
    b.putLong(BASE_OFFSET, 0L);
    b.putLong(PRODUCER_ID, producerId);
    b.putShort(PRODUCER_EPOCH, epoch);
    b.putInt(BASE_SEQUENCE, sequence);
    b.putShort(ATTRIBUTES, (short) (b.getShort(ATTRIBUTES) & ~TRANSACTIONAL_FLAG));
    b.putInt(CRC, (int) Crc32C.compute(b, ATTRIBUTES, b.limit() - ATTRIBUTES));
    long next = (long) sequence + count;
    sequences.put(target, (int) (next > Integer.MAX_VALUE ? next - Integer.MAX_VALUE - 1 : next));
    return sequence;
  }

  private void acknowledged(List<Pending> sent, ClientResponse r) {
    for (Pending p : sent) {
      inFlight.merge(p.target(), -1, (a, b) -> a + b == 0 ? null : a + b);
    }
    if (r.wasDisconnected() || r.responseBody() == null) {
      RuntimeException e = new DisconnectException("the connection to " + connection.cluster() + " broker "
          + r.destination() + " closed before it acknowledged " + sent.size() + " batches");
      leaders.values().removeIf(n -> n.idString().equals(r.destination()));
      sent.forEach(p -> retryOrFail(p, e));
      return;
    }
    Map<String, ProduceResponseData.PartitionProduceResponse> byPartition = new HashMap<>();
    for (ProduceResponseData.TopicProduceResponse t : ((ProduceResponse) r.responseBody()).data().responses()) {
      String topic = t.name() != null && !t.name().isEmpty() ? t.name() : nameOf(t.topicId());
      for (ProduceResponseData.PartitionProduceResponse pr : t.partitionResponses()) {
        byPartition.put(topic + "-" + pr.index(), pr);
      }
    }
    for (Pending p : sent) {
      ProduceResponseData.PartitionProduceResponse pr = byPartition.get(p.target().toString());
      if (pr == null) {
        RuntimeException e = new KafkaException(connection.cluster() + " did not answer for " + p.target());
        fail(e);
        complete(p, -1, e);
        continue;
      }
      Errors error = Errors.forCode(pr.errorCode());
      if (error == Errors.NONE) {
        if (retries.containsKey(p.target())) {
          // An earlier batch of the partition waits to be written again: this one would land before it.
          RuntimeException e = new KafkaException(connection.cluster() + " took a batch for " + p.target()
              + " after refusing the one before it");
          fail(e);
          complete(p, -1, e);
          continue;
        }
        failing.remove(p.target());
        complete(p, pr.baseOffset(), null);
        continue;
      }
      if (error.exception() instanceof RetriableException
          || (error == Errors.OUT_OF_ORDER_SEQUENCE_NUMBER && retries.containsKey(p.target()))) {
        // The leader moved or cannot write now; a later batch of a held partition is refused for its sequence.
        leaders.remove(p.target());
        retryOrFail(p, error.exception(pr.errorMessage()));
        continue;
      }
      RuntimeException e = switch (error) {
        case CORRUPT_MESSAGE, INVALID_RECORD, UNSUPPORTED_FOR_MESSAGE_FORMAT, UNSUPPORTED_VERSION,
            UNSUPPORTED_COMPRESSION_TYPE, MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE ->
            new BatchCopyUnsupportedException(connection.cluster() + " refused a"
            + " batch copied from the source for " + p.target() + " (" + error + (pr.errorMessage() == null ? ""
            : ": " + pr.errorMessage()) + ")");
        default -> error.exception(pr.errorMessage());
      };
      fail(e);
      complete(p, -1, e);
    }
  }

  /** Holds {@code p} for writing again, unless its partition has been failing for the flow's timeout. */
  private void retryOrFail(Pending p, RuntimeException error) {
    long now = System.nanoTime();
    Failing f = failing.computeIfAbsent(p.target(), tp -> new Failing(now));
    if (now - f.sinceNanos > timeout.toNanos()) {
      fail(error);
      complete(p, -1, error);
      return;
    }
    Retry r = retries.computeIfAbsent(p.target(), tp -> new Retry(error));
    r.lastError = error;
    r.batches.add(p);
  }

  /**
   * Puts the held batches of each partition with none in flight back at the head of its queue, in sequence
   * order, after a short pause that grows with the attempts (the metadata names the new leader within it).
   */
  private void requeueRetries() {
    long now = System.nanoTime();
    for (java.util.Iterator<Map.Entry<TopicPartition, Retry>> it = retries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<TopicPartition, Retry> e = it.next();
      TopicPartition tp = e.getKey();
      Retry r = e.getValue();
      if (inFlight.containsKey(tp)) {
        continue;
      }
      if (r.notBeforeNanos == 0) {
        Failing f = failing.computeIfAbsent(tp, k -> new Failing(now));
        f.attempts++;
        r.notBeforeNanos = now + Math.min(1_000, 10L << Math.min(f.attempts, 7)) * 1_000_000;
        if (f.attempts == 1) {
          log.info("remote partition {} on {} refused or lost {} batches ({}): writing them again, in order, to"
              + " its leader", tp, connection.cluster(), r.batches.size(), r.lastError.toString());
        } else {
          log.debug("writing {} batches of {} again (attempt {}) after {}", r.batches.size(), tp, f.attempts,
              r.lastError.toString());
        }
      }
      if (now - r.notBeforeNanos < 0) {
        continue;
      }
      it.remove();
      r.batches.sort((a, b) -> Long.compare(a.batch().firstOffset(), b.batch().firstOffset()));
      ArrayDeque<Pending> q = waiting.computeIfAbsent(tp, k -> new ArrayDeque<>());
      for (int i = r.batches.size() - 1; i >= 0; i--) {
        q.addFirst(r.batches.get(i));
        waitingBatches++;
      }
    }
  }

  private String nameOf(Uuid id) {
    for (Map.Entry<String, Uuid> e : topicIds.entrySet()) {
      if (e.getValue().equals(id)) {
        return e.getKey();
      }
    }
    return id.toString();
  }
}
