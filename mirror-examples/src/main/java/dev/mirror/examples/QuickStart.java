package dev.mirror.examples;

import dev.mirror.FlowStatus;
import dev.mirror.Mirror;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaTestData;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Mirror's quick start, on two embedded Kafka clusters started in this JVM: produces sample orders on
 * "primary", replicates them to "backup" as {@code primary.orders}, and prints progress until every record
 * has arrived.
 *
 * <p>Run it with {@code mvn -q -pl mirror-examples -am compile exec:java}.
 */
public final class QuickStart {
  static final int RECORDS = 50_000;
  static final int PARTITIONS = 6;

  private QuickStart() {}

  public static void main(String[] args) {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : RECORDS;
    long replicated = run(records, System.out);
    if (replicated < records) {
      throw new IllegalStateException("only " + replicated + " of " + records + " records arrived");
    }
  }

  /** Runs the demo; returns how many records the backup cluster holds at the end. */
  static long run(int records, PrintStream out) {
    out.println("Starting two embedded Kafka clusters: primary and backup ...");
    try (EmbeddedKafkaCluster primary = EmbeddedKafkaCluster.start("primary");
         EmbeddedKafkaCluster backup = EmbeddedKafkaCluster.start("backup")) {
      out.printf("  primary at %s, backup at %s%n", primary.bootstrapServers(), backup.bootstrapServers());

      KafkaTestData.createTopic(primary, "orders", PARTITIONS);
      List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>(records);
      for (int i = 0; i < records; i++) {
        batch.add(new ProducerRecord<>("orders", ("customer-" + (i % 1000)).getBytes(StandardCharsets.UTF_8),
            ("{\"order\":" + i + ",\"amount\":" + (i % 97) + "}").getBytes(StandardCharsets.UTF_8)));
      }
      KafkaTestData.produce(primary, "orders", batch);
      out.printf("Produced %,d orders to 'orders' on primary (%d partitions)%n", records, PARTITIONS);

      // The part a real application writes: two clusters, one flow, start, close.
      try (Mirror mirror = Mirror.builder()
          .name("quickstart")
          .cluster("primary", Map.of("bootstrap.servers", primary.bootstrapServers()))
          .cluster("backup", Map.of("bootstrap.servers", backup.bootstrapServers()))
          .flow(f -> f.from("primary").to("backup").topics("orders"))
          .build()
          .start()) {
        out.println("Mirror started: replicating primary -> backup, topic 'orders' becomes 'primary.orders'");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long arrived = 0;
        while (arrived < records && System.nanoTime() < deadline) {
          sleep(500);
          arrived = KafkaTestData.topics(backup).contains("primary.orders")
              ? KafkaTestData.endOffsets(backup, "primary.orders").values().stream().mapToLong(Long::longValue).sum()
              : 0;
          FlowStatus flow = mirror.status().flow("primary->backup").orElseThrow();
          out.printf("  %-8s %,7d / %,d records on backup%s%n", flow.state(), arrived, records,
              flow.lastError() == null ? "" : "  (last error: " + flow.lastError() + ")");
        }
        out.println(arrived >= records ? "Done: every order is on backup in 'primary.orders'."
            : "Gave up waiting: " + arrived + " of " + records + " arrived.");
        return arrived;
      }
    }
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
