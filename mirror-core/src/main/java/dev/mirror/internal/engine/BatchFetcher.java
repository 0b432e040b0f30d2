package dev.mirror.internal.engine;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.clients.FetchSessionHandler;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.utils.LogContext;
import org.jspecify.annotations.Nullable;

/**
 * The source side of batch copy: fetches whole record batches of the assigned partitions from their leaders,
 * {@code read_committed} as the record path reads, and hands them over without parsing their records. A
 * batch that cannot be written as it is (it starts before the position, has offsets removed by compaction,
 * carries log-append times or an old format) is rebuilt from its records; batches of aborted transactions and
 * transaction markers are skipped, as a {@code read_committed} consumer skips them.
 *
 * <p>The next fetch is sent as soon as a response is handed over, so the broker gathers it while the batches
 * are written. Not thread-safe, except {@link #wakeup}.
 */
final class BatchFetcher implements AutoCloseable {

  /**
   * One batch ready for the target: a v2 record batch whose records keep their order, key, value, headers and
   * timestamp.
   *
   * @param bytes the batch; its header is rewritten by the writer
   * @param firstOffset the source offset of its first record
   * @param lastOffset the source offset of its last record
   * @param nextOffset the position after the batch (past offsets compaction removed at its end)
   * @param count its records
   * @param runs null when its records have consecutive source offsets; otherwise, in pairs, the source offset
   *     and the index in the batch of each record that follows a gap
   * @param maxTimestamp the latest record timestamp, or -1
   */
  record Batch(ByteBuffer bytes, long firstOffset, long lastOffset, long nextOffset, int count, long @Nullable [] runs,
      long maxTimestamp) {}

  private static final class Partition {
    final TopicPartition tp;
    long position;
    /** The last stable offset the last fetch reported, or -1. */
    long end = -1;
    @Nullable Node leader;
    @Nullable Uuid topicId;
    /** What the next fetch asks of it: small at first, growing to the configured bytes per partition. */
    int fetchBytes;

    Partition(TopicPartition tp, long position, int fetchBytes) {
      this.tp = tp;
      this.position = position;
      this.fetchBytes = fetchBytes;
    }
  }

  /**
   * Bytes per partition of a partition's first fetch; each fetch after it asks for {@link #RAMP} times more, up to
   * {@code max.partition.fetch.bytes}. A first fetch of 4 MiB from each of many partitions is a response of tens of
   * MiB that arrives all at once, long after its first batch could have been written: small first fetches get the
   * first records to the target sooner, and the writer busy while the larger ones arrive.
   */
  static final int FIRST_FETCH_BYTES = 64 * 1024;
  private static final int RAMP = 4;

  private final BatchConnection connection;
  private final int maxWaitMs;
  private final int minBytes;
  private final int maxBytes;
  private final int partitionMaxBytes;
  private final Duration timeout;
  private final Map<TopicPartition, Partition> partitions = new LinkedHashMap<>();
  /** Per broker id, the fetch in flight: the offset each partition was fetched from. */
  private final Map<Integer, Map<TopicPartition, Long>> inFlight = new HashMap<>();
  private final List<ClientResponse> done = new ArrayList<>();
  /** Per broker id, the fetch session with it. */
  private final Map<Integer, FetchSessionHandler> sessions = new HashMap<>();
  private boolean metadataStale = true;
  private long staleSinceNanos = System.nanoTime();
  private volatile boolean woken;
  /** Found beside batches that were handed over first; thrown by the next poll. */
  private @Nullable OffsetOutOfRangeException pendingOutOfRange;

  BatchFetcher(org.apache.kafka.common.config.AbstractConfig config, BatchConnection connection, Duration timeout) {
    this.connection = connection;
    this.timeout = timeout;
    this.maxWaitMs = config.getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
    this.minBytes = config.getInt(ConsumerConfig.FETCH_MIN_BYTES_CONFIG);
    this.maxBytes = config.getInt(ConsumerConfig.FETCH_MAX_BYTES_CONFIG);
    this.partitionMaxBytes = config.getInt(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG);
  }

  /** Reads exactly {@code tps} from now on; partitions new to it start at offset 0 until {@link #seek}. */
  void assign(Collection<TopicPartition> tps) {
    partitions.keySet().retainAll(new HashSet<>(tps));
    for (TopicPartition tp : tps) {
      if (!partitions.containsKey(tp)) {
        partitions.put(tp, new Partition(tp, 0, Math.min(FIRST_FETCH_BYTES, partitionMaxBytes)));
        markStale();
      }
    }
  }

  void seek(TopicPartition tp, long offset) {
    Partition p = partitions.get(tp);
    if (p == null) {
      throw new IllegalStateException("not assigned: " + tp);
    }
    p.position = offset; // a fetch in flight from another offset is dropped when it arrives
  }

  long position(TopicPartition tp) {
    Partition p = partitions.get(tp);
    if (p == null) {
      throw new IllegalStateException("not assigned: " + tp);
    }
    return p.position;
  }

  /**
   * The first offsets of {@code tps} ({@code latest} false) or their last stable offsets ({@code latest} true), as a
   * {@code read_committed} consumer's {@code beginningOffsets} and {@code endOffsets} give them, asked of their
   * leaders over the connections the fetches use (made already at a flow's start, while a consumer's are not).
   *
   * @throws TimeoutException when some stayed unknown for the flow's timeout
   * @throws TopicAuthorizationException when Mirror may not describe one of the topics
   * @throws WakeupException when {@link #wakeup} was called
   */
  Map<TopicPartition, Long> offsets(Collection<TopicPartition> tps, boolean latest) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> result = new HashMap<>();
    Set<TopicPartition> pending = new HashSet<>(tps);
    // Bounded by the deadline; a round asks every leader once.
    for (int attempt = 0; !pending.isEmpty(); attempt++) {
      if (woken) {
        woken = false;
        throw new WakeupException();
      }
      Set<String> topics = new HashSet<>();
      for (TopicPartition tp : pending) {
        topics.add(tp.topic());
      }
      BatchConnection.Leaders found = connection.leaders(topics);
      Map<Node, Map<String, ListOffsetsRequestData.ListOffsetsTopic>> byLeader = new HashMap<>();
      for (TopicPartition tp : pending) {
        Node leader = found.leaders().get(tp);
        if (leader != null) {
          byLeader.computeIfAbsent(leader, k -> new HashMap<>())
              .computeIfAbsent(tp.topic(), t -> new ListOffsetsRequestData.ListOffsetsTopic().setName(t))
              .partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(tp.partition())
                  .setTimestamp(latest ? ListOffsetsRequest.LATEST_TIMESTAMP : ListOffsetsRequest.EARLIEST_TIMESTAMP));
        }
      }
      for (Map.Entry<Node, Map<String, ListOffsetsRequestData.ListOffsetsTopic>> e : byLeader.entrySet()) {
        ListOffsetsRequest.Builder request = ListOffsetsRequest.Builder
            .forConsumer(false, IsolationLevel.READ_COMMITTED).setTargetTimes(new ArrayList<>(e.getValue().values()));
        ListOffsetsResponse r = (ListOffsetsResponse) connection.call(e.getKey(), request, "list offsets")
            .responseBody();
        for (ListOffsetsResponseData.ListOffsetsTopicResponse t : r.topics()) {
          for (ListOffsetsResponseData.ListOffsetsPartitionResponse pr : t.partitions()) {
            TopicPartition tp = new TopicPartition(t.name(), pr.partitionIndex());
            Errors error = Errors.forCode(pr.errorCode());
            if (error == Errors.NONE) {
              result.put(tp, pr.offset());
              pending.remove(tp);
            } else if (error == Errors.TOPIC_AUTHORIZATION_FAILED) {
              throw new TopicAuthorizationException(Set.of(tp.topic()));
            } else if (!(error.exception() instanceof RetriableException)) {
              throw error.exception("listing the offsets of " + tp + " on " + connection.cluster() + " failed");
            }
          }
        }
      }
      if (pending.isEmpty()) {
        break;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("the offsets of " + pending.size() + " partitions of " + connection.cluster()
            + " stayed unknown for " + timeout.toMillis() + " ms");
      }
      Backoff.pauseOrInterrupt(attempt + 1);
    }
    return result;
  }

  /** Records between the position and the end the last fetch reported, if one did. */
  OptionalLong currentLag(TopicPartition tp) {
    Partition p = partitions.get(tp);
    return p == null || p.end < 0 ? OptionalLong.empty() : OptionalLong.of(Math.max(0, p.end - p.position));
  }

  /**
   * Connects to the source's brokers before any partition is assigned, for at most {@code maxWaitMs} or until
   * {@code enough}: the first fetch then finds its leader's connection ready.
   */
  void connectEarly(long maxWaitMs, java.util.function.BooleanSupplier enough) {
    connection.connectEarly(maxWaitMs, () -> woken || enough.getAsBoolean());
  }

  /** Makes a {@link #poll} in progress, or the next one, throw {@link WakeupException}. */
  void wakeup() {
    woken = true;
    connection.wakeup();
  }

  /**
   * Returns the batches that arrived within {@code pollTimeout}, per partition, in offset order, and moves each
   * partition's position past them.
   *
   * @throws OffsetOutOfRangeException when a partition's position is no longer in the source log
   * @throws WakeupException when {@link #wakeup} was called
   */
  Map<TopicPartition, List<Batch>> poll(Duration pollTimeout) {
    OffsetOutOfRangeException outOfRange = pendingOutOfRange;
    if (outOfRange != null) {
      pendingOutOfRange = null;
      throw outOfRange;
    }
    long deadline = System.nanoTime() + pollTimeout.toNanos();
    // Bounded by the deadline; each round polls the network until it or a response.
    while (true) {
      if (woken) {
        woken = false;
        throw new WakeupException();
      }
      if (metadataStale) {
        refreshMetadata();
      }
      sendFetches();
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (done.isEmpty()) {
        connection.poll(Math.max(0, Math.min(left, metadataStale ? 100 : left)));
      }
      if (!done.isEmpty()) {
        Map<TopicPartition, List<Batch>> result = takeResponses();
        sendFetches(); // the broker gathers the next batches while these are written
        if (!result.isEmpty()) {
          return result;
        }
      }
      if (System.nanoTime() - deadline >= 0) {
        return Map.of();
      }
    }
  }

  private void markStale() {
    if (!metadataStale) {
      metadataStale = true;
      staleSinceNanos = System.nanoTime();
    }
  }

  /** Learns each partition's leader; gives up only when they stayed unknown for the flow's timeout. */
  private void refreshMetadata() {
    if (partitions.isEmpty()) {
      metadataStale = false;
      return;
    }
    Set<String> topics = new HashSet<>();
    for (TopicPartition tp : partitions.keySet()) {
      topics.add(tp.topic());
    }
    boolean missing = false;
    try {
      BatchConnection.Leaders found = connection.leaders(topics);
      for (Partition p : partitions.values()) {
        p.leader = found.leaders().get(p.tp);
        p.topicId = found.topicIds().get(p.tp.topic());
        missing |= p.leader == null || p.topicId == null;
      }
    } catch (RetriableException e) {
      missing = true;
      if (System.nanoTime() - staleSinceNanos > timeout.toNanos()) {
        throw e;
      }
    }
    if (!missing) {
      metadataStale = false;
    } else if (System.nanoTime() - staleSinceNanos > timeout.toNanos()) {
      throw new TimeoutException("the leaders of some partitions of " + connection.cluster() + " stayed unknown"
          + " for " + timeout.toMillis() + " ms");
    }
  }

  /**
   * Sends a fetch to every leader with partitions to read and none in flight. Each broker keeps a fetch session
   * (as for a consumer): after the first fetch, a request names only the partitions whose position moved, and a
   * response only those with news, so an idle flow with thousands of partitions exchanges little.
   */
  private void sendFetches() {
    Map<Node, List<Partition>> byLeader = new HashMap<>();
    for (Partition p : partitions.values()) {
      Node leader = p.leader;
      if (leader == null || p.topicId == null || inFlight.containsKey(leader.id())) {
        continue;
      }
      byLeader.computeIfAbsent(leader, k -> new ArrayList<>()).add(p);
    }
    for (Map.Entry<Node, List<Partition>> e : byLeader.entrySet()) {
      Node node = e.getKey();
      if (!connection.readyOrDenied(node)) {
        if (connection.connectionFailed(node)) {
          markStale(); // the broker is gone: its partitions may have other leaders now
        }
        continue;
      }
      FetchSessionHandler session = sessions.computeIfAbsent(node.id(), id -> new FetchSessionHandler(
          new LogContext("[batch fetch from " + connection.cluster() + "] "), id));
      FetchSessionHandler.Builder builder = session.newBuilder();
      for (Partition p : e.getValue()) {
        builder.add(p.tp, new FetchRequest.PartitionData(p.topicId, p.position, -1, p.fetchBytes,
            Optional.empty()));
        p.fetchBytes = (int) Math.min(partitionMaxBytes, (long) p.fetchBytes * RAMP);
      }
      FetchSessionHandler.FetchRequestData data = builder.build();
      Map<TopicPartition, Long> offsets = new HashMap<>();
      data.sessionPartitions().forEach((tp, d) -> offsets.put(tp, d.fetchOffset));
      inFlight.put(node.id(), offsets);
      FetchRequest.Builder request = FetchRequest.Builder.forConsumer(ApiKeys.FETCH.latestVersion(), maxWaitMs,
          minBytes, data.toSend()).setMaxBytes(maxBytes).isolationLevel(IsolationLevel.READ_COMMITTED)
          .metadata(data.metadata()).removed(data.toForget()).replaced(data.toReplace());
      connection.send(node, request, done::add);
    }
  }

  private Map<TopicPartition, List<Batch>> takeResponses() {
    Map<TopicPartition, List<Batch>> result = new HashMap<>();
    Map<TopicPartition, Long> outOfRange = new HashMap<>();
    List<ClientResponse> responses = new ArrayList<>(done);
    done.clear();
    for (ClientResponse r : responses) {
      int nodeId = Integer.parseInt(r.destination());
      Map<TopicPartition, Long> offsets = inFlight.remove(nodeId);
      FetchSessionHandler session = sessions.get(nodeId);
      if (r.wasDisconnected() || r.responseBody() == null || offsets == null || session == null) {
        if (session != null) {
          session.handleError(new org.apache.kafka.common.errors.DisconnectException("disconnected"));
        }
        markStale(); // the leader may have moved: ask again
        continue;
      }
      if (r.versionMismatch() != null) {
        throw new BatchCopyUnsupportedException(connection.cluster() + " does not support the fetch versions batch"
            + " copy needs: " + r.versionMismatch().getMessage());
      }
      FetchResponse body = (FetchResponse) r.responseBody();
      short version = r.requestHeader().apiVersion();
      if (!session.handleResponse(body, version)) {
        // The broker ended or refused the session (it evicted it, say): the next fetch starts a new one.
        if (body.error() != Errors.NONE && !(body.error().exception() instanceof RetriableException)
            && body.error() != Errors.FETCH_SESSION_ID_NOT_FOUND && body.error() != Errors.INVALID_FETCH_SESSION_EPOCH) {
          throw body.error().exception("fetch from " + connection.cluster() + " failed");
        }
        continue;
      }
      for (Map.Entry<TopicPartition, FetchResponseData.PartitionData> e
          : body.responseData(session.sessionTopicNames(), version).entrySet()) {
        TopicPartition tp = e.getKey();
        Partition p = partitions.get(tp);
        Long fetchedFrom = offsets.get(tp);
        if (p == null || fetchedFrom == null || fetchedFrom != p.position) {
          continue; // given up or moved by a seek since the fetch was sent
        }
        FetchResponseData.PartitionData pd = e.getValue();
        Errors error = Errors.forCode(pd.errorCode());
        if (error == Errors.OFFSET_OUT_OF_RANGE) {
          outOfRange.put(tp, p.position);
          continue;
        }
        if (error == Errors.TOPIC_AUTHORIZATION_FAILED) {
          throw new TopicAuthorizationException(Set.of(tp.topic()));
        }
        if (error != Errors.NONE) {
          if (error.exception() instanceof RetriableException) {
            markStale();
            continue;
          }
          throw error.exception("fetch of " + tp + " from " + connection.cluster() + " failed");
        }
        p.end = pd.lastStableOffset() >= 0 ? pd.lastStableOffset() : pd.highWatermark();
        List<Batch> batches = batches(p, (MemoryRecords) FetchResponse.recordsOrFail(pd), pd.abortedTransactions());
        if (!batches.isEmpty()) {
          result.put(tp, batches);
        }
      }
    }
    if (!outOfRange.isEmpty()) {
      // Nothing of these responses is lost: positions moved only for the batches in result, handed over below.
      OffsetOutOfRangeException e = new OffsetOutOfRangeException("fetch positions out of range on "
          + connection.cluster(), outOfRange);
      if (result.isEmpty()) {
        throw e;
      }
      pendingOutOfRange = e;
    }
    return result;
  }


  /** The batches of one partition's fetched records from its position on, skipping what read_committed skips. */
  private static List<Batch> batches(Partition p, MemoryRecords records,
      @Nullable List<FetchResponseData.AbortedTransaction> abortedList) {
    List<Batch> out = new ArrayList<>();
    PriorityQueue<FetchResponseData.AbortedTransaction> aborted = new PriorityQueue<>(
        (a, b) -> Long.compare(a.firstOffset(), b.firstOffset()));
    if (abortedList != null) {
      aborted.addAll(abortedList);
    }
    Set<Long> abortedProducers = new HashSet<>();
    ByteBuffer buffer = records.buffer();
    int position = buffer.position();
    for (MutableRecordBatch b : records.batches()) {
      int start = position;
      position += b.sizeInBytes();
      if (b.nextOffset() <= p.position) {
        continue; // before the position: the broker returns whole batches
      }
      if (b.hasProducerId()) {
        while (!aborted.isEmpty() && aborted.peek().firstOffset() <= b.lastOffset()) {
          abortedProducers.add(aborted.poll().producerId());
        }
        if (b.isControlBatch() && isAbortMarker(b)) {
          abortedProducers.remove(b.producerId());
        } else if (b.isTransactional() && abortedProducers.contains(b.producerId())) {
          p.position = b.nextOffset(); // aborted: read_committed readers never see it
          continue;
        }
      }
      if (b.isControlBatch()) {
        p.position = b.nextOffset();
        continue;
      }
      Batch batch = asIs(b, buffer, start, p.position);
      if (batch == null) {
        batch = rebuilt(b, p.position);
      }
      p.position = b.nextOffset();
      if (batch != null) {
        out.add(batch);
      }
    }
    return out;
  }

  private static boolean isAbortMarker(MutableRecordBatch b) {
    java.util.Iterator<Record> it = b.iterator();
    if (!it.hasNext()) {
      return false;
    }
    Record r = it.next();
    return r.key() != null && ControlRecordType.parse(r.key()) == ControlRecordType.ABORT;
  }

  /** The batch as fetched, when it can be written as it is: v2, create times, every offset from the position. */
  private static @Nullable Batch asIs(MutableRecordBatch b, ByteBuffer buffer, int start, long position) {
    if (b.magic() != RecordBatch.MAGIC_VALUE_V2 || b.timestampType() != TimestampType.CREATE_TIME
        || b.baseOffset() < position) {
      return null;
    }
    Integer count = b.countOrNull();
    if (count == null || count == 0 || count != b.lastOffset() - b.baseOffset() + 1) {
      return null; // compaction removed records: their offsets are not consecutive any more
    }
    ByteBuffer slice = buffer.duplicate().position(start).limit(start + b.sizeInBytes()).slice();
    return new Batch(slice, b.baseOffset(), b.lastOffset(), b.nextOffset(), count, null, b.maxTimestamp());
  }

  /** A new v2 batch of the records at or after {@code position}, or null when there are none. */
  private static @Nullable Batch rebuilt(MutableRecordBatch b, long position) {
    ByteBuffer out = ByteBuffer.allocate(Math.max(1024, b.sizeInBytes() + 256));
    MemoryRecordsBuilder builder = MemoryRecords.builder(out, RecordBatch.MAGIC_VALUE_V2,
        Compression.of(b.compressionType()).build(), TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP,
        RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, false,
        RecordBatch.NO_PARTITION_LEADER_EPOCH);
    List<Long> runs = new ArrayList<>();
    int index = 0;
    long first = -1;
    long last = -1;
    long maxTimestamp = -1;
    for (Record r : b) {
      if (r.offset() < position) {
        continue;
      }
      if (index == 0) {
        first = r.offset();
      } else if (r.offset() != last + 1) {
        runs.add(r.offset());
        runs.add((long) index);
      }
      builder.appendWithOffset(index, r.timestamp(), r.key(), r.value(), r.headers());
      maxTimestamp = Math.max(maxTimestamp, r.timestamp());
      last = r.offset();
      index++;
    }
    if (index == 0) {
      return null;
    }
    MemoryRecords built = builder.build();
    long[] gaps = null;
    if (!runs.isEmpty()) {
      gaps = new long[runs.size()];
      for (int i = 0; i < gaps.length; i++) {
        gaps[i] = runs.get(i);
      }
    }
    return new Batch(built.buffer().slice(), first, last, b.nextOffset(), index, gaps, maxTimestamp);
  }

  @Override
  public void close() {
    connection.close();
  }
}
