package dev.mirror.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The yardstick: the simplest consumer-to-producer loop with kafka-clients. It creates the target topic with the
 * source's partition count, assigns every source partition from the beginning, and sends each record to the
 * same partition of the target topic (key, value, headers, timestamp) with a tuned idempotent producer. It keeps
 * no positions and runs until killed (or {@code maxMinutes}), printing {@code DONE <n>} once {@code expected}
 * records were acknowledged.
 *
 * <pre>BareLoop &lt;source bootstrap&gt; &lt;target bootstrap&gt; &lt;source topic&gt; &lt;target topic&gt; &lt;expected&gt; [maxMinutes]</pre>
 */
public final class BareLoop {
  private BareLoop() {}

  /**
   * Runs the loop.
   *
   * @param args see the class documentation
   * @throws Exception when the target topic cannot be created
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: BareLoop <source bootstrap> <target bootstrap> <source topic> <target topic>"
          + " <expected records> [maxMinutes]");
      System.exit(2);
    }
    String sourceServers = args[0];
    String targetServers = args[1];
    String sourceTopic = args[2];
    String targetTopic = args[3];
    long expected = Long.parseLong(args[4]);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(args.length > 5 ? Long.parseLong(args[5]) : 60);

    List<TopicPartition> partitions = createTargetTopic(sourceServers, targetServers, sourceTopic, targetTopic);

    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sourceServers);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "bare-loop-consumer");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, targetServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bare-loop-producer");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 524_288);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");

    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Callback callback = (metadata, exception) -> {
      if (exception != null) {
        failure.compareAndSet(null, exception);
      } else {
        acked.incrementAndGet();
      }
    };
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      boolean reported = false;
      while (System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          producer.send(new ProducerRecord<>(targetTopic, r.partition(), r.timestamp(), r.key(), r.value(),
              r.headers()), callback);
        }
        if (failure.get() != null) {
          throw failure.get();
        }
        if (!reported && acked.get() >= expected) {
          System.out.println("DONE " + acked.get());
          System.out.flush();
          reported = true;
        }
      }
    }
  }

  private static List<TopicPartition> createTargetTopic(String sourceServers, String targetServers,
      String sourceTopic, String targetTopic) throws InterruptedException, ExecutionException {
    TopicDescription description;
    try (Admin source = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sourceServers))) {
      description = source.describeTopics(List.of(sourceTopic)).allTopicNames().get().get(sourceTopic);
    }
    int count = description.partitions().size();
    try (Admin target = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, targetServers))) {
      createTopic(target, targetTopic, count);
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      partitions.add(new TopicPartition(sourceTopic, i));
    }
    return partitions;
  }

  /** Creates the topic with the cluster's default replication factor, unless it exists. */
  static void createTopic(Admin admin, String topic, int partitions) throws InterruptedException, ExecutionException {
    try {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) -1))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }
}
