package dev.mirror.testing;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.record;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
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

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Broker outages on an embedded cluster: the broker stops and starts on the same port, and clients that were
 * open before the outage carry on. Has its own cluster, so that the outages disturb no other test class.
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

  @Test
  void stopThenStartBroker_producerKeepsSending_recordsSentDuringOutageDelivered() throws Exception {
    EmbeddedKafkaCluster cluster = cluster();
    String topic = uniqueName("outage");
    createTopic(cluster, topic, 1);
    String bootstrapBefore = cluster.bootstrapServers();

    Map<String, Object> props = new HashMap<>(cluster.clientProperties());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "restart-it-producer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);

    AtomicInteger sent = new AtomicInteger();
    AtomicInteger acked = new AtomicInteger();
    AtomicBoolean stopSending = new AtomicBoolean();
    AtomicReference<@Nullable Throwable> senderFailure = new AtomicReference<>();
    List<Future<RecordMetadata>> acks = new CopyOnWriteArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      Thread sender = new Thread(() -> {
        try {
          // Bounded: at most 5000 records, one every 10 ms, i.e. under a minute even if never told to stop.
          for (int i = 0; i < 5_000 && !stopSending.get(); i++) {
            acks.add(producer.send(record(topic, "k" + i, "v" + i), (metadata, e) -> {
              if (e == null) {
                acked.incrementAndGet();
              }
            }));
            sent.incrementAndGet();
            Thread.sleep(10);
          }
        } catch (Throwable t) {
          senderFailure.set(t);
        }
      }, "restart-it-sender");
      sender.start();

      Await.until(WAIT, () -> assertThat(acked.get()).isGreaterThanOrEqualTo(20));
      cluster.stopBroker();
      assertThat(canConnect(bootstrapBefore)).as("broker port accepts connections while stopped").isFalse();
      int sentAtStop = sent.get();
      int ackedAtStop = acked.get();
      try {
        Await.until(Duration.ofSeconds(5), () -> assertThat(sent.get()).isGreaterThanOrEqualTo(sentAtStop + 50));
      } catch (AssertionError e) {
        for (StackTraceElement el : sender.getStackTrace()) System.out.println("DEBUG  at " + el);
        throw e;
      }
      assertThat(acked.get()).as("records acknowledged while the broker was down")
          .isLessThanOrEqualTo(sentAtStop);
      int sentBeforeStart = sent.get();
      long startNanos = System.nanoTime();
      cluster.startBroker();
      System.out.printf("broker of '%s' started again in %d ms%n",
          cluster.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));

      assertThat(cluster.bootstrapServers()).isEqualTo(bootstrapBefore);
      Await.until(WAIT, () -> assertThat(acked.get()).isGreaterThan(sentBeforeStart));
      Await.until(WAIT, () -> assertThat(sent.get()).isGreaterThan(sentBeforeStart + 50));
      stopSending.set(true);
      sender.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(sender.isAlive()).as("sender thread still running").isFalse();
      assertThat(senderFailure.get()).isNull();
      producer.flush();
      for (Future<RecordMetadata> ack : acks) {
        ack.get(60, TimeUnit.SECONDS);
      }
      assertThat(ackedAtStop).isPositive();
    }

    int total = sent.get();
    List<ConsumerRecord<byte[], byte[]>> records = readAll(cluster, topic, WAIT);
    List<String> values = new ArrayList<>();
    records.forEach(r -> values.add(KafkaTestData.utf8(r.value())));
    assertThat(values).containsExactlyElementsOf(IntStream.range(0, total).mapToObj(i -> "v" + i).toList());
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
    assertThat(readAll(cluster, topic, WAIT)).hasSize(3);
  }

  @Test
  void stopBroker_calledTwice_secondCallDoesNothing() {
    EmbeddedKafkaCluster cluster = cluster();
    cluster.stopBroker();
    try {
      cluster.stopBroker();
    } finally {
      cluster.startBroker();
    }
    cluster.startBroker();
    assertThat(KafkaTestData.topics(cluster)).isNotNull();
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

  private static boolean canConnect(String bootstrapServers) {
    String[] hostPort = bootstrapServers.split(",")[0].split(":");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 1_000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static EmbeddedKafkaCluster cluster() {
    EmbeddedKafkaCluster c = cluster;
    assertThat(c).as("cluster started in @BeforeAll").isNotNull();
    return c;
  }
}
