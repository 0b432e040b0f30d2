package dev.mirror.testing;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.record;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static dev.mirror.testing.KafkaTestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Broker outages on an embedded cluster: the broker stops and starts on the same port, and clients opened
 * before the outage carry on by themselves. Has its own cluster, so that the outages disturb no other class.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbeddedKafkaClusterRestartIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static @Nullable EmbeddedKafkaCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = EmbeddedKafkaCluster.start("restart");
  }

  @AfterAll
  static void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * The producer keeps its cached metadata through the outage ({@code metadata.recovery.strategy=none}), so
   * every {@code send} during the outage returns at once and the records wait in the producer until the
   * broker is back on the same port.
   */
  @Test
  void stopThenStartBroker_producerKeepsSending_recordsSentDuringOutageDelivered() throws Exception {
    EmbeddedKafkaCluster cluster = cluster();
    String topic = uniqueName("outage");
    createTopic(cluster, topic, 1);
    String bootstrapBefore = cluster.bootstrapServers();

    try (BackgroundSender sender = new BackgroundSender(cluster, topic,
        Map.of(CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG, "none"))) {
      Await.until(WAIT, () -> assertThat(sender.acked.get()).isGreaterThanOrEqualTo(20));

      cluster.stopBroker();
      assertThat(canConnect(bootstrapBefore)).as("broker port accepts connections while stopped").isFalse();
      int sentAtStop = sender.sent.get();
      Await.until(WAIT, () -> assertThat(sender.sent.get()).isGreaterThanOrEqualTo(sentAtStop + 50));
      assertThat(sender.acked.get()).as("records acknowledged while the broker was stopped")
          .isLessThanOrEqualTo(sentAtStop);
      int sentBeforeStart = sender.sent.get();

      startBrokerAndReport(cluster);

      assertThat(cluster.bootstrapServers()).isEqualTo(bootstrapBefore);
      Await.until(WAIT, () -> assertThat(sender.acked.get()).isGreaterThan(sentBeforeStart));
      sender.stopAndAwaitAllAcks();
    }
    assertAllDelivered(cluster, topic);
  }

  /**
   * With the clients' default {@code metadata.recovery.strategy=rebootstrap} (Kafka 4), a producer that
   * loses every broker drops its cached metadata, and the next {@code send} blocks (up to
   * {@code max.block.ms}) until the broker is back; then it and every later record are delivered.
   */
  @Test
  void stopThenStartBroker_defaultRebootstrap_sendBlockedDuringOutageDeliveredAfterRestart() throws Exception {
    EmbeddedKafkaCluster cluster = cluster();
    String topic = uniqueName("rebootstrap");
    createTopic(cluster, topic, 1);

    try (BackgroundSender sender = new BackgroundSender(cluster, topic, Map.of())) {
      Await.until(WAIT, () -> assertThat(sender.acked.get()).isGreaterThanOrEqualTo(20));

      cluster.stopBroker();
      Await.until(WAIT, () -> assertThat(sender.thread.getStackTrace())
          .as("stack of the sender thread, blocked in send() waiting for metadata")
          .anySatisfy(frame -> assertThat(frame.getMethodName()).isEqualTo("waitOnMetadata")));
      int attemptedDuringOutage = sender.attempted.get();
      assertThat(sender.sent.get()).as("send() calls returned").isEqualTo(attemptedDuringOutage - 1);

      startBrokerAndReport(cluster);

      Await.until(WAIT, () -> assertThat(sender.acked.get()).isGreaterThanOrEqualTo(attemptedDuringOutage));
      sender.stopAndAwaitAllAcks();
    }
    assertAllDelivered(cluster, topic);
  }

  @Test
  void stopThenStartBroker_assignedConsumerKeepsPolling_readsRecordsWrittenAfterRestart() {
    EmbeddedKafkaCluster cluster = cluster();
    String topic = uniqueName("consumer-outage");
    createTopic(cluster, topic, 1);
    KafkaTestData.produce(cluster, topic, List.of(record(topic, "k", "before")));
    Map<String, Object> props = new HashMap<>(cluster.clientProperties());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "restart-it-consumer");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<String> values = new CopyOnWriteArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      Await.until(WAIT, () -> {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(utf8(r.value())));
        assertThat(values).containsExactly("before");
      });

      cluster.stopBroker();
      consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(utf8(r.value())));
      cluster.startBroker();
      KafkaTestData.produce(cluster, topic, List.of(record(topic, "k", "after")));

      Await.until(WAIT, () -> {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(utf8(r.value())));
        assertThat(values).containsExactly("before", "after");
      });
    }
  }

  @Test
  void restartBroker_twice_dataSurvivesAndPortStaysTheSame() {
    EmbeddedKafkaCluster cluster = cluster();
    String topic = uniqueName("survives");
    createTopic(cluster, topic, 3);
    KafkaTestData.produce(cluster, topic, List.of(record(topic, "a", "1"), record(topic, "b", "2")));
    String bootstrapBefore = cluster.bootstrapServers();

    cluster.restartBroker();
    cluster.restartBroker();

    assertThat(cluster.bootstrapServers()).isEqualTo(bootstrapBefore);
    assertThat(canConnect(bootstrapBefore)).isTrue();
    assertThat(readAll(cluster, topic, WAIT)).hasSize(2);
    KafkaTestData.produce(cluster, topic, List.of(record(topic, "c", "3")));
    assertThat(readAll(cluster, topic, WAIT))
        .extracting(r -> utf8(r.value()))
        .containsExactlyInAnyOrder("1", "2", "3");
  }

  @Test
  void stopBroker_calledTwice_secondCallDoesNothing() {
    EmbeddedKafkaCluster cluster = cluster();
    cluster.stopBroker();
    cluster.stopBroker();
    cluster.startBroker();
    cluster.startBroker();

    assertThat(canConnect(cluster.bootstrapServers())).isTrue();
  }

  @Test
  void closedCluster_stopBroker_throwsIllegalState() {
    EmbeddedKafkaCluster other = EmbeddedKafkaCluster.start("closed");
    other.close();
    other.close();

    assertThatThrownBy(other::stopBroker)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot stop the broker of embedded Kafka cluster 'closed': it is closed; start a new one");
  }

  private static void startBrokerAndReport(EmbeddedKafkaCluster cluster) {
    long startNanos = System.nanoTime();
    cluster.startBroker();
    System.out.printf("broker of cluster '%s' started again in %d ms%n",
        cluster.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /** Every record sent, once, in order: the idempotent producer neither lost nor duplicated any. */
  private static void assertAllDelivered(EmbeddedKafkaCluster cluster, String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = readAll(cluster, topic, WAIT);
    assertThat(records).isNotEmpty();
    assertThat(records)
        .extracting(r -> utf8(r.value()))
        .containsExactlyElementsOf(IntStream.range(0, records.size()).mapToObj(i -> "v" + i).toList());
  }

  private static boolean canConnect(String bootstrapServers) {
    String[] hostPort = bootstrapServers.split(",")[0].split(":");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static EmbeddedKafkaCluster cluster() {
    EmbeddedKafkaCluster c = cluster;
    assertThat(c).as("cluster started in @BeforeAll").isNotNull();
    return c;
  }

  /**
   * An idempotent producer ({@code acks=all}, {@code delivery.timeout.ms=60000}) on its own thread, sending
   * {@code v0, v1, ...} every 10 ms to one topic until stopped, counting calls, returns and acknowledgements.
   */
  private static final class BackgroundSender implements AutoCloseable {
    final AtomicInteger attempted = new AtomicInteger();
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger acked = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    private final List<Future<RecordMetadata>> acks = new CopyOnWriteArrayList<>();
    final Thread thread;
    private final KafkaProducer<byte[], byte[]> producer;

    BackgroundSender(KafkaCluster cluster, String topic, Map<String, Object> overrides) {
      Map<String, Object> props = new HashMap<>(cluster.clientProperties());
      props.put(ProducerConfig.CLIENT_ID_CONFIG, "restart-it-" + topic);
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
      props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      props.putAll(overrides);
      producer = new KafkaProducer<>(props);
      thread = new Thread(() -> run(topic), "restart-it-sender-" + topic);
      thread.start();
    }

    private void run(String topic) {
      try {
        // Bounded: at most 6000 records, one every 10 ms, so about a minute even if never told to stop.
        for (int i = 0; i < 6_000 && !stop.get(); i++) {
          attempted.incrementAndGet();
          acks.add(producer.send(record(topic, "k", "v" + i), (metadata, e) -> {
            if (e == null) {
              acked.incrementAndGet();
            }
          }));
          sent.incrementAndGet();
          Thread.sleep(10);
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }

    void stopAndAwaitAllAcks() throws Exception {
      stop.set(true);
      thread.join(TimeUnit.SECONDS.toMillis(70));
      assertThat(thread.isAlive()).as("sender thread still running").isFalse();
      assertThat(failure.get()).as("sender thread failure").isNull();
      producer.flush();
      for (Future<RecordMetadata> ack : acks) {
        ack.get(60, TimeUnit.SECONDS);
      }
      assertThat(acked.get()).isEqualTo(sent.get());
    }

    @Override
    public void close() {
      stop.set(true);
      try {
        thread.join(TimeUnit.SECONDS.toMillis(70));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        producer.close(Duration.ofSeconds(10));
      }
    }
  }
}
