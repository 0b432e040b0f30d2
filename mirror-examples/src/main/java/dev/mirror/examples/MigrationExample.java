package dev.mirror.examples;

import dev.mirror.CatchUp;
import dev.mirror.Mirror;
import dev.mirror.client.IdentityReplicationPolicy;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaTestData;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Migration from an old cluster behind SASL/SCRAM to a new one: topics matching {@code shop\..*} keep their names on the new cluster (identity
 * policy), the group {@code shop-billing} keeps its place, and the cut-over happens once Mirror reports the new
 * cluster has everything the old one held when producers stopped, with current checkpoints.
 *
 * <p>Run it with {@code mvn -q -pl mirror-examples -am compile exec:java -Dexample.main=dev.mirror.examples.MigrationExample}.
 */
public final class MigrationExample {
  static final String GROUP = "shop-billing";
  static final int ORDERS = 6_000;

  /** What the run saw. */
  record Result(CatchUp catchUp, int consumedOnOld, int consumedOnNew, int duplicates, int missing,
      Set<String> topicsOnNew) {}

  private MigrationExample() {}

  public static void main(String[] args) {
    Result r = run(System.out);
    if (!r.catchUp().readyToCutOver() || r.duplicates() != 0 || r.missing() != 0) {
      throw new IllegalStateException("migration was not clean: " + r);
    }
  }

  static Result run(PrintStream out) {
    // The old cluster authenticates its clients with SCRAM-SHA-512; Mirror logs in as 'migrator'.
    Map<String, String> users = Map.of("admin", "admin-secret", "migrator", "migrator-secret");
    try (EmbeddedKafkaCluster old = EmbeddedKafkaCluster.startSaslScram("old", "SCRAM-SHA-512", users, false, "admin");
         EmbeddedKafkaCluster fresh = EmbeddedKafkaCluster.start("new")) {
      for (String topic : List.of("shop.orders", "shop.payments", "tmp.scratch")) {
        KafkaTestData.createTopic(old, topic, 3);
      }
      produce(old, "shop.orders", 0, ORDERS / 2);
      produce(old, "tmp.scratch", 0, 100);

      try (Mirror mirror = Mirror.builder()
          .name("migration")
          .cluster("old", old.clientProperties("migrator"))   // bootstrap.servers, SASL_PLAINTEXT, SCRAM JAAS config
          .cluster("new", Map.of("bootstrap.servers", fresh.bootstrapServers()))
          .replicationPolicy(new IdentityReplicationPolicy())       // same topic names on the new cluster
          .flow(f -> f.from("old").to("new")
              .topics("shop\\..*")                                  // by regular expression
              .groups("shop-.*")
              .syncGroupOffsets(true)                               // groups find their offsets on the new cluster
              .checkpointInterval(Duration.ofMillis(500))
              .syncGroupOffsetsInterval(Duration.ofMillis(500)))
          .build()
          .start()) {
        out.println("Mirror copies shop.* from 'old' to 'new' while the applications still use 'old'");
        Set<String> consumed = consume(old.clientProperties(), ORDERS / 3, new HashSet<>());
        out.printf("group '%s' consumed %,d orders on old%n", GROUP, consumed.size());
        produce(old, "shop.orders", ORDERS / 2, ORDERS / 2);
        produce(old, "shop.payments", 0, 500);
        out.println("producers on 'old' stopped; waiting for 'new' to catch up ...");

        CatchUp catchUp = mirror.awaitCaughtUp("old->new", Duration.ofSeconds(60));
        out.printf("caught up: %s, lag %d records, checkpoints current: %s%n", catchUp.caughtUp(),
            catchUp.totalLag(), catchUp.checkpointsCurrent());
        // The translated offsets are committed to the group on 'new' by the sync round after the checkpoint.
        awaitGroupOffsets(fresh.clientProperties(), committed(old.clientProperties()));
        out.println("cut over: producers and consumers now use 'new'");
        int before = consumed.size();
        Set<String> duplicates = new HashSet<>();
        Set<String> afterCutOver = consume(fresh.clientProperties(), ORDERS - before, duplicates, consumed);
        int missing = ORDERS - consumed.size();
        Set<String> topics = new HashSet<>(KafkaTestData.topics(fresh));
        topics.removeIf(t -> !Pattern.matches("shop\\..*|tmp\\..*", t));
        out.printf("group '%s' consumed %,d more orders on new: %,d duplicates, %,d missing; topics on new: %s%n",
            GROUP, afterCutOver.size(), duplicates.size(), missing, topics);
        return new Result(catchUp, before, afterCutOver.size(), duplicates.size(), missing, topics);
      }
    }
  }

  /** The partitions of shop.orders the group has committed offsets for on a cluster. */
  private static Map<org.apache.kafka.common.TopicPartition, Long> committed(Map<String, Object> cluster) {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(cluster)) {
      Map<org.apache.kafka.common.TopicPartition, Long> result = new HashMap<>();
      admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(10, java.util.concurrent.TimeUnit.SECONDS)
          .forEach((tp, oam) -> {
            if (oam != null && tp.topic().equals("shop.orders")) {
              result.put(tp, oam.offset());
            }
          });
      return result;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the offsets of group '" + GROUP + "': " + e, e);
    }
  }

  /** Waits until the group on the new cluster has the committed offsets it had on the old one. */
  private static void awaitGroupOffsets(Map<String, Object> newCluster,
      Map<org.apache.kafka.common.TopicPartition, Long> old) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!committed(newCluster).equals(old) && System.nanoTime() < deadline) {
      sleep(100);
    }
  }

  private static void produce(EmbeddedKafkaCluster cluster, String topic, int from, int count) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      records.add(new ProducerRecord<>(topic, ("c" + (i % 50)).getBytes(StandardCharsets.UTF_8),
          (topic + "-" + i).getBytes(StandardCharsets.UTF_8)));
    }
    KafkaTestData.produce(cluster, topic, records);
  }

  private static Set<String> consume(Map<String, Object> cluster, int count, Set<String> duplicates) {
    return consume(cluster, count, duplicates, new HashSet<>());
  }

  /** Consumes about {@code count} orders as the group, adding them to {@code seen}; commits. Returns this run's. */
  private static Set<String> consume(Map<String, Object> cluster, int count, Set<String> duplicates,
      Set<String> seen) {
    Map<String, Object> props = new HashMap<>(cluster);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
    Set<String> now = new HashSet<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of("shop.orders"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (now.size() + duplicates.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (seen.add(r.value())) {
            now.add(r.value());
          } else {
            duplicates.add(r.value());
          }
        }
      }
      consumer.commitSync();
    }
    return now;
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
