package dev.mirror.internal.engine;

import dev.mirror.ClusterSpec;
import dev.mirror.FlowSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Builds the properties of every client a flow creates: the cluster's properties, then the cluster's role
 * overrides, then the flow's role overrides, then the settings Mirror owns. Also checks them at build time.
 */
public final class ClientConfigs {

  /** Consumer keys Mirror sets itself, with the reason given to a user who sets them. */
  static final Map<String, String> OWNED_CONSUMER_KEYS = Map.of(
      ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "Mirror copies raw bytes",
      ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "Mirror copies raw bytes",
      ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "Mirror stores positions in the target cluster itself",
      ConsumerConfig.GROUP_ID_CONFIG, "Mirror reads the source without a consumer group",
      ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "Mirror reads the source without a consumer group",
      ConsumerConfig.ISOLATION_LEVEL_CONFIG, "Mirror reads read_committed so aborted records are never copied",
      ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "use the flow's startPosition(EARLIEST|LATEST) instead");

  /** Producer keys Mirror sets itself, with the reason given to a user who sets them. */
  static final Map<String, String> OWNED_PRODUCER_KEYS = Map.of(
      ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "Mirror copies raw bytes",
      ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "Mirror copies raw bytes",
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "Mirror needs idempotence to keep order without duplicates",
      ProducerConfig.ACKS_CONFIG, "Mirror stores a position only after all in-sync replicas have the data",
      ProducerConfig.TRANSACTIONAL_ID_CONFIG, "Mirror manages transactions itself");

  private ClientConfigs() {}

  /**
   * Socket buffer size of the clients that carry the copied bytes unless the user set one: -1, the operating
   * system's, which grows with the traffic. The Kafka clients' fixed 64 KiB (consumer) and 128 KiB (producer)
   * keep a fast copy waking up for every few dozen kilobytes: with them, copying 4 KiB records between two
   * local brokers took 30 % more CPU per record and ran 20 % slower.
   */
  static final int COPY_SOCKET_BUFFER_BYTES = -1;

  /** Returns the properties of the source consumer of a flow. */
  public static Map<String, Object> sourceConsumer(ClusterSpec source, FlowSpec flow, String clientId) {
    Map<String, Object> defaults = Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
        ConsumerConfig.RECEIVE_BUFFER_CONFIG, COPY_SOCKET_BUFFER_BYTES);
    return consumer(defaults, source, flow, clientId, "none");
  }

  /** Returns the properties of a consumer that reads Mirror's own topics on the target cluster. */
  public static Map<String, Object> targetConsumer(ClusterSpec target, FlowSpec flow, String clientId) {
    return consumer(Map.of(), target, flow, clientId, "earliest");
  }

  /**
   * Returns the properties of the consumer through which instances sharing a flow split its shards: a member
   * of {@code groupId} on the target cluster, subscribed to the state topic, fetching nothing.
   */
  public static Map<String, Object> membershipConsumer(ClusterSpec target, FlowSpec flow, String clientId,
      String groupId) {
    Map<String, Object> c = consumer(Map.of(), target, flow, clientId, "earliest");
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000);
    return c;
  }

  /** Defaults, then the cluster's properties and overrides, then the flow's, then what Mirror owns. */
  private static Map<String, Object> consumer(Map<String, Object> defaults, ClusterSpec cluster, FlowSpec flow,
      String clientId, String autoOffsetReset) {
    Map<String, Object> c = new LinkedHashMap<>(defaults);
    c.putAll(cluster.properties());
    c.putAll(cluster.consumerOverrides());
    c.putAll(flow.consumerOverrides());
    c.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    return c;
  }

  /**
   * Returns the properties of a flow's batch copy reader: the source consumer's, with fetches of up to
   * {@value #BATCH_PARTITION_FETCH_BYTES} bytes per partition unless the user chose the size (the batches are
   * written as fetched, so larger fetches mean fewer, fuller produce requests), and the copy's socket buffers.
   */
  public static Map<String, Object> batchReader(ClusterSpec source, FlowSpec flow, String clientId) {
    return consumer(Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, BATCH_PARTITION_FETCH_BYTES,
        ConsumerConfig.RECEIVE_BUFFER_CONFIG, COPY_SOCKET_BUFFER_BYTES), source, flow, clientId, "none");
  }

  /** Bytes a batch copy fetch takes per partition unless the user set {@code max.partition.fetch.bytes}. */
  static final int BATCH_PARTITION_FETCH_BYTES = 4 * 1024 * 1024;

  /**
   * Returns why the flow's client settings rule batch copy out, or null: settings that act on single records,
   * which batch copy never decodes.
   */
  static @org.jspecify.annotations.Nullable String batchCopyConflict(ClusterSpec source, ClusterSpec target,
      FlowSpec flow) {
    for (Map<String, Object> m : List.of(target.properties(), target.producerOverrides(), flow.producerOverrides())) {
      if (m.containsKey(ProducerConfig.COMPRESSION_TYPE_CONFIG)) {
        return "the target producer's compression.type is set (batch copy writes the source's batches with the"
            + " source's compression)";
      }
      if (m.containsKey(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG)) {
        return "the target producer has interceptor.classes (batch copy has no records to show them)";
      }
    }
    for (Map<String, Object> m : List.of(source.properties(), source.consumerOverrides(), flow.consumerOverrides())) {
      if (m.containsKey(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG)) {
        return "the source consumer has interceptor.classes (batch copy has no records to show them)";
      }
    }
    return null;
  }

  /** Returns the properties of a producer writing Mirror's small records (heartbeats, offset syncs) to the source. */
  public static Map<String, Object> sourceProducer(ClusterSpec source, String clientId) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.putAll(source.properties());
    c.putAll(source.producerOverrides());
    return withOwnedProducerSettings(c, clientId);
  }

  /**
   * Sets what Mirror owns in every producer's properties over what the user gave: the client id and the
   * {@code OWNED_PRODUCER_KEYS}.
   */
  private static Map<String, Object> withOwnedProducerSettings(Map<String, Object> c, String clientId) {
    c.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    return c;
  }

  /** Returns the properties of the target producer of a flow. */
  public static Map<String, Object> targetProducer(ClusterSpec target, FlowSpec flow, String clientId) {
    Map<String, Object> c = new LinkedHashMap<>();
    // Throughput defaults (MirrorMaker 2 keeps the client's 16 KiB batches and no linger); users may override.
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    c.put(ProducerConfig.SEND_BUFFER_CONFIG, COPY_SOCKET_BUFFER_BYTES);
    c.putAll(target.properties());
    c.putAll(target.producerOverrides());
    c.putAll(flow.producerOverrides());
    return withOwnedProducerSettings(c, clientId);
  }

  /**
   * Returns the properties of a flow's control producer, which writes only small records (checkpoints,
   * heartbeats, offset syncs): the Kafka client's own batch size, linger and socket buffer unless the user set
   * them, so each of its batches does not take a 512 KiB buffer (a large allocation for the JVM's garbage
   * collector).
   */
  public static Map<String, Object> controlProducer(ClusterSpec target, FlowSpec flow, String clientId) {
    Map<String, Object> c = targetProducer(target, flow, clientId);
    for (String key : List.of(ProducerConfig.BATCH_SIZE_CONFIG, ProducerConfig.LINGER_MS_CONFIG,
        ProducerConfig.SEND_BUFFER_CONFIG)) {
      if (!target.properties().containsKey(key) && !target.producerOverrides().containsKey(key)
          && !flow.producerOverrides().containsKey(key)) {
        c.remove(key);
      }
    }
    return c;
  }

  /**
   * Returns the properties of a copy thread's producer in exactly-once mode: transactional, with a transaction
   * timeout of 10 s unless the user set one (a process that dies mid-transaction holds back
   * {@code read_committed} readers of its partitions until the broker aborts it).
   */
  public static Map<String, Object> transactionalProducer(ClusterSpec target, FlowSpec flow, String clientId,
      String transactionalId) {
    Map<String, Object> c = targetProducer(target, flow, clientId);
    c.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return c;
  }

  /** Returns the properties of an admin client of a cluster for a flow. */
  public static Map<String, Object> admin(ClusterSpec cluster, FlowSpec flow, String clientId,
      java.time.Duration operationTimeout) {
    Map<String, Object> c = new LinkedHashMap<>();
    // Admin calls fail within the operation timeout, so an unreachable cluster is reported and retried.
    int timeoutMs = (int) Math.min(Integer.MAX_VALUE, operationTimeout.toMillis());
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 30_000));
    // The partitions of a topic Mirror just created get their leader within tens of milliseconds: a call that
    // finds one without it retries after 20 ms rather than 100 (backing off exponentially to retry.backoff.max.ms).
    c.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 20);
    c.putAll(cluster.properties());
    c.putAll(cluster.adminOverrides());
    c.putAll(flow.adminOverrides());
    c.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    return c;
  }

  /**
   * Checks a cluster's properties as Kafka's own config classes would, and refuses the keys Mirror owns.
   * Adds one message per problem to {@code problems}.
   */
  public static void validateCluster(ClusterSpec cluster, List<String> problems) {
    String subject = "cluster '" + cluster.alias() + "'";
    Object bootstrap = cluster.properties().get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null || bootstrap.toString().isBlank()) {
      problems.add(subject + ": missing 'bootstrap.servers'; set it with cluster(\"" + cluster.alias()
          + "\", Map.of(\"bootstrap.servers\", \"host:9092\"))");
      return;
    }
    owned(subject + " consumer", cluster.consumerOverrides(), OWNED_CONSUMER_KEYS, problems);
    owned(subject + " consumer", cluster.properties(), OWNED_CONSUMER_KEYS, problems);
    owned(subject + " producer", cluster.producerOverrides(), OWNED_PRODUCER_KEYS, problems);
    owned(subject + " producer", cluster.properties(), OWNED_PRODUCER_KEYS, problems);
  }

  /** Checks the clients a flow would create; call only when both clusters are valid. */
  public static void validateFlow(ClusterSpec source, ClusterSpec target, FlowSpec flow, List<String> problems) {
    String subject = "flow '" + flow.id() + "'";
    owned(subject + " consumer", flow.consumerOverrides(), OWNED_CONSUMER_KEYS, problems);
    owned(subject + " producer", flow.producerOverrides(), OWNED_PRODUCER_KEYS, problems);
    List<String> found = new java.util.ArrayList<>();
    parse(subject + " source consumer (cluster '" + source.alias() + "')",
        () -> new ConsumerConfig(sourceConsumer(source, flow, "validate")), found);
    parse(subject + " target producer (cluster '" + target.alias() + "')",
        () -> new ProducerConfig(targetProducer(target, flow, "validate")), found);
    parse(subject + " source admin (cluster '" + source.alias() + "')",
        () -> new AdminClientConfig(admin(source, flow, "validate", java.time.Duration.ofSeconds(30))), found);
    parse(subject + " target admin (cluster '" + target.alias() + "')",
        () -> new AdminClientConfig(admin(target, flow, "validate", java.time.Duration.ofSeconds(30))), found);
    for (String problem : found) {
      problems.add(hideSecrets(problem, source, target, flow));
    }
  }

  /**
   * Kafka's ConfigException quotes the bad value; for a secret key whose value is not a string (Kafka prints
   * strings of PASSWORD keys as [hidden] itself), replace every secret value in the message.
   */
  private static String hideSecrets(String message, ClusterSpec source, ClusterSpec target, FlowSpec flow) {
    String result = message;
    for (Map<String, Object> props : List.of(source.properties(), source.consumerOverrides(),
        source.producerOverrides(), source.adminOverrides(), target.properties(), target.consumerOverrides(),
        target.producerOverrides(), target.adminOverrides(), flow.consumerOverrides(), flow.producerOverrides(),
        flow.adminOverrides())) {
      for (Map.Entry<String, Object> e : props.entrySet()) {
        String value = String.valueOf(e.getValue());
        if (dev.mirror.internal.Checks.isSecretKey(e.getKey()) && !value.isEmpty()) {
          result = result.replace(value, "[hidden]");
        }
      }
    }
    return result;
  }

  private static void owned(String subject, Map<String, Object> props, Map<String, String> ownedKeys,
      List<String> problems) {
    for (String key : props.keySet()) {
      String why = ownedKeys.get(key);
      if (why != null) {
        problems.add(subject + " property '" + key + "' is set by Mirror (" + why + "); remove it");
      }
    }
  }

  private static void parse(String subject, Runnable parse, List<String> problems) {
    try {
      parse.run();
    } catch (ConfigException e) {
      problems.add(subject + ": " + e.getMessage());
    }
  }
}
