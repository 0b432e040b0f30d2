package dev.mirror.examples;

import dev.mirror.Mirror;
import dev.mirror.client.Failover;
import dev.mirror.client.FailoverReport;
import dev.mirror.client.MirrorClient;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaTestData;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Disaster recovery: a consumer group processes orders on "primary" while Mirror replicates them to "backup";
 * then "primary" is lost, and the group resumes on "backup" from its translated offsets. The example prints
 * the failover report and how many records the group read twice (none).
 *
 * <p>Run it with {@code mvn -q -pl mirror-examples -am compile exec:java -Dexample.main=dev.mirror.examples.FailoverExample}.
 */
public final class FailoverExample {
  static final String GROUP = "billing";
  static final int ORDERS = 10_000;
  static final int PROCESSED_ON_PRIMARY = 4_000;

  /** What the run saw. */
  record Result(int processedOnPrimary, int receivedOnBackup, int reRead, int missing, FailoverReport report) {}

  private FailoverExample() {}

  public static void main(String[] args) {
    Result r = run(System.out);
    if (r.reRead() != 0 || r.missing() != 0) {
      throw new IllegalStateException("failover re-read " + r.reRead() + " and missed " + r.missing() + " orders");
    }
  }

  static Result run(PrintStream out) {
    try (EmbeddedKafkaCluster primary = EmbeddedKafkaCluster.start("primary");
         EmbeddedKafkaCluster backup = EmbeddedKafkaCluster.start("backup")) {
      KafkaTestData.createTopic(primary, "orders", 4);
      List<ProducerRecord<byte[], byte[]>> orders = new ArrayList<>();
      for (int i = 0; i < ORDERS; i++) {
        orders.add(new ProducerRecord<>("orders", ("customer-" + (i % 100)).getBytes(StandardCharsets.UTF_8),
            ("order-" + i).getBytes(StandardCharsets.UTF_8)));
      }
      KafkaTestData.produce(primary, "orders", orders);
      out.printf("primary holds %,d orders%n", ORDERS);

      try (Mirror mirror = Mirror.builder()
          .name("dr")
          .cluster("primary", Map.of("bootstrap.servers", primary.bootstrapServers()))
          .cluster("backup", Map.of("bootstrap.servers", backup.bootstrapServers()))
          .flow(f -> f.from("primary").to("backup").topics("orders").groups(GROUP)
              .checkpointInterval(Duration.ofMillis(500)))
          .build()
          .start()) {
        Set<String> processed = consume(primary.bootstrapServers(), PROCESSED_ON_PRIMARY);
        out.printf("group '%s' processed %,d orders on primary and committed%n", GROUP, processed.size());

        Map<String, Object> backupProps = Map.of("bootstrap.servers", backup.bootstrapServers());
        FailoverReport report = awaitCheckpoints(backupProps);
        mirror.close();
        primary.stopBroker();
        out.println("primary is lost. Failing over to backup:");
        out.println(report);

        try (MirrorClient client = new MirrorClient(backupProps);
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(backup.bootstrapServers()))) {
          List<TopicPartition> partitions = new ArrayList<>();
          for (int p = 0; p < 4; p++) {
            partitions.add(new TopicPartition("primary.orders", p));
          }
          consumer.assign(partitions);
          Failover.seekToTranslatedOffsets(consumer, client, "primary", GROUP, Duration.ofSeconds(10));
          Set<String> received = new HashSet<>();
          int reRead = 0;
          long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (received.size() + reRead < ORDERS - processed.size() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
              if (processed.contains(r.value())) {
                reRead++;
              } else {
                received.add(r.value());
              }
            }
          }
          int missing = ORDERS - processed.size() - received.size();
          out.printf("group '%s' resumed on backup: %,d new orders, %,d read twice, %,d missing%n", GROUP,
              received.size(), reRead, missing);
          return new Result(processed.size(), received.size(), reRead, missing, report);
        }
      }
    }
  }

  /** Consumes at least {@code count} orders as group {@link #GROUP} and commits what it consumed. */
  private static Set<String> consume(String bootstrap, int count) {
    Set<String> seen = new HashSet<>();
    Map<String, Object> props = consumerProps(bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of("orders"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (seen.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.value());
        }
      }
      consumer.commitSync();
    }
    return seen;
  }

  /** Waits until the group's checkpoints on backup cover every partition it committed. */
  private static FailoverReport awaitCheckpoints(Map<String, Object> backupProps) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    FailoverReport report = FailoverReport.create(backupProps, "primary", GROUP, Duration.ofSeconds(10));
    while (report.partitions().size() < 4 && System.nanoTime() < deadline) {
      sleep(200);
      report = FailoverReport.create(backupProps, "primary", GROUP, Duration.ofSeconds(10));
    }
    return report;
  }

  private static Map<String, Object> consumerProps(String bootstrap) {
    Map<String, Object> props = new java.util.HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return props;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
