package dev.mirror.scaleout;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirror.testing.Await;
import dev.mirror.testing.ChildJvm;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaClustersExtension;
import dev.mirror.testing.KafkaTestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances, each in its own JVM, run the same flow with {@code scaleOut(true)}: Kafka's group
 * membership on the target splits the shards among them, a stopped instance hands its shards over with
 * nothing copied twice, and a killed one's shards move to the others within 30 s with nothing lost. In
 * exactly-once mode a frozen instance (a zombie that wakes up after the others took its shards) is fenced, and
 * a killed one is taken over, with every record on the target exactly once for a {@code read_committed} reader.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ScaleOutIT {
  private static final int PARTITIONS = 12;

  @RegisterExtension
  static final KafkaClustersExtension CLUSTERS = KafkaClustersExtension.of("primary", "backup");
  private static EmbeddedKafkaCluster primary;
  private static EmbeddedKafkaCluster backup;

  @TempDir
  Path dir;
  private final List<ChildJvm> children = new ArrayList<>();

  @BeforeAll
  static void clusters() {
    primary = CLUSTERS.get("primary");
    backup = CLUSTERS.get("backup");
  }

  @AfterEach
  void killChildren() throws InterruptedException {
    for (ChildJvm c : children) {
      c.close();
    }
  }

  private ChildJvm instance(String name, String mirror, String topic, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of(primary.bootstrapServers(), backup.bootstrapServers(), mirror, topic));
    args.addAll(List.of(more));
    ChildJvm child = ChildJvm.start(dir, name, Map.of(), ScaleOutInstance.class, args.toArray(new String[0]));
    children.add(child);
    return child;
  }

  private static void produceRange(String topic, int from, int count) {
    List<ProducerRecord<byte[], byte[]>> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(new ProducerRecord<>(topic, i % PARTITIONS, ("k" + i).getBytes(StandardCharsets.UTF_8),
          ("v" + i).getBytes(StandardCharsets.UTF_8)));
    }
    produce(primary, topic, list);
  }


  /**
   * Produces one marker record to every partition, records {@code from} to {@code from + PARTITIONS - 1}, and
   * waits until the target holds all of them: each partition is copied in order, so a record copied twice
   * before its partition's marker is on the target by then.
   */
  private static void awaitMarkers(String topic, int from, String remote) {
    produceRange(topic, from, PARTITIONS);
    List<String> markers = new ArrayList<>();
    for (int i = from; i < from + PARTITIONS; i++) {
      markers.add("v" + i);
    }
    Await.until(Duration.ofSeconds(60), () -> assertThat(readAll(backup, remote, Duration.ofSeconds(30)))
        .extracting(r -> KafkaTestData.utf8(r.value())).containsAll(markers));
  }

  private static long remoteRecords(String topic) {
    Map<TopicPartition, Long> ends = KafkaTestData.endOffsets(backup, "primary." + topic);
    return ends.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Shards (state topic partitions) per member of the group of instances, by member id. */
  private static Map<String, Set<Integer>> shardsByMember(String group) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", backup.bootstrapServers()))) {
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
          .get(group);
      Map<String, Set<Integer>> result = new HashMap<>();
      for (MemberDescription m : d.members()) {
        Set<Integer> shards = new HashSet<>();
        m.assignment().topicPartitions().forEach(tp -> shards.add(tp.partition()));
        result.put(m.consumerId(), shards);
      }
      return result;
    }
  }

  /** Asserts {@code members} instances own all 12 shards, none owned twice, each owning some. */
  private static void assertSplit(Map<String, Set<Integer>> byMember, int members) {
    assertThat(byMember).hasSize(members);
    List<Integer> all = new ArrayList<>();
    byMember.values().forEach(all::addAll);
    assertThat(all).as("shards owned, over all members: %s", byMember).doesNotHaveDuplicates().hasSize(12);
    assertThat(byMember.values()).allSatisfy(s -> assertThat(s).isNotEmpty());
  }

  @Test
  void instancesSplitTheShards_stoppedOneHandsOverExactly_killedOneIsTakenOverWithoutLoss() throws Exception {
    String topic = uniqueName("scale");
    String mirror = uniqueName("m");
    String group = "__mirror." + mirror + ".primary->backup";
    createTopic(primary, topic, PARTITIONS);
    produceRange(topic, 0, 6_000);
    ChildJvm first = instance("first", mirror, topic);
    ChildJvm second = instance("second", mirror, topic);
    ChildJvm third = instance("third", mirror, topic);

    Await.until(Duration.ofSeconds(90), () -> assertSplit(shardsByMember(group), 3));
    produceRange(topic, 6_000, 24_000); // copied while the three instances share the shards
    Await.until(Duration.ofSeconds(90), () -> assertThat(remoteRecords(topic)).isEqualTo(30_000));
    // Every instance copied records: the work was shared, not done by one of them.
    for (ChildJvm c : List.of(first, second, third)) {
      Await.until(Duration.ofSeconds(10), () -> assertThat(c.stdout()).as(c.describe())
          .containsPattern("replicated=[1-9]"));
    }
    assertThat(KafkaTestData.valuesByPartition(readAll(backup, "primary." + topic, Duration.ofSeconds(60))))
        .as("no record copied twice while three instances shared the flow")
        .isEqualTo(KafkaTestData.valuesByPartition(readAll(primary, topic, Duration.ofSeconds(60))));

    // A stopped instance stores its positions before its shards move: nothing is copied twice.
    produceRange(topic, 30_000, 12_000);
    assertThat(third.stop(60)).as(third.describe()).isTrue();
    Await.until(Duration.ofSeconds(60), () -> assertSplit(shardsByMember(group), 2));
    produceRange(topic, 42_000, 12_000);
    Await.until(Duration.ofSeconds(90), () -> assertThat(remoteRecords(topic)).isGreaterThanOrEqualTo(54_000));
    awaitMarkers(topic, 54_000, "primary." + topic);
    assertThat(KafkaTestData.valuesByPartition(readAll(backup, "primary." + topic, Duration.ofSeconds(60))))
        .as("handover after a graceful stop copies nothing twice")
        .isEqualTo(KafkaTestData.valuesByPartition(readAll(primary, topic, Duration.ofSeconds(60))));

    // A killed instance's shards move to the survivor within 30 s; at-least-once: nothing is lost.
    int killedFrom = 54_000 + PARTITIONS;
    int total = killedFrom + 20_000;
    Thread producer = new Thread(() -> {
      for (int i = 0; i < 10; i++) {
        produceRange(topic, killedFrom + i * 2_000, 2_000);
      }
    });
    producer.start();
    second.kill();
    long killed = System.nanoTime();
    Await.until(Duration.ofSeconds(60), () -> assertSplit(shardsByMember(group), 1));
    long takeoverMillis = (System.nanoTime() - killed) / 1_000_000;
    producer.join(60_000);
    Await.until(Duration.ofSeconds(90), () -> assertThat(remoteRecords(topic)).isGreaterThanOrEqualTo(total));
    Map<Integer, List<String>> source = KafkaTestData.valuesByPartition(readAll(primary, topic, Duration.ofSeconds(60)));
    Map<Integer, List<String>> target = KafkaTestData.valuesByPartition(readAll(backup, "primary." + topic, Duration.ofSeconds(60)));
    Map<Integer, List<String>> distinct = new TreeMap<>();
    target.forEach((p, values) -> distinct.put(p, new ArrayList<>(new LinkedHashSet<>(values))));
    assertThat(distinct).as("every record, in order, after the kill").isEqualTo(source);
    long duplicates = target.values().stream().mapToLong(List::size).sum() - total;
    System.out.printf("scale-out: shards taken over %d ms after SIGKILL; %d records copied twice%n",
        takeoverMillis, duplicates);
    assertThat(takeoverMillis).as("time until the killed instance's shards were owned again").isLessThan(30_000);
    assertThat(first.process().isAlive()).as(first.describe()).isTrue();
  }

  @Test
  void exactlyOnce_frozenZombieIsFenced_killedInstanceTakenOver_everyRecordOnce() throws Exception {
    String topic = uniqueName("scale-eos");
    String mirror = uniqueName("m");
    String group = "__mirror." + mirror + ".primary->backup";
    String remote = "primary." + topic;
    createTopic(primary, topic, PARTITIONS);
    produceRange(topic, 0, 6_000);
    ChildJvm first = instance("eos-first", mirror, topic, "exactly-once");
    ChildJvm second = instance("eos-second", mirror, topic, "exactly-once");
    Await.until(Duration.ofSeconds(90), () -> assertSplit(shardsByMember(group), 2));

    // Records keep coming while one instance is frozen, wakes up as a zombie, and is killed.
    int total = 6_000 + 40 * 1_000;
    Thread producer = new Thread(() -> {
      for (int i = 0; i < 40; i++) {
        produceRange(topic, 6_000 + i * 1_000, 1_000);
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }, "steady-producer");
    producer.start();
    Await.until(Duration.ofSeconds(30), () -> assertThat(second.stdout()).as(second.describe())
        .containsPattern("replicated=[1-9]"));

    // Frozen longer than the group's session timeout: its shards move to the first instance, while its open
    // transaction and its copy threads are stuck mid-way. When it runs again, nothing it had in flight may land.
    second.freeze();
    long frozen = System.nanoTime();
    Await.until(Duration.ofSeconds(60), () -> assertSplit(shardsByMember(group), 1));
    long takeoverMillis = (System.nanoTime() - frozen) / 1_000_000;
    second.unfreeze();
    // The zombie runs: its commits are refused, it gives its shards up, and it joins the group again.
    Await.until(Duration.ofSeconds(90), () -> assertSplit(shardsByMember(group), 2));
    assertThat(second.stderr()).as("the zombie noticed it had lost its shards").contains("lost shards");
    second.kill();
    long killed = System.nanoTime();
    Await.until(Duration.ofSeconds(60), () -> assertSplit(shardsByMember(group), 1));
    long killTakeoverMillis = (System.nanoTime() - killed) / 1_000_000;

    producer.join(60_000);
    Await.until(Duration.ofSeconds(90), () -> assertThat(readAll(backup, remote, Duration.ofSeconds(30)))
        .hasSizeGreaterThanOrEqualTo(total));
    awaitMarkers(topic, total, remote);
    Map<Integer, List<String>> source = KafkaTestData.valuesByPartition(readAll(primary, topic, Duration.ofSeconds(60)));
    Map<Integer, List<String>> target = KafkaTestData.valuesByPartition(readAll(backup, remote, Duration.ofSeconds(60)));
    System.out.printf("scale-out, exactly-once: frozen instance's shards taken over after %d ms, killed instance's"
        + " after %d ms; %d records read committed of %d%n", takeoverMillis, killTakeoverMillis,
        target.values().stream().mapToLong(List::size).sum(), total + PARTITIONS);
    assertThat(target).as("every record exactly once, in order, for a read_committed reader").isEqualTo(source);
    assertThat(takeoverMillis).as("time until the frozen instance's shards were owned again").isLessThan(30_000);
    assertThat(killTakeoverMillis).as("time until the killed instance's shards were owned again").isLessThan(30_000);
    assertThat(first.process().isAlive()).as(first.describe()).isTrue();
  }
}
