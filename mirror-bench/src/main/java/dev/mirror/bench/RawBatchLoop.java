package dev.mirror.bench;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.ApiVersions;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.clients.ManualMetadataUpdater;
import org.apache.kafka.clients.MetadataRecoveryStrategy;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.network.PlaintextChannelBuilder;
import org.apache.kafka.common.network.Selector;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.utils.Crc32C;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;

/**
 * An experiment, not a product: how fast can records move when whole record batches are copied instead of
 * single records? It fetches raw batches from the source with the Kafka protocol (kafka-clients' internal
 * network client, PLAINTEXT, one-broker clusters), rewrites each batch's producer id, epoch and sequence for its
 * own idempotent producer id, recomputes the batch checksum and produces the batch unchanged otherwise (no
 * record parsing, no re-encoding). It keeps no positions, handles no errors beyond stopping, and skips nothing:
 * it is a ceiling to compare the client-API loop with, not a replicator.
 *
 * <pre>
 * RawBatchLoop &lt;source bootstrap&gt; &lt;target bootstrap&gt; &lt;source topic&gt; &lt;target topic&gt;
 *     &lt;expected records&gt; [maxMinutes]
 * </pre>
 */
public final class RawBatchLoop {
  // Offsets of the fields of a v2 record batch header.
  private static final int BASE_OFFSET = 0;
  private static final int CRC = 17;
  private static final int ATTRIBUTES = 21;
  private static final int LAST_OFFSET_DELTA = 23;
  private static final int PRODUCER_ID = 43;
  private static final int PRODUCER_EPOCH = 51;
  private static final int BASE_SEQUENCE = 53;
  private static final int RECORDS_COUNT = 57;
  private static final int MAX_IN_FLIGHT = 5;

  private RawBatchLoop() {}

  /** One fetched batch: a slice of the fetch response's buffer. */
  private record Batch(int partition, ByteBuffer bytes) {}

  /**
   * Runs the loop.
   *
   * @param args see the class documentation
   * @throws Exception when a request fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: RawBatchLoop <source bootstrap> <target bootstrap> <source topic> <target topic>"
          + " <expected records> [maxMinutes]");
      System.exit(2);
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(args.length > 5 ? Long.parseLong(args[5]) : 60);
    copy(args[0], args[1], args[2], args[3], Long.parseLong(args[4]), deadline, false);
  }

  /**
   * Copies {@code sourceTopic} to {@code targetTopic} (created with the source's partition count) until the
   * deadline, printing {@code DONE <n>} once {@code expected} records were acknowledged.
   *
   * @param returnWhenDone return as soon as {@code expected} records were acknowledged, instead of at the deadline
   * @return the records acknowledged
   * @throws Exception when a request fails
   */
  static long copy(String sourceServers, String targetServers, String sourceTopic, String targetTopic,
      long expected, long deadline, boolean returnWhenDone) throws Exception {
    TopicDescription source;
    Node sourceNode;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sourceServers))) {
      source = admin.describeTopics(List.of(sourceTopic)).allTopicNames().get().get(sourceTopic);
      sourceNode = source.partitions().get(0).leader();
    }
    int partitions = source.partitions().size();
    TopicDescription target;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, targetServers))) {
      BareLoop.createTopic(admin, targetTopic, partitions);
      target = null;
      for (int i = 0; i < 100 && (target == null || target.partitions().get(0).leader() == null); i++) {
        try {
          target = admin.describeTopics(List.of(targetTopic)).allTopicNames().get().get(targetTopic);
        } catch (java.util.concurrent.ExecutionException e) {
          Thread.sleep(20);
        }
      }
    }
    if (target == null) {
      throw new IllegalStateException("target topic " + targetTopic + " has no leader");
    }
    Node targetNode = target.partitions().get(0).leader();

    // A few fetch responses at most wait for the producer (each up to 4 MiB per partition).
    BlockingQueue<List<Batch>> queue = new ArrayBlockingQueue<>(4);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    Thread fetcher = new Thread(() -> {
      try {
        fetch(sourceNode, sourceTopic, source.topicId(), partitions, queue, deadline, done);
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    }, "raw-fetcher");
    fetcher.setDaemon(true);
    fetcher.start();
    try {
      return produce(targetNode, targetTopic, target.topicId(), queue, expected, deadline, failure, returnWhenDone);
    } finally {
      done.set(true);
      queue.clear();
      fetcher.join(5_000);
    }
  }

  private static NetworkClient client(Node node, String id) {
    LogContext log = new LogContext("[" + id + "] ");
    PlaintextChannelBuilder channels = new PlaintextChannelBuilder(ListenerName.normalised("PLAINTEXT"));
    channels.configure(Map.of());
    Selector selector = new Selector(100 * 1024 * 1024, 540_000, 0, new Metrics(), Time.SYSTEM, id, Map.of(),
        false, channels, log);
    return new NetworkClient(selector, new ManualMetadataUpdater(List.of(node)), id, MAX_IN_FLIGHT, 50, 1000,
        1 << 20, 1 << 20, 30_000, 10_000, 30_000, Time.SYSTEM, true, new ApiVersions(), log,
        MetadataRecoveryStrategy.NONE);
  }

  private static void awaitReady(NetworkClient client, Node node) {
    long end = System.currentTimeMillis() + 30_000;
    while (!client.ready(node, System.currentTimeMillis())) {
      if (System.currentTimeMillis() > end) {
        throw new IllegalStateException("no connection to " + node);
      }
      client.poll(50, System.currentTimeMillis());
    }
  }

  /** Sends one request and polls until its response. */
  private static ClientResponse call(NetworkClient client, Node node, AbstractRequest.Builder<?> request) {
    awaitReady(client, node);
    long now = System.currentTimeMillis();
    client.send(client.newClientRequest(node.idString(), request, now, true), now);
    long end = now + 30_000;
    while (System.currentTimeMillis() < end) {
      for (ClientResponse r : client.poll(100, System.currentTimeMillis())) {
        if (r.responseBody() == null) {
          throw new IllegalStateException("no response: " + r);
        }
        return r;
      }
    }
    throw new IllegalStateException("no response within 30 s");
  }

  private static void fetch(Node node, String topic, Uuid topicId, int partitions, BlockingQueue<List<Batch>> queue,
      long deadline, java.util.concurrent.atomic.AtomicBoolean done) throws InterruptedException {
    NetworkClient client = client(node, "raw-fetch");
    long[] next = new long[partitions];
    Map<Uuid, String> names = Map.of(topicId, topic);
    while (System.nanoTime() < deadline && !done.get()) {
      Map<TopicPartition, FetchRequest.PartitionData> data = new java.util.LinkedHashMap<>();
      for (int p = 0; p < partitions; p++) {
        data.put(new TopicPartition(topic, p),
            new FetchRequest.PartitionData(topicId, next[p], -1, 4 << 20, Optional.empty()));
      }
      FetchRequest.Builder request = FetchRequest.Builder.forConsumer(ApiKeys.FETCH.latestVersion(), 500, 1, data)
          .setMaxBytes(64 << 20);
      ClientResponse response = call(client, node, request);
      FetchResponse body = (FetchResponse) response.responseBody();
      List<Batch> batches = new ArrayList<>();
      for (Map.Entry<TopicPartition, FetchResponseData.PartitionData> e
          : body.responseData(names, response.requestHeader().apiVersion()).entrySet()) {
        FetchResponseData.PartitionData pd = e.getValue();
        if (pd.errorCode() != Errors.NONE.code()) {
          throw new IllegalStateException("fetch " + e.getKey() + ": " + Errors.forCode(pd.errorCode()));
        }
        int p = e.getKey().partition();
        MemoryRecords records = (MemoryRecords) FetchResponse.recordsOrFail(pd);
        ByteBuffer buffer = records.buffer();
        int position = buffer.position();
        for (MutableRecordBatch b : records.batches()) {
          // Batches follow each other in the buffer: each is a slice of it, rewritten in place later.
          ByteBuffer slice = buffer.duplicate().position(position).limit(position + b.sizeInBytes()).slice();
          position += b.sizeInBytes();
          if (b.lastOffset() < next[p]) {
            continue;
          }
          if (b.isTransactional() || b.isControlBatch()) {
            throw new IllegalStateException("the experiment copies only topics written without transactions");
          }
          batches.add(new Batch(p, slice));
          next[p] = b.nextOffset();
        }
      }
      while (!batches.isEmpty() && !done.get() && !queue.offer(batches, 100, TimeUnit.MILLISECONDS)) {
        // the producer is behind
      }
    }
    client.close();
  }

  private static long produce(Node node, String topic, Uuid topicId, BlockingQueue<List<Batch>> queue,
      long expected, long deadline, AtomicReference<Throwable> failure, boolean returnWhenDone) {
    NetworkClient client = client(node, "raw-produce");
    InitProducerIdResponse init = null;
    // A new cluster's coordinator may still be loading: retried for up to 30 s.
    for (int attempt = 0; attempt < 300 && (init == null || init.error() != Errors.NONE); attempt++) {
      if (init != null) {
        if (!(init.error().exception() instanceof org.apache.kafka.common.errors.RetriableException)) {
          throw new IllegalStateException("InitProducerId: " + init.error());
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return 0;
        }
      }
      init = (InitProducerIdResponse) call(client, node, new InitProducerIdRequest.Builder(
          new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE)))
          .responseBody();
    }
    if (init == null || init.error() != Errors.NONE) {
      throw new IllegalStateException("InitProducerId: " + (init == null ? "no answer" : init.error()));
    }
    long producerId = init.data().producerId();
    short epoch = init.data().producerEpoch();
    Map<Integer, ArrayDeque<ByteBuffer>> pending = new HashMap<>();
    Map<Integer, Integer> sequence = new HashMap<>();
    int[] inFlight = {0};
    long[] acked = {0};
    boolean reported = false;
    int waiting = 0; // batches in pending
    while (System.nanoTime() < deadline) {
      if (failure.get() != null) {
        throw new IllegalStateException("copy failed: " + failure.get().getMessage(), failure.get());
      }
      boolean idle = inFlight[0] == 0 && waiting == 0;
      List<Batch> fetched;
      try {
        fetched = idle ? queue.poll(10, TimeUnit.MILLISECONDS) : queue.poll();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return acked[0];
      }
      while (fetched != null) {
        for (Batch b : fetched) {
          pending.computeIfAbsent(b.partition(), k -> new ArrayDeque<>()).add(b.bytes());
          waiting++;
        }
        fetched = queue.poll();
      }
      // Ready: connected, and the last request written out (the client's in-flight limit is MAX_IN_FLIGHT).
      while (waiting > 0 && client.ready(node, System.currentTimeMillis())) {
        List<ProduceRequestData.PartitionProduceData> parts = new ArrayList<>();
        long records = 0;
        for (Map.Entry<Integer, ArrayDeque<ByteBuffer>> e : pending.entrySet()) {
          ByteBuffer b = e.getValue().poll();
          if (b == null) {
            continue;
          }
          waiting--;
          int seq = sequence.getOrDefault(e.getKey(), 0);
          b.putLong(BASE_OFFSET, 0L);
          b.putLong(PRODUCER_ID, producerId);
          b.putShort(PRODUCER_EPOCH, epoch);
          b.putInt(BASE_SEQUENCE, seq);
          sequence.put(e.getKey(), seq + b.getInt(LAST_OFFSET_DELTA) + 1);
          b.putInt(CRC, (int) Crc32C.compute(b, ATTRIBUTES, b.limit() - ATTRIBUTES));
          records += b.getInt(RECORDS_COUNT);
          parts.add(new ProduceRequestData.PartitionProduceData().setIndex(e.getKey())
              .setRecords(MemoryRecords.readableRecords(b)));
        }
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setTopicId(topicId)
            .setPartitionData(parts));
        long count = records;
        long now = System.currentTimeMillis();
        client.send(client.newClientRequest(node.idString(), ProduceRequest.builder(new ProduceRequestData()
            .setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics)), now, true, 30_000, r -> {
              inFlight[0]--;
              if (r.responseBody() == null) {
                failure.compareAndSet(null, new IllegalStateException("produce: no response " + r));
                return;
              }
              ProduceResponseData data = ((org.apache.kafka.common.requests.ProduceResponse) r.responseBody()).data();
              for (ProduceResponseData.TopicProduceResponse t : data.responses()) {
                for (ProduceResponseData.PartitionProduceResponse pr : t.partitionResponses()) {
                  if (pr.errorCode() != Errors.NONE.code()) {
                    failure.compareAndSet(null, new IllegalStateException("produce partition " + pr.index() + ": "
                        + Errors.forCode(pr.errorCode()) + " " + pr.errorMessage()));
                    return;
                  }
                }
              }
              acked[0] += count;
            }), now);
        inFlight[0]++;
      }
      client.poll(inFlight[0] > 0 ? 5 : 1, System.currentTimeMillis());
      if (!reported && acked[0] >= expected) {
        System.out.println("DONE " + acked[0]);
        System.out.flush();
        reported = true;
        if (returnWhenDone) {
          break;
        }
      }
    }
    client.close();
    return acked[0];
  }
}
