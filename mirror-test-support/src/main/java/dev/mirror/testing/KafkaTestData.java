package dev.mirror.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * One-shot helpers that create topics, write records and read them back on a {@link KafkaCluster}. Each call
 * opens its own short-lived client and closes it before returning.
 *
 * <pre>{@code
 * String topic = KafkaTestData.uniqueName("orders");
 * KafkaTestData.createTopic(primary, topic, 2, Map.of("cleanup.policy", "compact"));
 * KafkaTestData.produce(primary, topic, List.of(
 *     KafkaTestData.record(topic, "k1", "v1"),
 *     KafkaTestData.record(topic, "k2", "v2")));
 * assertThat(KafkaTestData.readAll(primary, topic, Duration.ofSeconds(10)))
 *     .extracting(r -> KafkaTestData.utf8(r.key()), r -> KafkaTestData.utf8(r.value()))
 *     .containsExactlyInAnyOrder(tuple("k1", "v1"), tuple("k2", "v2"));
 * }</pre>
 *
 * <p>Failures: a state of the cluster a test would assert on (a missing topic, a read that does not reach
 * the end in time) throws an {@link AssertionError}, so that {@link Await} retries it and JUnit reports a
 * failure; a wrong argument throws {@link IllegalArgumentException}; any other Kafka error throws
 * {@link IllegalStateException} with the Kafka exception as cause.
 *
 * <p>This class is thread-safe and stateless.
 */
public final class KafkaTestData {

  /** How long the helpers without a timeout parameter wait for the cluster. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final Pattern LEGAL_TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final int MAX_TOPIC_LENGTH = 249;
  private static final int SUFFIX_LENGTH = 8;

  private KafkaTestData() {
  }

  /**
   * Returns {@code prefix}, a dash and 8 random hex digits, for example {@code orders-3f9a0c1e}: a legal
   * topic, group or transactional id that no other test uses.
   *
   * @param prefix the readable part, made of {@code [a-zA-Z0-9._-]}
   * @return a new unique name
   * @throws IllegalArgumentException if {@code prefix} is empty, has other characters, or is longer than
   *     240 characters
   */
  public static String uniqueName(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!LEGAL_TOPIC_CHARS.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "prefix must be made of the characters [a-zA-Z0-9._-], but was '" + prefix + "'");
    }
    if (prefix.length() > MAX_TOPIC_LENGTH - SUFFIX_LENGTH - 1) {
      throw new IllegalArgumentException("prefix must be at most " + (MAX_TOPIC_LENGTH - SUFFIX_LENGTH - 1)
          + " characters long, but was " + prefix.length());
    }
    return prefix + "-" + UUID.randomUUID().toString().substring(0, SUFFIX_LENGTH);
  }

  /**
   * Creates a topic with replication factor 1 and no extra configuration, and waits until every partition
   * has a leader.
   *
   * @param cluster the cluster
   * @param name the topic name
   * @param partitions the number of partitions, at least 1
   * @throws IllegalStateException if the topic cannot be created (it exists already, for example)
   */
  public static void createTopic(KafkaCluster cluster, String name, int partitions) {
    createTopic(cluster, name, partitions, Map.of());
  }

  /**
   * Creates a topic with replication factor 1 and the given topic configuration, and waits (up to
   * {@link #DEFAULT_TIMEOUT}) until every partition has a leader.
   *
   * @param cluster the cluster
   * @param name the topic name
   * @param partitions the number of partitions, at least 1
   * @param configs topic configuration with Kafka's keys, such as {@code cleanup.policy}; may be empty
   * @throws IllegalArgumentException if {@code partitions} is less than 1
   * @throws IllegalStateException if the topic cannot be created (it exists already, for example) or its
   *     partitions have no leader in time
   */
  public static void createTopic(KafkaCluster cluster, String name, int partitions, Map<String, String> configs) {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(configs, "configs");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, but was " + partitions);
    }
    long deadline = deadline(DEFAULT_TIMEOUT);
    try (Admin admin = admin(cluster)) {
      admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.of((short) 1))
              .configs(configs)))
          .all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      for (int attempt = 0; attempt < 10_000; attempt++) {
        if (allPartitionsLed(admin, name, partitions, deadline)) {
          return;
        }
        if (System.nanoTime() >= deadline) {
          break;
        }
        Thread.sleep(Await.POLL_INTERVAL.toMillis());
      }
      throw new IllegalStateException("topic '" + name + "' on cluster '" + cluster.name()
          + "' has partitions without a leader after " + DEFAULT_TIMEOUT);
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("cannot create topic '" + name + "' with " + partitions
          + " partitions on cluster '" + cluster.name() + "': " + cause, cause);
    }
  }

  /**
   * Tells whether the broker knows the topic with all its partitions led. Right after creation the broker's
   * metadata may lag behind the controller's and answer UNKNOWN_TOPIC_OR_PARTITION for a moment.
   */
  private static boolean allPartitionsLed(Admin admin, String name, int partitions, long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    TopicDescription description;
    try {
      description = admin.describeTopics(List.of(name)).allTopicNames()
          .get(remainingMillis(deadline), TimeUnit.MILLISECONDS).get(name);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
    return description != null && description.partitions().size() == partitions
        && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
  }

  /**
   * Returns a record for {@code topic} with the UTF-8 bytes of {@code key} and {@code value}.
   *
   * @param topic the topic
   * @param key the key, or null for none
   * @param value the value, or null for a tombstone
   * @return the record, with no partition or timestamp set
   */
  public static ProducerRecord<byte[], byte[]> record(String topic, @Nullable String key, @Nullable String value) {
    Objects.requireNonNull(topic, "topic");
    return new ProducerRecord<>(topic, bytes(key), bytes(value));
  }

  /**
   * Decodes UTF-8 bytes, for assertions on keys and values.
   *
   * @param bytes the bytes, or null
   * @return the string, or null if {@code bytes} is null
   */
  public static @Nullable String utf8(byte @Nullable [] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
  /**
   * Groups records' values (as UTF-8) by partition, in the order given: two copies of a topic are equal
   * record by record when these maps are equal.
   *
   * @param records records, typically from {@link #readAll}
   * @return values per partition number, partitions in ascending order
   */
  public static java.util.Map<Integer, List<@Nullable String>> valuesByPartition(
      List<ConsumerRecord<byte[], byte[]>> records) {
    java.util.Map<Integer, List<@Nullable String>> map = new java.util.TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      map.computeIfAbsent(r.partition(), p -> new java.util.ArrayList<>()).add(utf8(r.value()));
    }
    return map;
  }


  /**
   * Writes the records in order with an idempotent producer ({@code acks=all}), flushes, and returns once
   * every record is acknowledged.
   *
   * @param cluster the cluster
   * @param topic the topic every record must name
   * @param records the records, in order; partitions, timestamps and headers are kept
   * @throws IllegalArgumentException if a record names another topic
   * @throws IllegalStateException if a record is not acknowledged within {@link #DEFAULT_TIMEOUT}
   */
  public static void produce(KafkaCluster cluster, String topic, List<ProducerRecord<byte[], byte[]>> records) {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(records, "records");
    for (int i = 0; i < records.size(); i++) {
      String recordTopic = records.get(i).topic();
      if (!topic.equals(recordTopic)) {
        throw new IllegalArgumentException("records[" + i + "] must be for topic '" + topic
            + "', but was for topic '" + recordTopic + "'");
      }
    }
    Map<String, Object> props = new HashMap<>(cluster.clientProperties());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "mirror-test-data-producer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // One request in flight: a batch refused by a leader that is not ready yet cannot be overtaken by the next.
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) DEFAULT_TIMEOUT.toMillis());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DEFAULT_TIMEOUT.toMillis());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DEFAULT_TIMEOUT.toMillis() / 2);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    long deadline = deadline(DEFAULT_TIMEOUT.plusSeconds(5));
    int index = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
      for (ProducerRecord<byte[], byte[]> record : records) {
        acks.add(producer.send(record));
        index++;
      }
      producer.flush();
      for (index = 0; index < acks.size(); index++) {
        acks.get(index).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    } catch (InterruptException e) {
      throw e;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("cannot produce records[" + index + "] of " + records.size()
          + " to topic '" + topic + "' on cluster '" + cluster.name() + "': " + cause, cause);
    }
  }

  /**
   * Reads a topic from the beginning up to its end offsets captured when this method is called, with
   * {@code isolation.level=read_committed} (so the end is the last stable offset, and aborted or open
   * transactions are left out). No consumer group is used: the partitions are assigned, nothing is
   * committed.
   *
   * <p>The result is a snapshot: records written after the call are not waited for. In particular
   * {@code commitTransaction()} returns before the commit markers reach the partitions, so a transaction
   * committed a moment ago may not be visible yet. To wait for records, wrap the call:
   * {@code Await.until(timeout, () -> assertThat(readAll(cluster, topic, timeout)).hasSize(n))}.
   *
   * @param cluster the cluster
   * @param topic the topic
   * @param timeout how long to read before failing
   * @return the records ordered by partition, then offset; empty if the topic is empty
   * @throws AssertionError if the topic does not exist, or the end is not reached within {@code timeout};
   *     the message gives the positions reached and the end offsets
   */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaCluster cluster, String topic, Duration timeout) {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(timeout, "timeout");
    long deadline = deadline(timeout);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(cluster, "mirror-test-data-reader", true)) {
      List<TopicPartition> partitions = partitions(consumer, cluster, topic, deadline);
      Map<TopicPartition, Long> ends = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
      ends.putAll(consumer.endOffsets(partitions, Duration.ofMillis(remainingMillis(deadline))));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<byte[], byte[]>> result = new ArrayList<>();
      Map<TopicPartition, Long> positions = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
      // The deadline ends the loop; the count is only a safety net (a poll returns at most 500 records).
      long maxPolls = 1_000_000;
      for (long poll = 0; poll < maxPolls; poll++) {
        positions.clear();
        boolean done = true;
        for (TopicPartition tp : partitions) {
          long position = consumer.position(tp, Duration.ofMillis(remainingMillis(deadline)));
          positions.put(tp, position);
          done &= position >= ends.get(tp);
        }
        if (done || System.nanoTime() >= deadline) {
          if (done) {
            result.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
            return result;
          }
          break;
        }
        ConsumerRecords<byte[], byte[]> records =
            consumer.poll(Duration.ofMillis(Math.min(200, remainingMillis(deadline))));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
            result.add(record);
          }
        }
      }
      throw new AssertionError("readAll of topic '" + topic + "' on cluster '" + cluster.name()
          + "' did not reach the end offsets within " + timeout + "; positions " + positions
          + ", end offsets " + ends + ", " + result.size() + " records read");
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new AssertionError("readAll of topic '" + topic + "' on cluster '" + cluster.name()
          + "' timed out after " + timeout + ": " + e, e);
    }
  }

  /**
   * Returns the end offset (high watermark) of every partition of a topic.
   *
   * @param cluster the cluster
   * @param topic the topic
   * @return the end offsets, ordered by partition
   * @throws AssertionError if the topic does not exist
   * @throws IllegalStateException if the offsets cannot be read within {@link #DEFAULT_TIMEOUT}
   */
  public static Map<TopicPartition, Long> endOffsets(KafkaCluster cluster, String topic) {
    return endOffsets(cluster, topic, false);
  }

  /**
   * Returns the last stable offset of each partition of a topic: the end as a {@code read_committed} consumer
   * sees it, before the first record of a transaction still open.
   *
   * @param cluster the cluster
   * @param topic the topic
   * @return the last stable offsets, ordered by partition
   * @throws AssertionError if the topic does not exist
   * @throws IllegalStateException if the offsets cannot be read within {@link #DEFAULT_TIMEOUT}
   */
  public static Map<TopicPartition, Long> stableEndOffsets(KafkaCluster cluster, String topic) {
    return endOffsets(cluster, topic, true);
  }

  private static Map<TopicPartition, Long> endOffsets(KafkaCluster cluster, String topic, boolean stable) {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(topic, "topic");
    long deadline = deadline(DEFAULT_TIMEOUT);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(cluster, "mirror-test-data-offsets", stable)) {
      List<TopicPartition> partitions = partitions(consumer, cluster, topic, deadline);
      Map<TopicPartition, Long> ends = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
      ends.putAll(consumer.endOffsets(partitions, Duration.ofMillis(remainingMillis(deadline))));
      return Collections.unmodifiableMap(ends);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new IllegalStateException("cannot read the end offsets of topic '" + topic + "' on cluster '"
          + cluster.name() + "' within " + DEFAULT_TIMEOUT + ": " + e, e);
    }
  }

  /**
   * Returns the names of the topics of a cluster, internal topics ({@code __consumer_offsets}, ...) left out.
   *
   * @param cluster the cluster
   * @return an immutable set of topic names
   * @throws IllegalStateException if the topics cannot be listed within {@link #DEFAULT_TIMEOUT}
   */
  public static Set<String> topics(KafkaCluster cluster) {
    Objects.requireNonNull(cluster, "cluster");
    try (Admin admin = admin(cluster)) {
      return Set.copyOf(admin.listTopics().names().get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("cannot list the topics of cluster '" + cluster.name() + "': " + cause,
          cause);
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, KafkaCluster cluster, String topic,
      long deadline) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofMillis(remainingMillis(deadline)));
    if (infos == null || infos.isEmpty()) {
      throw new AssertionError("topic '" + topic + "' does not exist on cluster '" + cluster.name() + "'");
    }
    return infos.stream()
        .map(info -> new TopicPartition(info.topic(), info.partition()))
        .sorted(Comparator.comparingInt(TopicPartition::partition))
        .toList();
  }

  private static KafkaConsumer<byte[], byte[]> consumer(KafkaCluster cluster, String clientId, boolean readCommitted) {
    Map<String, Object> props = new HashMap<>(cluster.clientProperties());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(props);
  }

  private static Admin admin(KafkaCluster cluster) {
    Map<String, Object> props = new HashMap<>(cluster.clientProperties());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "mirror-test-data-admin");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DEFAULT_TIMEOUT.toMillis());
    return Admin.create(props);
  }

  private static byte @Nullable [] bytes(@Nullable String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static long deadline(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }

  private static long remainingMillis(long deadlineNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }
}
